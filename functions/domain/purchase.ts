import { type CampaignSettings, type Locale, localeSchema, PROPERTY_NAME } from "./campaign";
import { normalizeEmail } from "./mail-address";
import { SINGLE_LINE, wellFormed } from "./text";
import { type Checked, check, invalidWith, valid } from "./validation";
import * as z from "./zod";

// Its date arithmetic lives in days.ts, without zod (the survey function loads no schema library).
export { addDays, throttleWindow } from "./days";
export { normalizeEmail } from "./mail-address";

/** A purchase as the order system posts it. */

const DAY_MS = 86_400_000;
/** Older purchases are refused: a back-fill of last year's orders should not mail every customer at once. */
export const MAX_PURCHASE_AGE_DAYS = 365;

/**
 * The numbers a property may hold: those DynamoDB and JavaScript both keep exactly. Past
 * Number.MAX_SAFE_INTEGER a JSON number is already rounded when parsed (9007199254740993 arrives as
 * …992), and DynamoDB holds no magnitude under 1e-130 or over 9.99e125.
 */
const MIN_NUMBER_MAGNITUDE = 1e-130;
const storableNumber = (n: number): boolean =>
  Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Math.abs(n) >= MIN_NUMBER_MAGNITUDE);

const propertyValue = z.union([
  z
    .string()
    .check(z.maxLength(200), z.regex(SINGLE_LINE, "must not contain control characters"), wellFormed()),
  z
    .number()
    .check(
      z.refine(
        storableNumber,
        `must be a number kept exactly: at most ${Number.MAX_SAFE_INTEGER} in size, and 0 or at least 1e-130`,
      ),
    ),
  z.boolean(),
]);

/** What a purchase may carry to segment by: names to values. */
const purchasePropertiesSchema = z
  .record(
    z.string().check(z.regex(PROPERTY_NAME, "property names are 1-64 letters, digits, '_', '.' or '-'")),
    propertyValue,
  )
  .check(
    z.refine((record) => Object.keys(record).length <= 30, "must have at most 30 properties"),
    z.describe(
      "Up to 30 facts about the purchase (region, channel, product…) to segment results by and to find in " +
        "responses and exports; names are 1–64 letters, digits, `_`, `.` or `-`, values a string (at most 200 " +
        "characters, one line), a number (at most 9007199254740991 in size, and 0 or at least 1e-130: numbers " +
        "kept exactly) or a boolean.",
    ),
  );

export const purchaseSchema = z
  .strictObject({
    orderId: z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(200),
        z.regex(SINGLE_LINE, "must not contain control characters"),
        wellFormed(),
        z.describe(
          "Your order's id, 1–200 characters (UTF-16 code units, so at most 600 bytes of UTF-8: its database key " +
            "stays within DynamoDB's 1,024-byte sort key): posting the same orderId to the campaign again answers " +
            "`duplicate` and changes nothing.",
        ),
      ),
    email: z
      .string()
      .check(
        z.trim(),
        z.maxLength(254),
        z.email("must be an email address"),
        z.describe(
          "The customer's email address, where the survey goes; compared without regard to case for " +
            "suppression and throttling.",
        ),
      ),
    name: z
      .optional(
        z.nullable(
          z
            .string()
            .check(z.trim(), z.maxLength(200), z.regex(SINGLE_LINE, "must be a single line"), wellFormed()),
        ),
      )
      .check(
        z.describe(
          "The customer's name, at most 200 characters on one line, to greet them by in the email; null, empty or " +
            "absent for a greeting without a name.",
        ),
      ),
    locale: z
      .optional(localeSchema)
      .check(
        z.describe("Language of this customer's email and survey page; default: the campaign's `locale`."),
      ),
    purchasedAt: z
      .optional(z.iso.datetime({ offset: true }))
      .check(
        z.describe(
          "When the purchase was made (ISO 8601 with `Z` or an offset), from which `delayDays` counts; within the " +
            `last ${MAX_PURCHASE_AGE_DAYS} days and at most a day ahead. Default: the time of posting.`,
        ),
      ),
    properties: z.optional(purchasePropertiesSchema),
  })
  .check(z.describe("One purchase, as your order system posts it; unknown fields are refused."));
export type PurchaseInput = z.infer<typeof purchaseSchema>;

/** The body of POST /purchases: one purchase, or up to 500 under `purchases`. Items are validated one by one. */
export const MAX_BATCH = 500;
const batchOf = <T extends z.ZodMiniType>(item: T) =>
  z.strictObject({
    purchases: z
      .array(item)
      .check(
        z.minLength(1),
        z.maxLength(MAX_BATCH),
        z.describe(`1 to ${MAX_BATCH} purchases, each handled on its own.`),
      ),
  });
export const purchaseBatchSchema = batchOf(z.unknown());

/**
 * The body as the contract shows it. The batch schema above takes its items as they come, so that an
 * invalid one is reported in its result instead of failing the whole batch.
 */
export const purchaseBatchBodySchema = batchOf(purchaseSchema).check(
  z.describe(`Up to ${MAX_BATCH} purchases in one request.`),
);
export const purchasesBodySchema = z
  .union([purchaseSchema, purchaseBatchBodySchema])
  .check(
    z.describe(
      `One purchase, or up to ${MAX_BATCH} under \`purchases\`; each becomes a scheduled survey or says why not.`,
    ),
  );

/** What became of one posted purchase. */
export const PURCHASE_STATUSES = [
  "scheduled",
  "duplicate",
  "suppressed",
  "throttled",
  "invalid",
  "failed",
] as const;
export const purchaseResultSchema = z
  .object({
    orderId: z
      .nullable(z.string())
      .check(
        z.describe(
          "The purchase's orderId (its first 200 characters); null when the item had no string orderId.",
        ),
      ),
    status: z
      .enum(PURCHASE_STATUSES)
      .check(
        z.describe(
          "`scheduled`: a survey will go out at `sendAt`; `duplicate`: this orderId was already posted to the " +
            "campaign (or earlier in the batch), nothing changed; `suppressed`: the address unsubscribed, bounced " +
            "or complained, so no survey; `throttled`: another survey to this person falls within the campaign's " +
            "`throttleDays`, so no survey; `invalid`: the item is not a valid purchase, see `error`; `failed`: it " +
            "could not be recorded right now (a busy table or a fault of ours) and nothing of it was kept: post it " +
            "again.",
        ),
      ),
    sendAt: z
      .optional(z.iso.datetime())
      .check(z.describe("With `scheduled`: when the first survey goes out (ISO 8601, UTC).")),
    error: z
      .optional(z.string())
      .check(
        z.describe(
          "With `invalid`: each offending field and why, as `field: message; field: message`; with `failed`: why.",
        ),
      ),
  })
  .check(z.describe("What became of one posted purchase."));
export type PurchaseResult = z.infer<typeof purchaseResultSchema>;
export type PurchaseStatus = PurchaseResult["status"];

/** The answer of POST /purchases. */
export const purchaseResultsSchema = z
  .object({
    results: z
      .array(purchaseResultSchema)
      .check(z.describe("One result per posted purchase, in the order they were posted.")),
  })
  .check(z.describe("What became of each posted purchase."));

/** What recording one valid purchase did. */
export type PurchaseOutcome =
  | { status: "scheduled"; sendAt: string; tokens: string[] }
  | { status: "duplicate" | "suppressed" | "throttled" };

export type Purchase = {
  orderId: string;
  email: string;
  name: string | null;
  locale: Locale | null;
  purchasedAt: string;
  properties: Record<string, string | number | boolean>;
};

/** One posted purchase checked and normalized, or every issue with it. */
export function parsePurchase(item: unknown, now: Date): Checked<Purchase> {
  const parsed = check(purchaseSchema, item);
  return parsed.ok ? toPurchase(parsed.value, now) : parsed;
}

/** Fills defaults and normalizes; refuses a purchasedAt out of range. */
export function toPurchase(input: PurchaseInput, now: Date): Checked<Purchase> {
  const purchasedAt = input.purchasedAt ? new Date(input.purchasedAt) : now;
  if (purchasedAt.getTime() > now.getTime() + DAY_MS) {
    return invalidWith({ field: "purchasedAt", message: "must not be more than a day in the future" });
  }
  if (purchasedAt.getTime() < now.getTime() - MAX_PURCHASE_AGE_DAYS * DAY_MS) {
    return invalidWith({
      field: "purchasedAt",
      message: `must be within the last ${MAX_PURCHASE_AGE_DAYS} days`,
    });
  }
  return valid({
    orderId: input.orderId,
    email: normalizeEmail(input.email),
    name: input.name ? input.name : null,
    locale: input.locale ?? null,
    purchasedAt: purchasedAt.toISOString(),
    properties: input.properties ?? {},
  });
}

export type InvitationKind = "initial" | "followUp";
export type PlannedInvitation = { kind: InvitationKind; sendAt: string };

/**
 * The surveys a purchase causes: one `delayDays` after it (or at `firstSendAt`, when the caller chose
 * the time), and a follow-up `followUpDays` after it when the campaign has one and that comes later.
 */
export function planInvitations(
  campaign: Pick<CampaignSettings, "delayDays" | "followUpDays">,
  purchase: Pick<Purchase, "purchasedAt">,
  firstSendAt?: string,
): PlannedInvitation[] {
  const at = (days: number) => new Date(Date.parse(purchase.purchasedAt) + days * DAY_MS).toISOString();
  const first = firstSendAt ?? at(campaign.delayDays);
  const planned: PlannedInvitation[] = [{ kind: "initial", sendAt: first }];
  if (campaign.followUpDays !== null && at(campaign.followUpDays) > first) {
    planned.push({ kind: "followUp", sendAt: at(campaign.followUpDays) });
  }
  return planned;
}
