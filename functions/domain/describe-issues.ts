import type { ErrorDetail } from "./errors";
import type * as z from "./zod";

/** zod issues as the API's error details: one entry per offending field, in words a caller can act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
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
