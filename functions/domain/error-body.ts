import * as z from "./zod";

/**
 * The schema of every error answer's body, for the OpenAPI document and the tests that check real
 * answers against it. Apart from errors.ts, which holds no zod, so that throwing an error does not
 * load a schema library.
 */

const errorDetailSchema = z.object({
  field: z
    .string()
    .check(
      z.describe(
        "The offending field as a dotted path (e.g. `attributes.0.key`, `from`), or `(body)` for the body as a whole.",
      ),
    ),
  message: z.string().check(z.describe("What is wrong with that field, e.g. `is required`.")),
});

/** The body of every error answer, whatever the app (the survey pages answer JSON callers with it too). */
export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z
          .string()
          .check(
            z.describe(
              "Machine-readable code of the error; the API answers `validation_failed`, `malformed_body`, " +
                "`bad_request`, `unauthorized`, `not_found`, `conflict`, `payload_too_large`, " +
                "`unsupported_media_type`, `throttled` or `internal_error`.",
            ),
          ),
        message: z
          .string()
          .check(
            z.describe(
              "A sentence for humans saying what went wrong; its wording may change, so do not parse it.",
            ),
          ),
        details: z
          .optional(z.array(errorDetailSchema))
          .check(z.describe("With `validation_failed`: one entry per offending field. Absent otherwise.")),
      })
      .check(z.describe("What went wrong.")),
  })
  .check(z.describe("The body of every error response."));
export type ErrorBody = z.infer<typeof errorBodySchema>;
