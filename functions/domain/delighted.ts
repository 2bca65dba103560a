import type { Locale } from "./campaign";
import type { ErrorDetail } from "./errors";
import { PERSON_ID_PATTERN, parsePersonEmail } from "./person";
import { normalizeEmail, type Purchase, parsePurchase, purchaseSchema } from "./purchase";
import { roundRatio, type Stats } from "./results";
import { SINGLE_LINE } from "./text";
import { type Checked, check, invalidWith, valid } from "./validation";
import * as z from "./zod";

/**
 * The rules of the Delighted-compatible API (`/delighted/{campaignId}/v1`): what its requests may
 * hold, and how they become this product's purchases, listings and figures. A Delighted "project" is
 * one campaign; a Delighted "person" posted to it is one purchase. Pure.
 */

const DAY_SECONDS = 86_400;
/** The most `delay` may put a survey off: as long as the longest `delayDays` a campaign may have. */
export const MAX_DELAY_SECONDS = 365 * DAY_SECONDS;
/** Rows of a page unless `per_page` says otherwise, and the most it may ask for (Delighted's own). */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;
/**
 * Page-number listings read every row before the page asked for: page × per_page may not pass this,
 * so one request never reads more than this many rows (narrow since/until to go further).
 */
export const MAX_PAGE_DEPTH = 10_000;
/** The last Unix second of year 9999: later timestamps are not dates anyone means. */
const MAX_UNIX_SECONDS = 253_402_300_799;

// ---------------------------------------------------------------------------------------------------
// POST people

/** Delighted's fields for what this product does not do: SMS, and moving a person to another address. */
const UNSUPPORTED_PERSON_FIELDS = {
  phone_number: "is not supported: surveys go out by email only",
  phone_number_update: "is not supported: surveys go out by email only",
  email_update: "is not supported: post the new address as a person of its own",
  last_sent_at: "is not supported: the throttle window counts the surveys this product sent",
} as const;

const personSchema = z.strictObject({
  // Email, name and properties are checked as a purchase's are, below.
  email: z.optional(z.unknown()),
  name: z.optional(z.unknown()),
  properties: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  locale: z.optional(z.nullable(z.string())),
  delay: z.optional(
    z.nullable(
      z
        .int(`must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}`)
        .check(
          z.gte(0, `must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}`),
          z.lte(MAX_DELAY_SECONDS, `must be at most ${MAX_DELAY_SECONDS} seconds (365 days)`),
        ),
    ),
  ),
  send: z.optional(z.nullable(z.boolean("must be true or false"))),
  channel: z.optional(z.nullable(z.literal("email", "must be `email`: SMS surveys are not supported"))),
  phone_number: z.optional(z.unknown()),
  phone_number_update: z.optional(z.unknown()),
  email_update: z.optional(z.unknown()),
  last_sent_at: z.optional(z.unknown()),
});

/** A posted person, checked: the purchase it becomes (but for its orderId), and how to survey them. */
export type DelightedPerson = {
  readonly purchase: Omit<Purchase, "orderId">;
  /** The order id one of its properties carries (isOrderIdProperty); null when none does. */
  readonly orderId: string | null;
  /** Seconds from now to the survey; null: the campaign's `delayDays`. */
  readonly delaySeconds: number | null;
  /** False: record nothing, survey nobody (Delighted's `send: false`). */
  readonly send: boolean;
};

/**
 * A property that holds the order id: its name, ignoring case, spaces, `_`, `.` and `-`, is "orderid"
 * (`order_id`, `orderId`, `Order ID`, `order-id`…). Posting the same order again is then a duplicate.
 */
export const isOrderIdProperty = (name: string): boolean =>
  name.replace(/[\s_.-]/g, "").toLowerCase() === "orderid";

/**
 * The name a Delighted property is kept under: property names here are letters, digits, `_`, `.` and
 * `-`, so each run of other characters becomes one `_` (`Customer ID` → `Customer_ID`).
 */
export const storedPropertyName = (name: string): string => name.trim().replace(/[^A-Za-z0-9_.-]+/g, "_");

/**
 * A Delighted locale as one of this product's: `en` and its regional forms, the Chinese scripts by
 * name or by region (`zh-TW`, `zh-HK`, `zh-MO` traditional; `zh`, `zh-CN`, `zh-SG` simplified).
 */
export function localeOf(text: string): Locale | undefined {
  const code = text.trim().toLowerCase().replace(/_/g, "-");
  if (/^en(?:-[a-z0-9]+)?$/.test(code)) return "en";
  if (["zh-hant", "zh-tw", "zh-hk", "zh-mo", "zh-hant-tw", "zh-hant-hk"].includes(code)) return "zh-Hant";
  if (["zh", "zh-hans", "zh-cn", "zh-sg", "zh-hans-cn"].includes(code)) return "zh-Hans";
  return undefined;
}
const LOCALE_MESSAGE =
  "must be en, zh-Hant or zh-Hans (zh-TW, zh-HK, zh-CN and en-US style codes are read too)";

/**
 * A posted person checked and turned into a purchase: Delighted's fields first (`delay`, `send`,
 * `channel`, `locale`, the unsupported ones), then email, name and properties exactly as a purchase
 * of `POST /v1/…/purchases` is checked, each issue named by the field the caller sent.
 */
export function parseDelightedPerson(body: unknown, now: Date): Checked<DelightedPerson> {
  const parsed = check(personSchema, body);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const issues: ErrorDetail[] = [];
  for (const [field, message] of Object.entries(UNSUPPORTED_PERSON_FIELDS)) {
    const value = input[field as keyof typeof UNSUPPORTED_PERSON_FIELDS];
    if (value !== undefined && value !== null) issues.push({ field, message });
  }

  const posted = input.properties ?? {};
  const originalName = new Map<string, string>();
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(posted)) {
    const stored = storedPropertyName(name);
    const other = originalName.get(stored);
    if (other !== undefined) {
      issues.push({
        field: `properties.${name}`,
        message: `is kept as '${stored}', as '${other}' is: rename one of them`,
      });
      continue;
    }
    originalName.set(stored, name);
    properties[stored] = value;
  }

  let orderId: string | null = null;
  let orderIdProperty: string | null = null;
  for (const [name, value] of Object.entries(posted)) {
    if (!isOrderIdProperty(name)) continue;
    if (typeof value !== "string" && typeof value !== "number") {
      issues.push({
        field: `properties.${name}`,
        message: "must be a string or a number: it is the order id",
      });
    } else if (orderId !== null && orderId !== String(value)) {
      issues.push({
        field: `properties.${name}`,
        message: `differs from properties.${orderIdProperty}: a person has one order id`,
      });
    } else {
      orderId = String(value);
      orderIdProperty = name;
    }
  }

  // Delighted reads the locale from `properties.locale`; this API also takes it as a field, which wins.
  const [localeField, localeText] =
    typeof input.locale === "string"
      ? ["locale", input.locale]
      : typeof posted.locale === "string"
        ? ["properties.locale", posted.locale]
        : [null, null];
  const locale = localeText === null ? undefined : localeOf(localeText);
  if (localeField !== null && locale === undefined)
    issues.push({ field: localeField, message: LOCALE_MESSAGE });

  const purchase = parsePurchase(
    {
      // A stand-in while the order id is unknown; one from a property is checked as an orderId.
      orderId: orderId ?? "-",
      email: input.email,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(locale === undefined ? {} : { locale }),
      properties,
    },
    now,
  );
  if (!purchase.ok) {
    for (const issue of purchase.issues) {
      issues.push({ ...issue, field: postedField(issue.field, orderIdProperty, originalName) });
    }
  }
  if (!purchase.ok || issues.length > 0) return { ok: false, issues };
  const { orderId: _standIn, ...person } = purchase.value;
  return valid({
    purchase: person,
    orderId,
    delaySeconds: input.delay ?? null,
    send: input.send ?? true,
  });
}

/** The field the caller sent that a purchase's issue is about. */
function postedField(
  field: string,
  orderIdProperty: string | null,
  originalName: Map<string, string>,
): string {
  if (field === "orderId") return `properties.${orderIdProperty ?? "order_id"}`;
  const property = /^properties\.(.+)$/.exec(field)?.[1];
  return property === undefined ? field : `properties.${originalName.get(property) ?? property}`;
}

/**
 * What identifies a posted person request, as canonical JSON (keys sorted): the address, name,
 * locale, properties, delay and send. With the UTC day it names the purchase a person without an
 * order id becomes, so the same request posted again that day is a duplicate.
 */
export function personRequestFingerprint(person: DelightedPerson): string {
  const { email, name, locale, properties } = person.purchase;
  return canonicalJson({ email, name, locale, properties, delay: person.delaySeconds, send: person.send });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

// ---------------------------------------------------------------------------------------------------
// Query parameters (each given at most once: a repeated one arrives as an array and is refused)

const wholeNumber = (min: number, max: number, message = `must be a whole number from ${min} to ${max}`) =>
  z.pipe(
    z.string(message).check(z.regex(/^\d{1,15}$/, message)),
    z.pipe(z.transform(Number), z.int().check(z.gte(min, message), z.lte(max, message))),
  );
const unixSeconds = z.optional(wholeNumber(0, MAX_UNIX_SECONDS, "must be a Unix time in whole seconds"));
const perPage = z.optional(wholeNumber(1, MAX_PER_PAGE));
const page = z.optional(wholeNumber(1, MAX_PAGE_DEPTH));
/** Delighted's trend ids filter by a trend of its own; there is none here, so any value is ignored. */
const trend = z.optional(z.string("must be given once"));

type Window = { since?: number | undefined; until?: number | undefined };
const sinceNotAfterUntil = z.refine<Window>(
  (q) => q.since === undefined || q.until === undefined || q.since <= q.until,
  { message: "must not be after until", path: ["since"] },
);

type Depth = { page?: number | undefined; per_page?: number | undefined };
const withinDepth = z.refine<Depth>(
  (q) => (q.page ?? 1) * (q.per_page ?? DEFAULT_PER_PAGE) <= MAX_PAGE_DEPTH,
  {
    message: `page × per_page must be at most ${MAX_PAGE_DEPTH}: narrow the listing with since and until`,
    path: ["page"],
  },
);

/** `GET people`: a cursor listing (`page_info` from the `Link` header), filtered by address and time. */
export const peopleQuerySchema = z
  .strictObject({
    per_page: perPage,
    since: unixSeconds,
    until: unixSeconds,
    email: z.optional(purchaseSchema.shape.email),
    page_info: z.optional(z.string("must be given once").check(z.minLength(1), z.maxLength(1000))),
  })
  .check(sinceNotAfterUntil);
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

const EXPANDABLE = ["person", "notes"] as const;
const expand = z.optional(
  z.pipe(
    z.union([z.string(), z.array(z.string())], "must be `person`"),
    z.pipe(
      z.transform((value: string | string[]) => [value].flat()),
      z.array(z.enum(EXPANDABLE, "can be `person` (or `notes`, always empty here)")),
    ),
  ),
);

export const RESPONSE_ORDERS = ["asc", "desc", "asc:updated_at", "desc:updated_at"] as const;
export type ResponseOrder = (typeof RESPONSE_ORDERS)[number];

/** `GET survey_responses`: page-number listing, by first answer or by last edit. */
export const surveyResponsesQuerySchema = z
  .strictObject({
    page,
    per_page: perPage,
    since: unixSeconds,
    until: unixSeconds,
    updated_since: unixSeconds,
    updated_until: unixSeconds,
    order: z.optional(z.enum(RESPONSE_ORDERS, `must be one of ${RESPONSE_ORDERS.join(", ")}`)),
    expand,
    "expand[]": expand,
    trend,
    person_id: z.optional(z.never("is not supported")),
    person_email: z.optional(z.never("is not supported")),
  })
  .check(
    sinceNotAfterUntil,
    z.refine(
      (q) =>
        q.updated_since === undefined || q.updated_until === undefined || q.updated_since <= q.updated_until,
      { message: "must not be after updated_until", path: ["updated_since"] },
    ),
    withinDepth,
  );
export type SurveyResponsesQuery = z.infer<typeof surveyResponsesQuerySchema>;

/** `GET metrics`. */
export const metricsQuerySchema = z
  .strictObject({ since: unixSeconds, until: unixSeconds, trend })
  .check(sinceNotAfterUntil);

/** `GET unsubscribes` and `GET bounces`: page-number listings by when the address was suppressed. */
export const suppressionsQuerySchema = z
  .strictObject({ page, per_page: perPage, since: unixSeconds, until: unixSeconds })
  .check(sinceNotAfterUntil, withinDepth);

/** `POST unsubscribes`. */
export const unsubscribeBodySchema = z.strictObject({ person_email: purchaseSchema.shape.email });
export const unsubscribeAddress = (body: z.infer<typeof unsubscribeBodySchema>): string =>
  normalizeEmail(body.person_email);

// ---------------------------------------------------------------------------------------------------
// Time

/** The instant a Unix second starts, and the last millisecond of it, as ISO strings. */
export const startOfSecond = (seconds: number): string => new Date(seconds * 1000).toISOString();
export const endOfSecond = (seconds: number): string => new Date(seconds * 1000 + 999).toISOString();
/** An ISO instant as Unix seconds (the second it falls in). */
export const unixSecondsOf = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
/** The UTC day (YYYY-MM-DD) a Unix second falls on. */
export const utcDayOf = (seconds: number): string => startOfSecond(seconds).slice(0, 10);

// ---------------------------------------------------------------------------------------------------
// page_info: where a people listing goes on, as the orderId of the last purchase read

const pageInfoText = z.string().check(z.minLength(1), z.maxLength(200), z.regex(SINGLE_LINE));

export const pageInfoOf = (orderId: string): string => Buffer.from(orderId, "utf8").toString("base64url");

/** The orderId a page_info names, or an issue on `page_info`. */
export function orderIdOfPageInfo(pageInfo: string): Checked<string> {
  const orderId = /^[A-Za-z0-9_-]+$/.test(pageInfo)
    ? Buffer.from(pageInfo, "base64url").toString("utf8")
    : "";
  return pageInfoText.safeParse(orderId).success && pageInfoOf(orderId) === pageInfo
    ? valid(orderId)
    : invalidWith({ field: "page_info", message: "is not a page_info this listing returned" });
}

// ---------------------------------------------------------------------------------------------------
// Metrics

/** Delighted's metrics: counts of each kind of answer, and their share of all answers in percent. */
export type DelightedMetrics = {
  readonly nps: number | null;
  readonly promoterCount: number;
  readonly promoterPercent: number | null;
  readonly passiveCount: number;
  readonly passivePercent: number | null;
  readonly detractorCount: number;
  readonly detractorPercent: number | null;
  readonly responseCount: number;
};

/**
 * Delighted's metrics from the results' figures: the same counts and NPS (1 decimal); percentages to
 * 1 decimal; the NPS and percentages are null when there is no answer, as the results' NPS is.
 */
export function delightedMetrics(
  stats: Pick<Stats, "responses" | "promoters" | "passives" | "detractors" | "nps">,
): DelightedMetrics {
  const percent = (count: number) =>
    stats.responses === 0 ? null : roundRatio(100 * count, stats.responses, 1);
  return {
    nps: stats.nps,
    promoterCount: stats.promoters,
    promoterPercent: percent(stats.promoters),
    passiveCount: stats.passives,
    passivePercent: percent(stats.passives),
    detractorCount: stats.detractors,
    detractorPercent: percent(stats.detractors),
    responseCount: stats.responses,
  };
}

// ---------------------------------------------------------------------------------------------------
// DELETE people/{id | email:… | address}

/** Whom `DELETE people/{person}` names: an address, or a person id (personIdOf), or nobody here. */
export type PersonReference =
  | { readonly email: string }
  | { readonly personId: string }
  | { readonly unknown: string };

/**
 * The person a `DELETE people/{person}` path segment names (percent-decoded): `email:<address>` or a
 * bare address, or a person id as this API renders them (24 hex digits); `.json` at the end is
 * Delighted's suffix. Anything else (a numeric id Delighted gave out) names no person here. A
 * `phone_number:` reference is refused: people are found by email only.
 */
export function parsePersonReference(segment: string): Checked<PersonReference> {
  const raw = segment.endsWith(".json") ? segment.slice(0, -".json".length) : segment;
  if (raw.startsWith("phone_number:")) {
    return invalidWith({ field: "id", message: "is not supported: people are found by email only" });
  }
  const address = raw.startsWith("email:") ? raw.slice("email:".length) : raw.includes("@") ? raw : null;
  if (address !== null) {
    const email = parsePersonEmail(address);
    return email.ok
      ? valid({ email: email.value })
      : invalidWith({ field: "email", message: "must be an email address" });
  }
  return PERSON_ID_PATTERN.test(raw) ? valid({ personId: raw }) : valid({ unknown: raw });
}
