import { type ErrorDetail, ValidationError } from "./errors";
import type * as z from "./zod";

/**
 * The one way input problems come back: a validator returns `Checked<T>`, the value or every issue
 * found, each naming its field. A single item of a batch is reported as its issues; a whole request
 * that is invalid becomes a ValidationError (400) through `orThrow`.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ErrorDetail[] };

export const valid = <T>(value: T): Checked<T> => ({ ok: true, value });
export const invalidWith = (...issues: ErrorDetail[]): { ok: false; issues: ErrorDetail[] } => ({
  ok: false,
  issues,
});

/** `input` checked against `schema`, its issues in words a caller can act on. */
export function check<T>(schema: z.ZodMiniType<T>, input: unknown): Checked<T> {
  // reportInput: an issue carries its input, so a field left out reads "is required" and a wrong type reads as one.
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? valid(result.data) : { ok: false, issues: describeIssues(result.error.issues) };
}

/** The value, or a 400 whose message names each offending field of the `what` (e.g. "query"). */
export function orThrow<T>(checked: Checked<T>, what: string): T {
  if (checked.ok) return checked.value;
  throw invalid(what, checked.issues);
}

/** Parses `input` with `schema`, or throws a 400 whose details name every offending field. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  return orThrow(check(schema, input), what);
}

/** The 400 for `details` about the `what`: its message names each offending field. */
export function invalid(what: string, details: readonly ErrorDetail[]): ValidationError {
  const fields = [...new Set(details.map((d) => d.field))].join(", ");
  return new ValidationError(`The ${what} is not valid: ${fields}.`, details);
}

/** One line for a batch item's result: "field: message; field: message". */
export const issuesText = (issues: readonly ErrorDetail[]): string =>
  issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");

/** zod issues as error details: one entry per offending field. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const field = issue.path.map(String).join(".") || "(body)";
    if (issue.code === "unrecognized_keys") {
      const parent = issue.path.length ? `${field}.` : "";
      return issue.keys.map((key) => ({ field: `${parent}${key}`, message: "is not a known field" }));
    }
    if (issue.code === "invalid_type" && issue.input === undefined)
      return [{ field, message: "is required" }];
    return [{ field, message: issue.message }];
  });
}
