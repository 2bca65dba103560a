import { createHash } from "node:crypto";
import { type Answer, parseAnswer } from "./answer";
import { type CampaignSettings, type Locale, PROPERTY_NAME } from "./campaign";
import { isOrderIdProperty, localeOf, storedPropertyName } from "./delighted";
import type { ErrorDetail } from "./errors";
import { normalizeEmail, purchaseSchema } from "./purchase";
import { responseId } from "./response-export";
import { SINGLE_LINE } from "./text";
import { type Checked, check, invalidWith, valid } from "./validation";

/**
 * History import (`npm run import`): past answers read from a CSV file, a Delighted survey-responses
 * export or a plain `email,score,comment,created_at,…` file, checked row by row. Pure: the file is
 * parsed into fields elsewhere; a bad row comes back as its issues, never as an exception.
 */

export const HISTORY_FORMATS = ["delighted", "plain"] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** What one column of the file is read as. */
export type ColumnRole =
  | { readonly kind: "responseId" }
  | { readonly kind: "email" }
  | { readonly kind: "name" }
  | { readonly kind: "score" }
  | { readonly kind: "comment" }
  | { readonly kind: "answeredAt" }
  | { readonly kind: "csat" }
  | { readonly kind: "attribute"; readonly key: string }
  | { readonly kind: "locale" }
  | { readonly kind: "surveyType" }
  | { readonly kind: "ignored" }
  | { readonly kind: "property"; readonly name: string };

/** How a file's columns are read, from its header. */
export type HistoryColumns = {
  readonly format: HistoryFormat;
  /** The header's names, as written. */
  readonly names: readonly string[];
  /** Per column, what it is read as. */
  readonly roles: readonly ColumnRole[];
  /** The column holding the order id (also kept as a property), if any. */
  readonly orderIdColumn: number | undefined;
  /** Columns left out and why, for the operator to see before the rows are read. */
  readonly notes: readonly string[];
};

/** What a campaign asks, against which the file's ratings are checked. */
export type ImportCampaign = Pick<CampaignSettings, "csat" | "attributes" | "segmentBy">;

/** A header name without case, spaces, `_`, `-` or `.`: `Response ID`, `response_id` → `responseid`. */
const normal = (name: string): string => name.toLowerCase().replace(/[\s_.-]+/g, "");

/** Column names (normalized) and what they are read as; anything else is a property. */
const NAMED_ROLES = new Map<string, ColumnRole["kind"]>(
  Object.entries({
    responseid: "responseId",
    email: "email",
    emailaddress: "email",
    personemail: "email",
    name: "name",
    personname: "name",
    score: "score",
    npsscore: "score",
    comment: "comment",
    comments: "comment",
    csat: "csat",
    satisfaction: "csat",
    locale: "locale",
    surveytype: "surveyType",
    // Delighted's bookkeeping, and what this product has no place for: not properties.
    updatedat: "ignored",
    lastupdatedat: "ignored",
    permalink: "ignored",
    personid: "ignored",
    phonenumber: "ignored",
    notes: "ignored",
  } satisfies Record<string, ColumnRole["kind"]>),
);

/** The answer's time, by preference when a file has several of these columns. */
const ANSWERED_AT_NAMES = [
  "responsetimestamp",
  "respondedat",
  "createdat",
  "created",
  "responsedate",
  "date",
  "timestamp",
];

/** `attr.<key>` (this product's export) or `attribute.<key>` (its Delighted API's additional answers). */
const ATTRIBUTE_COLUMN = /^\s*attr(?:ibute)?\.(.+?)\s*$/i;

/**
 * How the file's columns are read, from its header, or why it cannot be imported: no score or date
 * column, a Delighted export without `Response ID`, ratings the campaign does not ask. Without
 * `format`, a header with a `Response ID` column is a Delighted export, any other a plain file.
 * Columns that cannot be kept as a property (a name too long, two names that become one) are left
 * out, each with a note.
 */
export function readHistoryHeader(
  header: readonly string[],
  campaign: ImportCampaign,
  format?: HistoryFormat,
): Checked<HistoryColumns> {
  const names = header.map((name, index) => (index === 0 ? name.replace(/^\uFEFF/, "") : name).trim());
  const kinds = names.map((name) => NAMED_ROLES.get(normal(name)));
  const detected: HistoryFormat = format ?? (kinds.includes("responseId") ? "delighted" : "plain");
  const issues: ErrorDetail[] = [];
  const notes: string[] = [];
  const roles: ColumnRole[] = [];
  const taken = new Map<string, string>();
  const segmentNames = new Map(campaign.segmentBy.map((name) => [name.toLowerCase(), name]));
  const attributeKeys = new Set(campaign.attributes.map((a) => a.key));
  const answeredAtName = ANSWERED_AT_NAMES.find((wanted) => names.some((name) => normal(name) === wanted));
  let orderIdColumn: number | undefined;

  for (const [index, name] of names.entries()) {
    const kind = kinds[index];
    const attribute = ATTRIBUTE_COLUMN.exec(name)?.[1];
    let role: ColumnRole;
    if (name === "") role = { kind: "ignored" };
    else if (answeredAtName !== undefined && normal(name) === answeredAtName) role = { kind: "answeredAt" };
    // Delighted's other times of an answer are not properties.
    else if (["responsetimestamp", "respondedat", "createdat"].includes(normal(name)))
      role = { kind: "ignored" };
    else if (attribute !== undefined) role = { kind: "attribute", key: attribute.toLowerCase() };
    else if (kind === "responseId" && detected === "plain") role = { kind: "ignored" };
    else if (kind !== undefined && kind !== "attribute" && kind !== "property") role = { kind } as ColumnRole;
    else if (normal(name) === "id" && detected === "delighted" && !kinds.includes("responseId"))
      role = { kind: "responseId" };
    else {
      const stored = storedPropertyName(name);
      // A segmentBy property is found whatever the case of its column: `Region` fills `region`.
      const property = segmentNames.get(stored.toLowerCase()) ?? stored;
      if (!PROPERTY_NAME.test(property)) {
        notes.push(`column '${name}' left out: a property name is 1-64 letters, digits, '_', '.' or '-'`);
        role = { kind: "ignored" };
      } else {
        role = { kind: "property", name: property };
        if (isOrderIdProperty(name) && orderIdColumn === undefined) orderIdColumn = index;
      }
    }
    // A second column for the same thing: the first one is read.
    const what =
      role.kind === "property"
        ? `property ${role.name}`
        : role.kind === "attribute"
          ? `attribute ${role.key}`
          : role.kind;
    if (role.kind !== "ignored") {
      const first = taken.get(what);
      if (first !== undefined) {
        notes.push(`column '${name}' left out: '${first}' is read as the same ${roleName(role)}`);
        role = { kind: "ignored" };
      } else taken.set(what, name);
    }
    if (role.kind === "attribute" && !attributeKeys.has(role.key)) {
      issues.push({
        field: name,
        message: `rates '${role.key}', which the campaign does not ask (its attributes: ${[...attributeKeys].join(", ") || "none"})`,
      });
    }
    if (role.kind === "csat" && !campaign.csat) {
      issues.push({ field: name, message: "holds satisfaction ratings, which the campaign does not ask" });
    }
    roles.push(role);
  }

  if (!taken.has("score")) issues.push({ field: "(header)", message: "has no Score column" });
  if (!taken.has("answeredAt")) {
    issues.push({
      field: "(header)",
      message: "has no column with the answer's time (Response timestamp, Created At, created_at or Date)",
    });
  }
  if (detected === "delighted" && !taken.has("responseId")) {
    issues.push({ field: "(header)", message: "is not a Delighted export: it has no Response ID column" });
  }
  if (issues.length > 0) return { ok: false, issues };
  return valid({ format: detected, names, roles, orderIdColumn, notes });
}

function roleName(role: ColumnRole): string {
  switch (role.kind) {
    case "property":
      return `property '${role.name}'`;
    case "attribute":
      return `attribute '${role.key}'`;
    case "answeredAt":
      return "answer time";
    default:
      return role.kind;
  }
}

/** One past answer, checked: what the import writes. */
export type ImportedAnswer = {
  /**
   * The imported answer's key, derived from what identifies the row (importedAnswerToken), so the same
   * row imported again finds it. Shaped like an invitation token; no invitation has it.
   */
  readonly token: string;
  readonly orderId: string;
  /** Lower-cased; "" when the row has none (a web or link survey). */
  readonly email: string;
  readonly name: string | null;
  readonly locale: Locale | null;
  readonly properties: Record<string, string>;
  readonly answer: Answer;
  /** When it was answered (ISO 8601, UTC): its day is the day it is counted on. */
  readonly answeredAt: string;
};

const MAX_RESPONSE_ID_LENGTH = 200;
/** The earliest answer time taken: anything before is a misread date, not an answer. */
const EARLIEST_ANSWER = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/**
 * One row of the file as the answer it records, or every issue with it, each naming its column. The
 * campaign's ratings are checked as a survey form's are (score 0–10, satisfaction 1–5, attributes 1–5,
 * a comment of at most 5,000 characters); email, name and properties as a purchase's.
 */
export function parseHistoryRow(
  columns: HistoryColumns,
  fields: readonly string[],
  context: { readonly campaignId: string; readonly campaign: ImportCampaign; readonly now: Date },
): Checked<ImportedAnswer> {
  if (fields.length !== columns.roles.length) {
    return invalidWith({
      field: "(row)",
      message: `has ${fields.length} field${fields.length === 1 ? "" : "s"}, the header ${columns.roles.length}`,
    });
  }
  const issues: ErrorDetail[] = [];
  const form: Record<string, unknown> = {};
  const formColumn = new Map<string, string>();
  // Entries first: Object.fromEntries keeps a column named `__proto__` as a property of its own.
  const propertyEntries: [string, string][] = [];
  const propertyColumn = new Map<string, string>();
  let responseIdText = "";
  let emailText = "";
  let nameText = "";
  let localeText = "";
  let answeredAtText = "";

  for (const [index, role] of columns.roles.entries()) {
    const column = columns.names[index] ?? "";
    const raw = fields[index] ?? "";
    const value = role.kind === "comment" ? raw : raw.trim();
    switch (role.kind) {
      case "responseId":
        responseIdText = value;
        break;
      case "email":
        emailText = value;
        break;
      case "name":
        nameText = value;
        break;
      case "locale":
        localeText = value;
        break;
      case "answeredAt":
        answeredAtText = value;
        break;
      case "surveyType":
        if (value !== "" && value.toLowerCase() !== "nps") {
          issues.push({
            field: column,
            message: `is '${value.slice(0, 20)}': only NPS answers are imported`,
          });
        }
        break;
      case "score":
      case "csat":
      case "comment": {
        form[role.kind] = value;
        formColumn.set(role.kind, column);
        break;
      }
      case "attribute":
        form[`attr.${role.key}`] = value;
        formColumn.set(`attr.${role.key}`, column);
        break;
      case "property":
        if (value !== "") {
          propertyEntries.push([role.name, value]);
          propertyColumn.set(role.name, column);
        }
        break;
      case "ignored":
        break;
    }
  }

  const parsed = parseAnswer(form, context.campaign);
  if (!parsed.ok) {
    for (const issue of parsed.issues) {
      const column = formColumn.get(issue.field) ?? issue.field;
      issues.push({
        field: column,
        message: issue.field === "score" && form.score === "" ? "is required" : issue.message,
      });
    }
  }

  let email = "";
  if (emailText !== "") {
    const checked = check(purchaseSchema.shape.email, emailText);
    if (checked.ok) email = normalizeEmail(checked.value);
    else issues.push({ field: columnOf(columns, "email"), message: "must be an email address" });
  }
  let name: string | null = null;
  if (nameText !== "") {
    const checked = check(purchaseSchema.shape.name, nameText);
    if (checked.ok) name = checked.value ?? null;
    else issues.push(...checked.issues.map((issue) => ({ ...issue, field: columnOf(columns, "name") })));
  }
  const properties: Record<string, string> = Object.fromEntries(propertyEntries);
  if (propertyEntries.length > 0) {
    const checked = check(purchaseSchema.shape.properties, properties);
    if (!checked.ok) {
      for (const issue of checked.issues) {
        issues.push({ field: propertyColumn.get(issue.field) ?? "(properties)", message: issue.message });
      }
    }
  }

  const answeredAt = parseAnswerTime(answeredAtText);
  const timeColumn = columnOf(columns, "answeredAt");
  if (answeredAtText === "") issues.push({ field: timeColumn, message: "is required" });
  else if (answeredAt === undefined) {
    issues.push({
      field: timeColumn,
      message:
        "must be a time such as 2025-03-31T14:05:00Z, 2025-03-31 14:05:00 UTC, 2025-03-31 or Unix seconds",
    });
  } else if (answeredAt.getTime() > context.now.getTime() + DAY_MS) {
    issues.push({ field: timeColumn, message: "must not be in the future" });
  } else if (answeredAt.getTime() < EARLIEST_ANSWER) {
    issues.push({ field: timeColumn, message: "must not be before 2000" });
  }

  if (columns.format === "delighted") {
    if (responseIdText === "")
      issues.push({ field: columnOf(columns, "responseId"), message: "is required" });
    else if (responseIdText.length > MAX_RESPONSE_ID_LENGTH || !SINGLE_LINE.test(responseIdText)) {
      issues.push({
        field: columnOf(columns, "responseId"),
        message: `must be one line of at most ${MAX_RESPONSE_ID_LENGTH} characters`,
      });
    }
  }
  // The order id column is also a property, checked as one (at most 200 characters, one line).
  const orderIdText = columns.orderIdColumn === undefined ? "" : (properties[propertyNameAt(columns)] ?? "");

  if (issues.length > 0 || !parsed.ok || answeredAt === undefined) return { ok: false, issues };
  const at = answeredAt.toISOString();
  const identity =
    columns.format === "delighted"
      ? ["delighted", responseIdText]
      : ["plain", email, at, String(parsed.value.score)];
  const token = importedAnswerToken(context.campaignId, identity);
  return valid({
    token,
    orderId:
      orderIdText !== ""
        ? orderIdText
        : columns.format === "delighted"
          ? `delighted:${responseIdText}`
          : `import:${responseId(token)}`,
    email,
    name,
    locale: localeText === "" ? null : (localeOf(localeText) ?? null),
    properties,
    answer: parsed.value,
    answeredAt: at,
  });
}

const columnOf = (columns: HistoryColumns, kind: ColumnRole["kind"]): string =>
  columns.names[columns.roles.findIndex((role) => role.kind === kind)] ?? kind;

function propertyNameAt(columns: HistoryColumns): string {
  const role = columns.roles[columns.orderIdColumn ?? -1];
  return role?.kind === "property" ? role.name : "";
}

/**
 * The key of an imported answer: 144 bits of a SHA-256 of the campaign and what identifies the row
 * (a Delighted response id; else the address, time and score), base64url, shaped like an invitation
 * token. The same row gets the same key in every run, so a second run finds it; another campaign gets
 * another key. Derivable, unlike a token: it opens nothing, as no invitation has it.
 */
export function importedAnswerToken(campaignId: string, identity: readonly string[]): string {
  return createHash("sha256")
    .update(["open-nps history import", campaignId, ...identity].join("\n"), "utf8")
    .digest("base64url")
    .slice(0, 24);
}

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An answer's time as the file writes it: ISO 8601 (`2025-03-31T14:05:00Z`, with an offset, or
 * without a zone), `2025-03-31 14:05:00 UTC` (Delighted's export style), a bare date (midnight), or
 * Unix seconds or milliseconds. A time without a zone is UTC. Undefined when it is none of these, or
 * names a day or time that does not exist.
 */
export function parseAnswerTime(text: string): Date | undefined {
  const value = text.trim();
  if (/^\d{9,10}$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{12,13}$/.test(value)) return new Date(Number(value));
  const match = TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const local = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    Number(fraction.padEnd(3, "0").slice(0, 3)),
  );
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const offset = /^[+-]/.test(zone) ? zone.replace(":", "") : "";
  if (offset === "") return check;
  const sign = offset.startsWith("-") ? -1 : 1;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(3, 5));
  if (hours > 23 || minutes > 59) return undefined;
  return new Date(local - sign * (hours * 60 + minutes) * 60_000);
}

/**
 * An answer given before the retention window (retention.ts: answers are kept retentionDays after
 * they were given) is imported without personal data: its score, ratings, day and segments are
 * counted, its address, name, comment and properties are not kept.
 */
export function isPastRetention(answeredAt: string, now: Date, retentionDays: number): boolean {
  return Date.parse(answeredAt) + retentionDays * DAY_MS <= now.getTime();
}

export function withoutPersonalData(imported: ImportedAnswer): ImportedAnswer {
  return {
    ...imported,
    email: "",
    name: null,
    properties: {},
    answer: { ...imported.answer, comment: null },
  };
}

/** An imported answer as it is written: its campaign, the segment values it is counted under. */
export type ImportedResponse = ImportedAnswer & {
  readonly campaignId: string;
  readonly segments: Record<string, string>;
  /** Given before the retention window: written without personal data (withoutPersonalData). */
  readonly anonymous: boolean;
};

/** One rejected row: its line in the file (the first, for a row spread over several) and why. */
export type RejectedRow = { readonly line: number; readonly reason: string };

/** The issues of a row as one line: "Score: must be …; Email: must be …". */
export const rejectionReason = (issues: readonly ErrorDetail[]): string =>
  issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
