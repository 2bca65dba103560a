import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, ThrottledError } from "../domain/errors";
import { describeError, log } from "../log";
import { isCapacityExceeded } from "../store/transactions";

/** The body of every 500: it says nothing of the fault, which only the log holds. */
export const INTERNAL_ERROR_BODY = {
  error: { code: "internal_error", message: "Something went wrong on our side; try again later." },
} as const;

/** What a 429 asks the caller to wait, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The one place where errors become HTTP: an AppError answers with its status and the API's error
 * body; anything else is our fault, is logged, and answers a generic 500 that leaks nothing.
 */
export function errorResponse(error: unknown, c: Context): Response {
  // Our own AppErrors (ThrottledError included) first: a capacity error of DynamoDB becomes one.
  if (!(error instanceof AppError) && isCapacityError(error)) return errorResponse(new ThrottledError(), c);
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
  return c.json(INTERNAL_ERROR_BODY, 500);
}

const EXTRA_HEADERS: Partial<Record<number, Record<string, string>>> = {
  401: { "WWW-Authenticate": 'Bearer realm="api"' },
  // The unread rest of an oversize body is still on the wire: the connection cannot be reused.
  413: { Connection: "close" },
  429: { "Retry-After": String(RETRY_AFTER_SECONDS) },
};

/**
 * DynamoDB throttling that outlasted the SDK's retries, a transaction still conflicting after
 * sendTransaction's, or our own ThrottledError (e.g. an answer overtaken by other submissions too
 * often): nothing was written and the same request will succeed shortly, so the caller gets 429 with
 * Retry-After, not a 500.
 */
export function isCapacityError(error: unknown): boolean {
  return error instanceof ThrottledError || isCapacityExceeded(error);
}
