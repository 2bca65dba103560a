import { MAX_COMMENT_LENGTH } from "./answer";
import { type Locale, localeSchema } from "./campaign";
import { CASE_ID_PATTERN, CASE_STATUSES, type CaseCounts, type CaseStatus } from "./case-rules";
import * as z from "./zod";

// The rules the events function and the stores need, kept zod-free (case-rules.ts), are part of this module's API.
export {
  CASE_COUNT_FIELDS,
  CASE_ID_PATTERN,
  CASE_STATUSES,
  CASE_VIEW_FIELDS,
  type CaseCounts,
  type CaseStatus,
  caseIdOf,
  dueAtOf,
  firstResponseCounts,
  isOverdue,
  noCaseCounts,
} from "./case-rules";

/**
 * A case: one unhappy answer that someone owns until it is resolved, with a clock (dueAt) and a
 * timeline. Opened by the events function when an answer meets its campaign's alert rule; worked in
 * the API (and console) by status changes, notes and replies to the customer.
 */

export const CASE_ENTRY_TYPES = [
  "opened",
  "alerted",
  "answer_updated",
  "rule_no_longer_met",
  "status_changed",
  "owner_changed",
  "note",
  "reply",
] as const;
export type CaseEntryType = (typeof CASE_ENTRY_TYPES)[number];

export const MAX_CASE_TEXT_LENGTH = 5000;

export const caseIdSchema = z
  .string()
  .check(
    z.regex(CASE_ID_PATTERN, "must be a case id"),
    z.describe("The case's id: `case_` and 22 characters."),
  );

const instant = z.iso.datetime();
const rating = z.int().check(z.gte(1), z.lte(5));

export const caseEntrySchema = z
  .object({
    at: instant.check(z.describe("When it happened (ISO 8601, UTC).")),
    type: z
      .enum(CASE_ENTRY_TYPES)
      .check(
        z.describe(
          "`opened`; `alerted` (owners emailed); `answer_updated` (the customer edited the answer); " +
            "`rule_no_longer_met` (an edit took the answer out of the rule: the case stays for a person to close); " +
            "`status_changed`; `owner_changed`; `note`; `reply` (an email to the customer).",
        ),
      ),
    by: z
      .nullable(z.string())
      .check(z.describe("Who did it: an owner's address or the API key's id; null for the system.")),
    text: z
      .optional(z.string())
      .check(z.describe("The note, the reply's text, the new status or owner, or what the edit changed.")),
    resolution: z
      .optional(z.string())
      .check(
        z.describe(
          "On a `status_changed` to `resolved`: what was done, as given then (kept after the case is reopened).",
        ),
      ),
  })
  .check(z.describe("One event in a case's life."));
export type CaseEntry = z.infer<typeof caseEntrySchema>;

export const caseSchema = z
  .object({
    id: caseIdSchema,
    campaignId: z.string().check(z.describe("The campaign the answer belongs to.")),
    responseId: z.string().check(z.describe("The response that opened it (as in GET …/responses).")),
    status: z.enum(CASE_STATUSES).check(z.describe("`open`, `in_progress` or `resolved`.")),
    owner: z.string().check(z.describe("Who owns it: an email address.")),
    email: z.string().check(z.describe("The customer's address (empty once the person was erased).")),
    name: z.nullable(z.string()).check(z.describe("The customer's name from the purchase; null when none.")),
    score: z.int().check(z.gte(0), z.lte(10), z.describe("The answer's NPS score, as last edited.")),
    csat: z
      .nullable(rating)
      .check(z.describe("The answer's satisfaction 1–5, as last edited; null when none.")),
    comment: z
      .nullable(z.string().check(z.maxLength(MAX_COMMENT_LENGTH)))
      .check(z.describe("The customer's comment, as last edited; null when none.")),
    properties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .check(z.describe("The purchase's properties, its segment values among them.")),
    locale: z.nullable(localeSchema).check(z.describe("The customer's language; null: the campaign's.")),
    openedAt: instant.check(z.describe("When the answer that opened it was given.")),
    dueAt: instant.check(
      z.describe("When the customer should have heard back: openedAt + the rule's targetHours."),
    ),
    firstResponseAt: z
      .nullable(instant)
      .check(z.describe("When the first reply went to the customer; null until then.")),
    resolvedAt: z.nullable(instant).check(z.describe("When it was resolved; null while it is not.")),
    resolution: z
      .nullable(z.string())
      .check(z.describe("What was done, given when resolving; null while it is not resolved.")),
    version: z.int().check(z.describe("Changes with every update: send it back as `version` in a PATCH.")),
    timeline: z.array(caseEntrySchema).check(z.describe("What happened, oldest first.")),
  })
  .check(z.describe("An unhappy answer someone owns until it is resolved."));
export type Case = z.infer<typeof caseSchema>;

const caseText = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, "must not be empty"),
    z.maxLength(MAX_CASE_TEXT_LENGTH, `must be at most ${MAX_CASE_TEXT_LENGTH} characters`),
  );

export const caseUpdateSchema = z
  .strictObject({
    status: z.optional(z.enum(CASE_STATUSES)).check(z.describe("The new status.")),
    owner: z
      .optional(
        z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email("must be an email address")),
      )
      .check(z.describe("The new owner's email address.")),
    resolution: z
      .optional(caseText)
      .check(
        z.describe(
          "What was done: required when `status` becomes `resolved`, and only then (a resolved case keeps its resolution: reopen it to resolve it again).",
        ),
      ),
    version: z
      .optional(z.int())
      .check(
        z.describe(
          "The case's `version` as you read it: the update is refused with 409 if someone changed the case since.",
        ),
      ),
  })
  .check(
    z.refine((update) => update.status !== "resolved" || update.resolution !== undefined, {
      message: "is required when resolving a case",
      path: ["resolution"],
    }),
    // Anywhere else it would be dropped without a word: a reopened case has none.
    z.refine((update) => update.resolution === undefined || update.status === "resolved", {
      message: 'goes only with status "resolved"',
      path: ["resolution"],
    }),
    z.refine((update) => update.status !== undefined || update.owner !== undefined, {
      message: "must change status or owner",
      path: ["status"],
    }),
    z.describe("What to change: status (resolving needs a resolution) or owner."),
  );
export type CaseUpdate = z.infer<typeof caseUpdateSchema>;

export const caseNoteSchema = z
  .strictObject({ text: caseText.check(z.describe(`The note, 1–${MAX_CASE_TEXT_LENGTH} characters.`)) })
  .check(z.describe("A note for the team; the customer does not see it."));

export const caseReplySchema = z
  .strictObject({
    subject: z
      .optional(
        z
          .string()
          .check(z.trim(), z.minLength(1), z.maxLength(200), z.regex(/^[^\r\n]*$/, "must be one line")),
      )
      .check(z.describe("The email's subject, one line; default: a localized line naming the brand.")),
    text: caseText.check(z.describe(`The reply, 1–${MAX_CASE_TEXT_LENGTH} characters, sent as plain text.`)),
  })
  .check(
    z.describe(
      "An email to the customer from the campaign's sender, reply-to the case's owner; the first one is the " +
        "case's first response.",
    ),
  );

export const CASES_MAX_LIMIT = 100;
export const CASES_DEFAULT_LIMIT = 25;
export const caseListQuerySchema = z.strictObject({
  campaignId: z.optional(z.string().check(z.maxLength(64))).check(z.describe("Only this campaign's cases.")),
  status: z.optional(z.enum(CASE_STATUSES)).check(z.describe("Only cases of this status.")),
  owner: z
    .optional(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)))
    .check(z.describe("Only cases this address owns.")),
  overdue: z
    .optional(z.enum(["true", "false"]))
    .check(z.describe("`true`: only unresolved cases past their dueAt; `false`: only the others.")),
  limit: z
    ._default(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${CASES_MAX_LIMIT}`)),
        z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(CASES_MAX_LIMIT))),
      ),
      CASES_DEFAULT_LIMIT,
    )
    .check(z.describe(`Cases per page, 1–${CASES_MAX_LIMIT}; default ${CASES_DEFAULT_LIMIT}.`)),
  cursor: z
    .optional(z.string().check(z.minLength(1), z.maxLength(2048)))
    .check(z.describe("The `nextCursor` of the previous page, with the same filters.")),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const casePageSchema = z
  .object({
    items: z.array(caseSchema).check(z.describe("Cases, newest first.")),
    nextCursor: z
      .nullable(z.string())
      .check(z.describe("Pass as `cursor` for the next page; null on the last.")),
  })
  .check(z.describe("A page of cases, newest first."));

/** The cases figure of results. */
export const caseStatsSchema = z
  .object({
    opened: z.int().check(z.describe("Cases opened by answers given in the range.")),
    resolved: z.int().check(z.describe("Of those, how many are resolved now.")),
    firstResponseWithinTarget: z
      .nullable(z.number())
      .check(
        z.describe(
          "Of those that got a first response, the share (0–1) that got it by their dueAt; null when none has.",
        ),
      ),
    meanHoursToFirstResponse: z
      .nullable(z.number())
      .check(
        z.describe("Mean hours from the answer to the first response, to 0.01; null when none has one."),
      ),
  })
  .check(
    z.describe("Close-the-loop figures, counted exactly as cases change (by the day the case was opened)."),
  );
export type CaseStats = z.infer<typeof caseStatsSchema>;

export function caseStatsOf(counts: CaseCounts): CaseStats {
  return {
    opened: counts.opened,
    resolved: counts.resolved,
    firstResponseWithinTarget:
      counts.firstResponses === 0 ? null : counts.firstResponsesWithinTarget / counts.firstResponses,
    meanHoursToFirstResponse:
      counts.firstResponses === 0
        ? null
        : Math.round((counts.firstResponseMs / counts.firstResponses / 3_600_000) * 100) / 100,
  };
}

/** A case as stored: what the API shows, and what the events function keeps to stay idempotent. */
export type StoredCase = Omit<Case, "timeline"> & {
  /** The survey token of its response (never shown). */
  readonly token: string;
  /** The response version the case last took its answer from: older stream records change nothing. */
  readonly responseVersion: number;
  /** When its owners were alerted; absent until they were. */
  readonly alertedAt: string | null;
  /** Every owner of the campaign's rule when it opened: who the alert goes to. */
  readonly owners: readonly string[];
  readonly timeline: CaseEntry[];
};

/** What opens a case: the stored case without what comes later. */
export type NewCase = Omit<
  StoredCase,
  "version" | "alertedAt" | "timeline" | "firstResponseAt" | "resolvedAt" | "resolution" | "status"
>;

/** What an edited answer changes on its case. */
export type AnswerEdit = {
  readonly score: number;
  readonly csat: number | null;
  readonly comment: string | null;
  readonly responseVersion: number;
  /** Whether the edited answer still meets the campaign's rule (an entry says so; the case stays). */
  readonly stillMeetsRule: boolean;
};

/** A filtered page of the case inbox. */
export type CaseFilter = {
  readonly campaignId?: string | undefined;
  readonly status?: CaseStatus | undefined;
  readonly owner?: string | undefined;
  readonly overdue?: boolean | undefined;
};

/** What an owner's alert email says about a case (the mailer renders it). */
export type CaseAlertEmail = {
  readonly to: string;
  readonly locale: Locale;
  readonly campaignName: string;
  readonly senderName: string;
  readonly score: number;
  readonly csat: number | null;
  readonly comment: string | null;
  readonly customer: string;
  readonly segments: Readonly<Record<string, string | number | boolean>>;
  readonly dueAt: string;
  /** The case in the console: a page to open, never a link that acts on a GET. */
  readonly caseUrl: string;
  /** An edit of an answer that had opened the case already. */
  readonly edited: boolean;
};

/** One case as a digest lists it. */
export type DigestCase = {
  readonly campaignName: string;
  readonly score: number;
  readonly customer: string;
  readonly dueAt: string;
  readonly url: string;
};

/** One owner's daily digest: their new and overdue cases, and how each campaign's NPS moved. */
export type CaseDigestEmail = {
  readonly to: string;
  readonly locale: Locale;
  readonly senderName: string;
  readonly newCases: readonly DigestCase[];
  readonly overdueCases: readonly DigestCase[];
  readonly campaigns: readonly {
    name: string;
    nps: number | null;
    previousNps: number | null;
    responses: number;
  }[];
  /** The owner's case inbox in the console. */
  readonly inboxUrl: string;
};
