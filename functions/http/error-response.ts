import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorBody, ThrottledError, ValidationError } from "../domain/errors";
import { describeError, log } from "../platform/log";

export type { ErrorBody };

/** An error as HTTP: what every app answers, whatever it renders it as. */
export type HttpError = {
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 500;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** The AppError behind it; undefined for a fault of ours (500). */
  readonly cause: AppError | undefined;
};

/** The body of every 500: it says nothing of the fault, which only the log holds. */
export const INTERNAL_ERROR_BODY = {
  error: { code: "internal_error", message: "Something went wrong on our side; try again later." },
} as const;

/** What a 429 asks the caller to wait, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

const EXTRA_HEADERS: Partial<Record<number, Record<string, string>>> = {
  401: { "WWW-Authenticate": 'Bearer realm="api"' },
  // The unread rest of an oversize body is still on the wire: the connection cannot be reused.
  413: { Connection: "close" },
  429: { "Retry-After": String(RETRY_AFTER_SECONDS) },
};

/**
 * The one place where errors become HTTP, for every app: an AppError (a capacity error of the table
 * included: nothing was written, retry shortly) answers with its status and code; a 4xx raised by
 * the HTTP framework is a 400; anything else is our fault, is logged, and answers a 500 that leaks
 * nothing.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof AppError) {
    const { status, code, message, details } = error;
    return {
      status,
      body: { error: { code, message, ...(details ? { details: [...details] } : {}) } },
      headers: {
        ...EXTRA_HEADERS[status],
        ...(error instanceof ThrottledError && error.retryAfterSeconds !== undefined
          ? { "Retry-After": String(error.retryAfterSeconds) }
          : {}),
      },
      cause: error,
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return toHttpError(new AppError(400, "bad_request", error.message || "The request is not valid."));
  }
  log("error", "unhandled error", { error: describeError(error) });
  return { status: 500, body: INTERNAL_ERROR_BODY, headers: {}, cause: undefined };
}

/** The rendering of the API: the error body as JSON. */
export function jsonErrorResponse(error: unknown, c: Context): Response {
  const mapped = toHttpError(error);
  return c.json(mapped.body, mapped.status, mapped.headers);
}

/**
 * The rendering of the Delighted-compatible API: the same mapping in Delighted's shape,
 * `{"status", "message", "errors"?}`, where a validation failure is Delighted's 422 with one
 * `{field, message}` per offending field in `errors`, and a missing or unknown key asks for HTTP Basic.
 */
export function delightedErrorResponse(error: unknown, c: Context): Response {
  const mapped = toHttpError(error);
  const status = mapped.cause instanceof ValidationError ? 422 : mapped.status;
  const details = mapped.body.error.details;
  return c.json(
    { status, message: mapped.body.error.message, ...(status === 422 ? { errors: details ?? [] } : {}) },
    status,
    { ...mapped.headers, ...(status === 401 ? { "WWW-Authenticate": 'Basic realm="delighted"' } : {}) },
  );
}

/** Delighted's 406: the Delighted-compatible API answers JSON only. */
export function delightedNotAcceptableResponse(c: Context): Response {
  return c.json({ status: 406, message: "This API answers JSON only: accept application/json." }, 406);
}
