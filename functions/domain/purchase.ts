import { type CampaignSettings, type Locale, localeSchema, PROPERTY_NAME, SINGLE_LINE } from "./campaign";
import { type Checked, check, invalidWith, valid } from "./validation";
import * as z from "./zod";

/** A purchase as the order system posts it. */

const DAY_MS = 86_400_000;
/** Older purchases are refused: a back-fill of last year's orders should not mail every customer at once. */
export const MAX_PURCHASE_AGE_DAYS = 365;

const propertyValue = z.union([
  z.string().check(z.maxLength(200), z.regex(SINGLE_LINE, "must not contain control characters")),
  z.number(),
  z.boolean(),
]);

export const purchaseSchema = z.strictObject({
  orderId: z
    .string()
    .check(z.minLength(1), z.maxLength(200), z.regex(SINGLE_LINE, "must not contain control characters")),
  email: z.string().check(z.trim(), z.maxLength(254), z.email("must be an email address")),
  name: z.optional(
    z.nullable(z.string().check(z.trim(), z.maxLength(200), z.regex(SINGLE_LINE, "must be a single line"))),
  ),
  locale: z.optional(localeSchema),
  purchasedAt: z.optional(z.iso.datetime({ offset: true })),
  properties: z.optional(
    z
      .record(
        z.string().check(z.regex(PROPERTY_NAME, "property names are 1-64 letters, digits, '_', '.' or '-'")),
        propertyValue,
      )
      .check(z.refine((record) => Object.keys(record).length <= 30, "must have at most 30 properties")),
  ),
});
export type PurchaseInput = z.infer<typeof purchaseSchema>;

/** The body of POST /purchases: one purchase, or up to 500 under `purchases`. Items are validated one by one. */
export const MAX_BATCH = 500;
export const purchaseBatchSchema = z.strictObject({
  purchases: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_BATCH)),
});

/** What became of one posted purchase. */
export const PURCHASE_STATUSES = ["scheduled", "duplicate", "suppressed", "throttled", "invalid"] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];
export type PurchaseResult = {
  orderId: string | null;
  status: PurchaseStatus;
  /** With `scheduled`: when the first survey goes out. */
  sendAt?: string;
  /** With `invalid`: each offending field and why. */
  error?: string;
};

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

/** Addresses are compared case-insensitively: suppression and throttling must not be dodged by case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

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

/** The surveys a purchase causes: one `delayDays` after it, and a follow-up when the campaign has one. */
export function planInvitations(
  campaign: Pick<CampaignSettings, "delayDays" | "followUpDays">,
  purchase: Pick<Purchase, "purchasedAt">,
): PlannedInvitation[] {
  const at = (days: number) => new Date(Date.parse(purchase.purchasedAt) + days * DAY_MS).toISOString();
  const planned: PlannedInvitation[] = [{ kind: "initial", sendAt: at(campaign.delayDays) }];
  if (campaign.followUpDays !== null) planned.push({ kind: "followUp", sendAt: at(campaign.followUpDays) });
  return planned;
}

/** The throttle window around a send time: another survey to the same person inside it is refused. */
export function throttleWindow(sendAt: string, throttleDays: number): { from: string; to: string } {
  const at = Date.parse(sendAt);
  return {
    from: new Date(at - throttleDays * DAY_MS).toISOString(),
    to: new Date(at + throttleDays * DAY_MS).toISOString(),
  };
}

export const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(iso) + days * DAY_MS).toISOString();
