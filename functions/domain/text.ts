import * as z from "./zod";

/**
 * The rules every text from outside follows. Control characters would break email headers (CR/LF) and
 * pages; a lone surrogate is not text at all (UTF-8 cannot encode it, so DynamoDB and every consumer
 * would each replace it differently: two different order ids could become one).
 */

/** A single line: no control character at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
/** Several lines: newlines allowed, no other control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const MULTI_LINE = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

export const WELL_FORMED_MESSAGE = "must be well-formed Unicode text (it holds a lone surrogate)";

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
