import type { Context } from "hono";
import { describeIssues } from "../domain/describe-issues";
import {
  type ErrorDetail,
  MalformedBodyError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../domain/errors";
import type * as z from "../domain/zod";

type Schema<T> = z.ZodMiniType<T>;

/** Parses `input` with `schema`, or throws a 400 whose details name every offending field. */
export function parseWith<T>(schema: Schema<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalid(what, describeIssues(result.error.issues));
}

/** The 400 for `details` about the `what` (e.g. "query"): its message names each offending field. */
export function invalid(what: string, details: readonly ErrorDetail[]): ValidationError {
  const fields = [...new Set(details.map((d) => d.field))].join(", ");
  return new ValidationError(`The ${what} is not valid: ${fields}.`, details);
}

/** Reads a JSON body: 415 unless it is declared JSON, 400 unless it parses. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError("application/json");
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBodyError();
  }
}
