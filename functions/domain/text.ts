import { isWellFormed, MULTI_LINE, SINGLE_LINE, WELL_FORMED_MESSAGE } from "./text-rules";
import * as z from "./zod";

// The rules live in text-rules.ts (no zod, for the survey function's bundle); here are their zod checks.
export { isWellFormed, MULTI_LINE, SINGLE_LINE, WELL_FORMED_MESSAGE } from "./text-rules";

/** The zod check of `isWellFormed`. */
export const wellFormed = () => z.refine<string>(isWellFormed, WELL_FORMED_MESSAGE);

/** Trimmed text on one line, min..max characters long. */
export const singleLineText = (
  min: number,
  max: number,
  message = "must be a single line without control characters",
) =>
  z.string().check(z.trim(), z.minLength(min), z.maxLength(max), z.regex(SINGLE_LINE, message), wellFormed());

/** Trimmed text that may hold newlines, min..max characters long. */
export const multiLineText = (min: number, max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(min),
      z.maxLength(max),
      z.regex(MULTI_LINE, "must not contain control characters other than newlines"),
      wellFormed(),
    );
