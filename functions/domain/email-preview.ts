import { type Campaign, localeSchema } from "./campaign";
import { type InvitationEmail, invitationEmail } from "./invitation";
import { SINGLE_LINE, wellFormed } from "./text";
import * as z from "./zod";

/**
 * Previews and test sends of a campaign's survey email: composed by `invitationEmail()`, as the sender
 * composes every real one, so a preview cannot drift from what customers get. Only the links differ:
 * they carry PREVIEW_TOKEN instead of an invitation's token.
 */

/**
 * The token of a preview's links (`/s/preview?score=9`, `/u/preview`). It is recognisably not a survey
 * token, and it cannot be one (tokens are 24 characters), so no survey or unsubscribe page ever looks
 * it up: each answers its "this link is not valid" page, and nothing is recorded.
 */
export const PREVIEW_TOKEN = "preview";

/** Where a preview is addressed: nowhere (the renderer never shows the address). */
const PREVIEW_ADDRESS = "preview@example.invalid";

/** Test emails a campaign may send per UTC hour. */
export const TEST_SENDS_PER_HOUR = 20;

const locale = z
  .optional(localeSchema)
  .check(
    z.describe(
      "The language to render: `en`, `zh-Hant` or `zh-Hans`, as a purchase's `locale` would choose it; default " +
        "the campaign's `locale`.",
    ),
  );

const name = z
  .optional(
    z.nullable(
      z
        .string()
        .check(
          z.trim(),
          z.maxLength(200),
          z.regex(SINGLE_LINE, "must be a single line without control characters"),
          wellFormed(),
        ),
    ),
  )
  .check(
    z.describe(
      "The customer's name to greet, as a purchase's `name` would: at most 200 characters on one line; null, " +
        "empty or absent for the greeting without a name.",
    ),
  );

export const emailPreviewRequestSchema = z
  .strictObject({
    locale,
    name,
    reminder: z
      .optional(z.boolean())
      .check(
        z.describe(
          "true for the reminder email (its subject prefixed) instead of the first one; default false.",
        ),
      ),
  })
  .check(z.describe("What to preview; every field is optional, and unknown fields are refused."));
export type EmailPreviewRequest = z.infer<typeof emailPreviewRequestSchema>;

export const testEmailRequestSchema = z
  .strictObject({
    email: z
      .string()
      .check(
        z.trim(),
        z.maxLength(254),
        z.email("must be an email address"),
        z.describe("Where to send the test email: one address, at most 254 characters."),
      ),
    locale,
    name,
  })
  .check(z.describe("Where to send a test email, and as whom; unknown fields are refused."));
export type TestEmailRequest = z.infer<typeof testEmailRequestSchema>;

/** The email a preview shows. */
export const emailPreviewSchema = z
  .object({
    subject: z.string().check(z.describe("The subject line, as sent.")),
    html: z
      .string()
      .check(
        z.describe(
          "The HTML part, as sent: a complete document. Its links use the placeholder token `preview` " +
            "(`…/s/preview?score=N`, `…/u/preview`), which every survey page answers as not valid.",
        ),
      ),
    text: z.string().check(z.describe("The plain-text part, as sent, with the same placeholder links.")),
  })
  .check(
    z.describe("A survey email rendered exactly as the sender renders it, links aside; nothing is sent."),
  );
export type EmailPreview = z.infer<typeof emailPreviewSchema>;

export const testEmailResultSchema = z
  .object({
    to: z.string().check(z.describe("The address the test email was handed to SES for, lower-cased.")),
  })
  .check(z.describe("A test email accepted by SES for sending."));
export type TestEmailResult = z.infer<typeof testEmailResultSchema>;

/** The survey email of `campaign` for a made-up purchase, its links on PREVIEW_TOKEN. */
export function previewInvitationEmail(
  campaign: Campaign,
  request: { readonly to?: string; readonly locale?: Campaign["locale"]; readonly name?: string | null },
  options: { readonly publicBaseUrl: string; readonly isReminder: boolean },
): InvitationEmail {
  return invitationEmail(
    campaign,
    {
      token: PREVIEW_TOKEN,
      email: request.to ?? PREVIEW_ADDRESS,
      // Empty after trimming means no name, as for a purchase.
      name: request.name ? request.name : null,
      locale: request.locale ?? null,
    },
    options,
  );
}

/** The UTC hour a test send is counted in (`YYYY-MM-DDTHH`), and the seconds until the next one. */
export function testSendHour(now: Date): { hour: string; secondsLeft: number } {
  const next = new Date(now);
  next.setUTCMinutes(60, 0, 0);
  return {
    hour: now.toISOString().slice(0, 13),
    secondsLeft: Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000)),
  };
}
