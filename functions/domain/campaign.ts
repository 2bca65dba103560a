import type { ErrorDetail } from "./errors";
import { type Checked, valid } from "./validation";
import * as z from "./zod";

/** Campaign fields: these schemas validate requests and produce the OpenAPI document. */

export const LOCALES = ["en", "zh-Hant", "zh-Hans"] as const;
export const CAMPAIGN_STATUSES = ["active", "paused", "archived"] as const;

export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;
export const campaignStatusSchema = z.enum(CAMPAIGN_STATUSES);

/**
 * Text without control characters (so a single line): names, subjects, purchase fields. They would
 * break email headers (CR/LF) or pages.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;

/**
 * A purchase property's name. segmentBy and the results query's `segment` use the same rule, so any
 * property a purchase may carry is one a campaign may segment by.
 */
export const PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const MULTI_LINE = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;

const singleLine = (min: number, max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(min),
      z.maxLength(max),
      z.regex(SINGLE_LINE, "must be a single line without control characters"),
    );

const daysBetween = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

export const attributeSchema = z.strictObject({
  key: z
    .string()
    .check(
      z.regex(
        /^[a-z][a-z0-9_]{0,39}$/,
        "must be 1-40 lowercase letters, digits or _, starting with a letter",
      ),
    ),
  label: singleLine(1, 60),
});

const propertyName = z
  .string()
  .check(z.regex(PROPERTY_NAME, "must be 1-64 letters, digits, '_', '.' or '-'"));

const unique = <T>(items: readonly T[], by: (item: T) => string): boolean =>
  new Set(items.map(by)).size === items.length;

/** Every field a caller may set; each entry is optional here so that create and update share it. */
const campaignFields = {
  name: singleLine(1, 200),
  status: campaignStatusSchema,
  brandName: singleLine(1, 100),
  senderName: singleLine(1, 100),
  locale: localeSchema,
  delayDays: daysBetween(0, 365),
  followUpDays: z.nullable(daysBetween(1, 730)),
  reminderDays: z.nullable(daysBetween(1, 30)),
  throttleDays: z.int().check(z.gte(0), z.lte(365)),
  segmentBy: z.array(propertyName).check(
    z.maxLength(5),
    z.refine((names) => unique(names, (n) => n), "must not repeat a property"),
  ),
  csat: z.boolean(),
  attributes: z.array(attributeSchema).check(
    z.maxLength(8),
    z.refine((attrs) => unique(attrs, (a) => a.key), "must not repeat an attribute key"),
  ),
  subject: z.nullable(singleLine(1, 200)),
  intro: z.nullable(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1),
        z.maxLength(1000),
        z.regex(MULTI_LINE, "must not contain control characters other than newlines"),
      ),
  ),
};

export const campaignCreateSchema = z.strictObject({
  name: campaignFields.name,
  brandName: campaignFields.brandName,
  status: z.optional(campaignFields.status),
  senderName: z.optional(campaignFields.senderName),
  locale: z.optional(campaignFields.locale),
  delayDays: z.optional(campaignFields.delayDays),
  followUpDays: z.optional(campaignFields.followUpDays),
  reminderDays: z.optional(campaignFields.reminderDays),
  throttleDays: z.optional(campaignFields.throttleDays),
  segmentBy: z.optional(campaignFields.segmentBy),
  csat: z.optional(campaignFields.csat),
  attributes: z.optional(campaignFields.attributes),
  subject: z.optional(campaignFields.subject),
  intro: z.optional(campaignFields.intro),
});
export type CampaignCreate = z.infer<typeof campaignCreateSchema>;

export const campaignUpdateSchema = z.partial(campaignCreateSchema);
export type CampaignUpdate = z.infer<typeof campaignUpdateSchema>;

/** The settings of a campaign, every default filled in. */
export type CampaignSettings = {
  name: string;
  status: (typeof CAMPAIGN_STATUSES)[number];
  brandName: string;
  senderName: string;
  locale: Locale;
  delayDays: number;
  followUpDays: number | null;
  reminderDays: number | null;
  throttleDays: number;
  segmentBy: string[];
  csat: boolean;
  attributes: { key: string; label: string }[];
  /** null: the localized default subject. */
  subject: string | null;
  /** null: the localized default intro line. */
  intro: string | null;
};

export type Campaign = CampaignSettings & { id: string; createdAt: string; updatedAt: string };

export const campaignSchema = z.strictObject({
  id: z.string(),
  ...campaignFields,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** The query of the campaign listing: a page size and the cursor of the previous page. */
export const campaignListQuerySchema = z.strictObject({
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")),
      z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(100))),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const CAMPAIGN_DEFAULTS = {
  status: "active",
  locale: "en",
  delayDays: 7,
  followUpDays: null,
  reminderDays: null,
  throttleDays: 30,
  segmentBy: [],
  csat: true,
  attributes: [],
  subject: null,
  intro: null,
} as const satisfies Partial<CampaignSettings>;

/** Fills the defaults of a new campaign; senderName defaults to the brand. */
export function campaignSettingsFromCreate(input: CampaignCreate): CampaignSettings {
  return {
    ...CAMPAIGN_DEFAULTS,
    segmentBy: [],
    attributes: [],
    ...stripUndefined(input),
    senderName: input.senderName ?? input.brandName,
  };
}

/** Applies an update to existing settings; rules that span fields are checked on the result. */
export function applyCampaignUpdate(current: CampaignSettings, update: CampaignUpdate): CampaignSettings {
  return { ...current, ...stripUndefined(update) };
}

/** The settings, checked against the rules that involve more than one field. */
export function checkCampaignRules(settings: CampaignSettings): Checked<CampaignSettings> {
  const violations: ErrorDetail[] = [];
  if (settings.followUpDays !== null && settings.followUpDays <= settings.delayDays) {
    violations.push({
      field: "followUpDays",
      message: `must be more than delayDays (${settings.delayDays}): the follow-up comes after the first survey`,
    });
  }
  return violations.length === 0 ? valid(settings) : { ok: false, issues: violations };
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
