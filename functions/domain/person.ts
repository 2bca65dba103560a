import { localeSchema } from "./campaign";
import { caseSchema } from "./case";
import { INVITATION_STATUSES, SKIP_REASONS, SUPPRESSION_REASONS } from "./invitation";
import { normalizeEmail } from "./purchase";
import { type Checked, check, invalidWith, valid } from "./validation";
import * as z from "./zod";

/**
 * A person's data rights: everything held about one address, as an export, and its erasure. A person
 * is an address (normalized): their purchases in every campaign, the invitations and answers those
 * caused, and the records kept per address (last survey, suppression).
 */

export const PERSON_ID_PATTERN = /^[0-9a-f]{24}$/;

/** The `{email}` of `/v1/people/{email}`: an address, percent-encoded as one path segment. */
export const personEmailParamSchema = z
  .string()
  .check(
    z.describe(
      "The person's email address, percent-encoded as one path segment (`@` may stay as is; `encodeURIComponent` " +
        "does it); compared without regard to case, as purchases are.",
    ),
  );

const addressSchema = z.string().check(z.trim(), z.maxLength(254), z.email("must be an email address"));

/** The address a path names, normalized; a 400's details when it is not an address. */
export function parsePersonEmail(raw: string): Checked<string> {
  const checked = check(addressSchema, raw);
  return checked.ok
    ? valid(normalizeEmail(checked.value))
    : invalidWith({ field: "email", message: "must be an email address" });
}

const instant = (what: string) => z.nullable(z.iso.datetime()).check(z.describe(what));
const properties = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .check(z.describe("The purchase's properties, as posted; `{}` once erased."));
const rating = z.int().check(z.gte(1), z.lte(5));

const answerExportSchema = z
  .object({
    score: z.int().check(z.gte(0), z.lte(10), z.describe("The score, 0–10.")),
    csat: z.nullable(rating).check(z.describe("Satisfaction, 1–5; null when not given.")),
    attributes: z
      .record(z.string(), rating)
      .check(z.describe("Ratings 1–5 by attribute key; only the attributes rated.")),
    comment: z
      .nullable(z.string())
      .check(z.describe("The comment; null when none was given, and once erased.")),
    createdAt: z.iso.datetime().check(z.describe("When the person first answered.")),
    updatedAt: z.iso.datetime().check(z.describe("When the answer was last changed.")),
  })
  .check(z.describe("The answer to one survey email."));

const invitationExportSchema = z
  .object({
    kind: z
      .enum(["initial", "followUp"])
      .check(z.describe("`initial`: the survey after the purchase; `followUp`: the later one.")),
    status: z
      .enum(INVITATION_STATUSES)
      .check(z.describe("`scheduled` (not sent yet), `sent`, or `skipped` (never sent: see `skipReason`).")),
    sendAt: z.iso.datetime().check(z.describe("When the email was planned to go out.")),
    sentAt: instant("When the email went out; null when it did not."),
    reminderSentAt: instant("When its reminder went out; null when none did."),
    answeredAt: instant("When the person first answered; null when they did not."),
    unsubscribedAt: instant("When the person unsubscribed through this email's link; null when not."),
    skipReason: z
      .nullable(z.enum(SKIP_REASONS))
      .check(
        z.describe(
          "Why it was never sent (`erased`: the person's data was erased first); null unless skipped.",
        ),
      ),
    erasedAt: instant("When the person's data on it was erased; null when it was not."),
    answer: z.nullable(answerExportSchema).check(z.describe("The answer; null when there is none.")),
  })
  .check(z.describe("One survey email about a purchase; its link is never shown."));

const purchaseExportSchema = z
  .object({
    campaignId: z.string().check(z.describe("The campaign the purchase was posted to.")),
    orderId: z.string().check(z.describe("The purchase's orderId, as posted.")),
    name: z
      .nullable(z.string())
      .check(z.describe("The name posted with it; null when none, and once erased.")),
    locale: z.nullable(localeSchema).check(z.describe("The purchase's locale; null when it gave none.")),
    properties,
    purchasedAt: z.iso.datetime().check(z.describe("When the purchase was made.")),
    recordedAt: z.iso.datetime().check(z.describe("When it was posted.")),
    status: z
      .enum(["scheduled", "suppressed", "throttled"])
      .check(z.describe("What posting it answered: `scheduled`, or no survey (`suppressed`, `throttled`).")),
    erasedAt: instant("When the person's data on it was erased; null when it was not."),
    invitations: z
      .array(invitationExportSchema)
      .check(z.describe("Its survey emails still kept (within the data retention period).")),
  })
  .check(z.describe("One purchase of the person, in one campaign."));

const importedAnswerExportSchema = z
  .object({
    campaignId: z.string().check(z.describe("The campaign it was imported into.")),
    orderId: z
      .string()
      .check(z.describe("The order id of the file's row, else `delighted:<Response ID>` or `import:<id>`.")),
    name: z
      .nullable(z.string())
      .check(z.describe("The name of the file's row; null when none, and once erased.")),
    locale: z.nullable(localeSchema).check(z.describe("The row's locale; null when it gave none.")),
    properties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .check(z.describe("The row's other columns, as properties; `{}` once erased.")),
    importedAt: z.iso.datetime().check(z.describe("When it was imported.")),
    erasedAt: instant("When the person's data on it was erased; null when it was not."),
    answer: answerExportSchema,
  })
  .check(z.describe("A past answer of the person, imported from another tool's history (`npm run import`)."));

export const personExportSchema = z
  .object({
    email: z.string().check(z.describe("The address asked about, lower-cased.")),
    suppression: z
      .nullable(
        z.object({
          reason: z
            .enum(SUPPRESSION_REASONS)
            .check(z.describe("`unsubscribed`, `bounced` or `complained` (SES reported it).")),
          suppressedAt: z.iso.datetime().check(z.describe("When it was recorded.")),
          liftedAt: z
            .optional(z.iso.datetime())
            .check(z.describe("When the person asked for surveys again; absent while in force.")),
        }),
      )
      .check(z.describe("Why the address gets no surveys, as recorded under the address; null when not.")),
    erasedSuppression: z
      .boolean()
      .check(
        z.describe(
          "True when an erasure of this address kept it suppressed: a record under a hash of the address, " +
            "without the address, that keeps every later survey from going to it.",
        ),
      ),
    contact: z
      .nullable(
        z.object({
          lastScheduledAt: instant("When the latest survey to the person was scheduled for."),
          lastSentAt: instant("When the latest survey went out to the person."),
        }),
      )
      .check(z.describe("The record the throttle window reads; null when there is none.")),
    purchases: z
      .array(purchaseExportSchema)
      .check(
        z.describe("Every purchase of the address, in every campaign, with its survey emails and answers."),
      ),
    cases: z
      .optional(z.array(caseSchema))
      .check(
        z.describe(
          "The cases the person's answers opened (close the loop), with their timelines; absent when there are none.",
        ),
      ),
    importedAnswers: z
      .optional(z.array(importedAnswerExportSchema))
      .check(
        z.describe(
          "Past answers of the address imported from another tool's history (`npm run import`), oldest first; " +
            "absent when there are none.",
        ),
      ),
  })
  .check(
    z.describe(
      "Everything held about one address: its purchases, their survey emails and answers, its suppression " +
        "and throttle records.",
    ),
  );
export type PersonExport = z.infer<typeof personExportSchema>;
export type PurchaseExport = PersonExport["purchases"][number];
export type InvitationExport = PurchaseExport["invitations"][number];
export type ImportedAnswerExport = NonNullable<PersonExport["importedAnswers"]>[number];

export const personErasureSchema = z
  .object({
    erased: z
      .object({
        purchases: z.int().check(z.gte(0), z.describe("The person's purchases now without their data.")),
        invitations: z.int().check(z.gte(0), z.describe("Their survey emails, likewise.")),
        answers: z.int().check(z.gte(0), z.describe("Their answers: scores kept, comment and data removed.")),
        cases: z
          .int()
          .check(
            z.gte(0),
            z.describe(
              "Cases their answers opened: status and times kept; address, name, comment and texts removed.",
            ),
          ),
      })
      .check(z.describe("What holds no personal data of the person any more (all of it, every time).")),
    suppressed: z
      .boolean()
      .check(
        z.describe(
          "True when the address stays suppressed (it was when erased): kept under a hash of the address only.",
        ),
      ),
  })
  .check(z.describe("What the erasure left: the same answer however often it is repeated."));
export type PersonErasure = z.infer<typeof personErasureSchema>;
