import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, ThrottledError } from "../domain/errors";
import { describeError, log } from "../log";

/**
 * The one place where errors become HTTP: an AppError answers with its status and the API's error
 * body; anything else is our fault, is logged, and answers a generic 500 that leaks nothing.
 */
export function errorResponse(error: unknown, c: Context): Response {
  if (isThrottling(error)) return errorResponse(new ThrottledError(), c);
  if (error instanceof AppError) {
    return c.json(
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      },
      error.status,
      EXTRA_HEADERS[error.status],
    );
  }
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(
      { error: { code: "bad_request", message: error.message || "The request is not valid." } },
      error.status,
    );
  }
  log("error", "unhandled error", { error: describeError(error) });
  return c.json(
    { error: { code: "internal_error", message: "Something went wrong on our side; try again later." } },
    500,
  );
}

const EXTRA_HEADERS: Partial<Record<number, Record<string, string>>> = {
  401: { "WWW-Authenticate": 'Bearer realm="api"' },
  // The unread rest of an oversize body is still on the wire: the connection cannot be reused.
  413: { Connection: "close" },
};

// DynamoDB throttling that outlasted the SDK's own retries: the caller may retry, so 429, not 500.
const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
]);
function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}
