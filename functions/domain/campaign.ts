import type { ErrorDetail } from "./errors";
import { followUpSchema } from "./follow-up";
import { CAMPAIGN_ID_PATTERN } from "./ids";
import { LOCALES } from "./locale";
import { encodedSenderNameLength, MAX_ENCODED_SENDER_NAME_LENGTH } from "./mail-address";
import { multiLineText, singleLineText } from "./text";
import { type Checked, valid } from "./validation";
import * as z from "./zod";

/**
 * Campaign fields: these schemas validate requests and produce the OpenAPI document, descriptions
 * included, so a field's documentation sits beside its rules.
 */

// The languages and textIn live in locale.ts, without zod (the survey function loads no schema library).
export { LOCALES, type Locale, type LocalizedText, textIn } from "./locale";
export const CAMPAIGN_STATUSES = ["active", "paused", "archived"] as const;

export const localeSchema = z.enum(LOCALES);
export const campaignStatusSchema = z.enum(CAMPAIGN_STATUSES);

/**
 * A purchase property's name. segmentBy and the results query's `segment` use the same rule, so any
 * property a purchase may carry is one a campaign may segment by.
 */
export const PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const singleLine = singleLineText;

const HOURS_PER_DAY = 24;
/**
 * A span in days, to the hour: what users mean by "a day and a half" is 36 hours, and a finer step
 * (1e-7 days) would only be noise. Given as a multiple of 1/24, kept as exactly that many hours.
 */
const daysBetween = (min: number, max: number) =>
  z.pipe(
    z.number().check(
      z.gte(min),
      z.lte(max),
      z.refine(
        (days) => Math.abs(days * HOURS_PER_DAY - Math.round(days * HOURS_PER_DAY)) < 1e-6,
        "must be a whole number of hours, as days: a multiple of 1/24 (0.5 is 12 hours)",
      ),
    ),
    // Piped on into a number, so that the contract can show what comes out: a number.
    z.pipe(
      z.transform((days: number) => Math.round(days * HOURS_PER_DAY) / HOURS_PER_DAY),
      z.number(),
    ),
  );

/**
 * A sender name SES will take: its From header (the name encoded, and an address of up to
 * MAX_SENDER_ADDRESS_LENGTH characters) stays within SES's 320 characters. Refused here, once, rather
 * than by SES for every email of the campaign.
 */
const fromHeaderMessage = (length: number) =>
  `is too long for an email's From line: ${length} characters once encoded for it, at most ` +
  `${MAX_ENCODED_SENDER_NAME_LENGTH} (about 44 Chinese characters; any ASCII name of up to 100 characters fits)`;
const fitsFromHeader = () =>
  z.check<string>((ctx) => {
    const length = encodedSenderNameLength(ctx.value);
    if (length > MAX_ENCODED_SENDER_NAME_LENGTH) {
      ctx.issues.push({ code: "custom", input: ctx.value, message: fromHeaderMessage(length) });
    }
  });

/**
 * A customer-facing text: one string for every language, or `{"en": …, "zh-Hant": …, "zh-Hans": …}`
 * with at least one of them (a language left out falls back as `textIn` says).
 */
const localized = (text: z.ZodMiniType<string>) =>
  z.union([
    text,
    z
      .strictObject({
        en: z.optional(text).check(z.describe("The text in English.")),
        "zh-Hant": z.optional(text).check(z.describe("The text in Traditional Chinese.")),
        "zh-Hans": z.optional(text).check(z.describe("The text in Simplified Chinese.")),
      })
      .check(
        z.refine(
          (byLocale) => Object.keys(byLocale).length > 0,
          "must give the text in at least one language",
        ),
      ),
  ]);

/** An https URL a customer's browser or mail client may load or open: no credentials in it. */
const httpsUrl = (what: string) =>
  z.string().check(
    z.maxLength(2048),
    z.refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return url.protocol === "https:" && url.username === "" && url.password === "";
    }, `must be an https URL (${what}), without a user name or password`),
  );

/**
 * The WCAG contrast ratio of a #RRGGBB colour against white: buttons and selected choices carry white
 * text on the accent colour, so it must reach 4.5:1 (WCAG AA for text).
 */
export function contrastWithWhite(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}
export const MIN_ACCENT_CONTRAST = 4.5;
const accentColor = z.string().check(
  z.regex(/^#[0-9a-fA-F]{6}$/, "must be a colour #RRGGBB"),
  z.refine(
    (hex) => !/^#[0-9a-fA-F]{6}$/.test(hex) || contrastWithWhite(hex) >= MIN_ACCENT_CONTRAST,
    `must contrast at least ${MIN_ACCENT_CONTRAST}:1 with white text (buttons carry white text on it): choose a darker colour`,
  ),
);

export const attributeSchema = z.strictObject({
  key: z
    .string()
    .check(
      z.regex(
        /^[a-z][a-z0-9_]{0,39}$/,
        "must be 1-40 lowercase letters, digits or _, starting with a letter",
      ),
      z.describe(
        "Stable key of the attribute, naming it in results, responses and the CSV export (`attr.<key>`): " +
          "1–40 lowercase letters, digits or `_`, starting with a letter.",
      ),
    ),
  label: localized(singleLine(1, 60)).check(
    z.describe(
      "What the survey page asks the customer to rate, e.g. `Delivery`: 1–60 characters on one line; one " +
        'text for every language, or one per language: `{"en": "Delivery", "zh-Hant": "送貨"}`.',
    ),
  ),
});

const propertyName = z
  .string()
  .check(z.regex(PROPERTY_NAME, "must be 1-64 letters, digits, '_', '.' or '-'"));

const unique = <T>(items: readonly T[], by: (item: T) => string): boolean =>
  new Set(items.map(by)).size === items.length;

/**
 * Every field a caller may set, described for the contract with its default (CAMPAIGN_DEFAULTS, applied at
 * creation); each is optional in the create and update schemas so that they share it.
 */
const campaignFields = {
  name: singleLine(1, 200).check(
    z.describe("The campaign's name, for you alone (customers never see it): 1–200 characters on one line."),
  ),
  status: campaignStatusSchema.check(
    z.describe(
      "`active` sends surveys as they fall due; `paused` keeps taking purchases but holds their surveys until " +
        "it is active again; `archived` refuses purchases (409) and drops the surveys not yet sent. Default `active`.",
    ),
  ),
  brandName: singleLine(1, 100).check(
    z.describe(
      "Your brand as customers see it in the email and on the survey page: 1–100 characters on one line. " +
        "Without a `senderName` at creation it is the sender name too, and must then fit as one.",
    ),
  ),
  senderName: singleLine(1, 100).check(
    fitsFromHeader(),
    z.describe(
      "The display name of the emails' From address: 1–100 characters on one line, and at most " +
        `${MAX_ENCODED_SENDER_NAME_LENGTH} characters as written in the From header (a name that is not plain ` +
        "ASCII goes encoded, about 4 characters for every 3 bytes of UTF-8): any ASCII name fits, and about 44 " +
        "Chinese characters do. SES refuses a longer From address, and with it every email of the campaign. " +
        "Default: `brandName` at creation.",
    ),
  ),
  locale: localeSchema.check(
    z.describe(
      "Language of the emails and survey pages: `en`, `zh-Hant` (Traditional Chinese) or `zh-Hans` (Simplified " +
        "Chinese). A purchase's own `locale` overrides it. Default `en`.",
    ),
  ),
  delayDays: daysBetween(0, 365).check(
    z.describe(
      "Days from the purchase (`purchasedAt`) to the first survey email, 0–365, to the hour (a multiple of 1/24: " +
        "0.5 is 12 hours, 0 sends at once). Default 7.",
    ),
  ),
  followUpDays: z
    .nullable(daysBetween(1, 730))
    .check(
      z.describe(
        "Days from the purchase to a second, follow-up survey, 1–730, to the hour, and more than `delayDays`; " +
          "null for none. " +
          "Default null.",
      ),
    ),
  reminderDays: z
    .nullable(daysBetween(1, 30))
    .check(
      z.describe(
        "Days after the first email to remind a customer who has not answered, 1–30, to the hour; null for no " +
          "reminder. " +
          "Default null.",
      ),
    ),
  throttleDays: daysBetween(0, 365).check(
    z.describe(
      "Days, 0–365, to the hour (a multiple of 1/24): a person sent a survey about another purchase within this " +
        "window is not surveyed again (the purchase answers `throttled`); 0 turns this off. Default 30.",
    ),
  ),
  segmentBy: z.array(propertyName).check(
    z.maxLength(5),
    z.refine((names) => unique(names, (n) => n), "must not repeat a property"),
    z.describe(
      "Up to 5 distinct purchase property names to break results down by (`segment` of the results) and to " +
        "give their own column in the CSV export. Default none.",
    ),
  ),
  csat: z
    .boolean()
    .check(
      z.describe("Whether the survey page also asks for satisfaction on a 1–5 scale (CSAT). Default true."),
    ),
  attributes: z.array(attributeSchema).check(
    z.maxLength(8),
    z.refine((attrs) => unique(attrs, (a) => a.key), "must not repeat an attribute key"),
    z.describe(
      "Up to 8 aspects (product, delivery, price…) the survey page invites the customer to rate 1–5; keys " +
        "unique. Default none.",
    ),
  ),
  subject: z
    .nullable(localized(singleLine(1, 200)))
    .check(
      z.describe(
        "Subject of the survey email, 1–200 characters on one line (a reminder gets a localized prefix), one for " +
          "every language or one per language; null for the localized default, which names the brand. Default null.",
      ),
    ),
  intro: z
    .nullable(localized(multiLineText(1, 1000)))
    .check(
      z.describe(
        "Opening text of the survey email, 1–1000 characters, line breaks kept, one for every language or one per " +
          "language; null for the localized default line. Default null.",
      ),
    ),
  promoterLink: z
    .nullable(
      z.strictObject({
        url: httpsUrl("the page promoters are sent to").check(
          z.describe("Where the link goes, e.g. your review or referral page (https)."),
        ),
        label: localized(singleLine(1, 80)).check(
          z.describe('The link\'s text, 1–80 characters, e.g. "Review us on Google"; or one per language.'),
        ),
      }),
    )
    .check(
      z.describe(
        "A link the thank-you page shows to promoters (who answered 9 or 10), e.g. to leave a review or refer a " +
          "friend; null for none. Default null.",
      ),
    ),
  thankYouNote: z
    .nullable(localized(multiLineText(1, 300)))
    .check(
      z.describe(
        "A short line the thank-you page shows to everyone else (0–8), e.g. what happens with their answer, " +
          "1–300 characters, or one per language; null for none. Default null.",
      ),
    ),
  logoUrl: z
    .nullable(httpsUrl("an image"))
    .check(
      z.describe(
        "Your logo (an https image URL), shown at most 200×60 px above the survey page and the email; null for " +
          "none. Default null.",
      ),
    ),
  accentColor: z
    .nullable(accentColor)
    .check(
      z.describe(
        "Your colour (#RRGGBB) for the buttons and chosen answers of the survey page and the email's score " +
          "buttons; it must contrast at least 4.5:1 with white text. null for the product's blue. Default null.",
      ),
    ),
  followUp: z
    .nullable(followUpSchema)
    .check(
      z.describe(
        "Alert rules that close the loop on unhappy customers: which answers open a case, its owners, target " +
          "hours and an optional Slack webhook; null for none. Default null.",
      ),
    ),
};

const campaignCreateFields = z.strictObject({
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
  promoterLink: z.optional(campaignFields.promoterLink),
  thankYouNote: z.optional(campaignFields.thankYouNote),
  logoUrl: z.optional(campaignFields.logoUrl),
  accentColor: z.optional(campaignFields.accentColor),
  followUp: z.optional(campaignFields.followUp),
});
// z.partial refuses an object that carries checks, and a description is one: both are described after it.
export const campaignCreateSchema = campaignCreateFields.check(
  // The brand becomes the sender name when none is given (campaignSettingsFromCreate): it must fit as one.
  z.check((ctx) => {
    if (ctx.value.senderName !== undefined) return;
    const length = encodedSenderNameLength(ctx.value.brandName);
    if (length > MAX_ENCODED_SENDER_NAME_LENGTH) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value.brandName,
        path: ["brandName"],
        message: `${fromHeaderMessage(length)}: it is the sender name unless you give a shorter senderName`,
      });
    }
  }),
  z.describe("A new campaign: `name` and `brandName` are required, every other field has a default."),
);
export type CampaignCreate = z.infer<typeof campaignCreateSchema>;

export const campaignUpdateSchema = z
  .partial(campaignCreateFields)
  .check(
    z.describe("The fields to change; those left out keep their value. An empty object changes nothing."),
  );
export type CampaignUpdate = z.infer<typeof campaignUpdateSchema>;

/** The id of a campaign, in the API's paths and in its body. */
export const campaignIdSchema = z
  .string()
  .check(
    z.regex(CAMPAIGN_ID_PATTERN),
    z.describe("The campaign's id, assigned at creation: `cmp_` followed by 16 URL-safe characters."),
  );

/** A campaign as the API answers it: every setting with its default filled in, and its id and times. */
export const campaignSchema = z
  .strictObject({
    id: campaignIdSchema,
    ...campaignFields,
    createdAt: z.iso.datetime().check(z.describe("When the campaign was created (ISO 8601, UTC).")),
    updatedAt: z.iso
      .datetime()
      .check(z.describe("When its settings or status last changed (ISO 8601, UTC); `createdAt` until then.")),
  })
  .check(z.describe("A campaign, with every setting's current value."));
export type Campaign = z.infer<typeof campaignSchema>;

/** The settings of a campaign, every default filled in. */
export type CampaignSettings = Omit<Campaign, "id" | "createdAt" | "updatedAt">;

/** The largest page of the campaign listing, and the page size unless `limit` says otherwise. */
export const CAMPAIGNS_MAX_LIMIT = 100;
export const CAMPAIGNS_DEFAULT_LIMIT = 25;

/** The query of the campaign listing: a page size and the cursor of the previous page. */
export const campaignListQuerySchema = z.strictObject({
  limit: z
    ._default(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${CAMPAIGNS_MAX_LIMIT}`)),
        z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(CAMPAIGNS_MAX_LIMIT))),
      ),
      CAMPAIGNS_DEFAULT_LIMIT,
    )
    .check(z.describe(`Campaigns per page, 1–${CAMPAIGNS_MAX_LIMIT}; default ${CAMPAIGNS_DEFAULT_LIMIT}.`)),
  cursor: z
    .optional(z.string().check(z.minLength(1), z.maxLength(2048)))
    .check(z.describe("The `nextCursor` of the previous page; leave it out for the first page.")),
  status: z
    .optional(campaignStatusSchema)
    .check(
      z.describe(
        "Only campaigns of this status: `active`, `paused` or `archived`; default all. Pass it again with " +
          "`cursor`. A filtered page is full unless it is the last, except that one which had to skip thousands " +
          "of campaigns of other statuses may come back short (even empty), with a `nextCursor` to go on from.",
      ),
    ),
});

/** A page of the campaign listing. */
export const campaignPageSchema = z
  .object({
    items: z.array(campaignSchema).check(z.describe("Campaigns, newest first.")),
    nextCursor: z
      .nullable(z.string())
      .check(z.describe("Pass as `cursor` for the next page; null on the last page.")),
  })
  .check(z.describe("A page of campaigns, newest first."));
export type CampaignPage = z.infer<typeof campaignPageSchema>;

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
  promoterLink: null,
  thankYouNote: null,
  logoUrl: null,
  accentColor: null,
  followUp: null,
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
