import * as z from "../domain/zod";
import { RETRY_AFTER_SECONDS } from "./error-response";

/** An error status the marketer API documents; each answers with the one error body. */
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429;

/** What each error status means, and the headers it comes with (as toHttpError sets them). */
export const ERROR_STATUSES: Readonly<
  Record<ErrorStatus, { readonly description: string; readonly headers?: Record<string, z.ZodMiniType> }>
> = {
  400: { description: "Validation failed or the body is not JSON; `details` names each offending field." },
  401: {
    description: "No API key, or an unknown or revoked one.",
    headers: {
      "WWW-Authenticate": z
        .string()
        .check(z.describe('The scheme to authenticate with: `Bearer realm="api"`.')),
    },
  },
  404: { description: "No such campaign." },
  409: { description: "The campaign changed meanwhile; read it again and retry." },
  413: { description: "Body larger than 256 KB." },
  415: { description: "Body not sent as application/json." },
  429: {
    description: "Throttled: nothing was written; send the same request again after a short wait.",
    headers: {
      "Retry-After": z
        .int()
        .check(
          z.gte(1),
          z.describe(
            `Seconds to wait before sending the request again: ${RETRY_AFTER_SECONDS} when the table was busy, ` +
              "longer when a limit of the route says so (its 429 tells).",
          ),
        ),
    },
  },
};
