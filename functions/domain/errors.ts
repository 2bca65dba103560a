/**
 * The one error hierarchy. Anything the caller did wrong is an AppError with a status and a machine
 * code; functions/http/error-response.ts turns it into the API's error body. Any other thrown value is
 * a fault of ours: logged and answered with a generic 500.
 */
export type ErrorDetail = { field: string; message: string };

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 410 | 413 | 415 | 429,
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

export class ThrottledError extends AppError {
  constructor(message = "Too many requests right now; retry after a short wait.") {
    super(429, "throttled", message);
  }
}
