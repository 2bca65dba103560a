/**
 * The one error hierarchy. Anything the caller did wrong is an AppError with a status and a machine
 * code; http/error-response.ts maps it to HTTP for every app (each app only chooses how to render it:
 * a JSON body, a localized page). Any other thrown value is a fault of ours: logged, answered 500.
 */

/** One offending field of a 400 (error-body.ts has its schema, for the OpenAPI document). */
export type ErrorDetail = { field: string; message: string };

/**
 * The body of every error answer, whatever the app. Its schema is in error-body.ts: this module has no
 * zod, so the survey function, which throws these errors, loads no schema library.
 */
export type { ErrorBody } from "./error-body";

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: readonly ErrorDetail[]) {
    super(400, "validation_failed", message, details);
  }
}

export class MalformedBodyError extends AppError {
  constructor(message = "The request body is not valid JSON.") {
    super(400, "malformed_body", message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "A valid API key is required: send 'Authorization: Bearer <api key>'.") {
    super(401, "unauthorized", message);
  }
}

/** Known caller, not allowed: a member on an admin page, a form posted from another site. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, "conflict", message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, "payload_too_large", `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(415, "unsupported_media_type", `The request body must be sent as ${expected}.`);
  }
}

export class LinkExpiredError extends AppError {
  constructor(
    answerWindowDays: number,
    /** What the expired page shows: the link's brand, in its language. */
    readonly page: { readonly locale: string; readonly brandName: string },
  ) {
    super(
      410,
      "link_expired",
      `This survey link was open for ${answerWindowDays} days after it was sent and has closed.`,
    );
  }
}

export class ThrottledError extends AppError {
  constructor(
    message = "Too many requests right now; retry after a short wait.",
    /** When the request may succeed again, if later than the usual short wait (a limit per hour). */
    readonly retryAfterSeconds?: number,
  ) {
    super(429, "throttled", message);
  }
}

/**
 * The database refused for lack of capacity right now: throttling that outlasted the client's
 * retries, or a transaction still conflicting with others after its retries. Nothing was written, and
 * the same request will succeed shortly. The store adapter turns its client's errors into this.
 */
export class CapacityExceededError extends ThrottledError {
  constructor(
    /** True for a transaction cancelled by conflicting ones; false for throttling. */
    readonly conflict: boolean,
    cause: unknown,
  ) {
    super();
    this.cause = cause;
  }
}

/** The mail provider refused this message for good (bad address, unverified sender): retrying cannot help. */
export class MailRejectedError extends Error {
  override name = "MailRejectedError";
}

/**
 * The mail provider refused a message for a reason every message of the campaign shares (its From
 * name, the sender's identity, the account's sending): not the recipient's fault, and nothing to give
 * up on one invitation for. Deliberately not a MailRejectedError: it is thrown as a transient fault, so
 * the queue retries the message and finally dead-letters it, and the send handler counts it
 * (`SendsFailedSetup`, alarmed) so the operator learns of it at once.
 */
export class MailSetupError extends Error {
  override name = "MailSetupError";
}
