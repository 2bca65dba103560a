import { createHash } from "node:crypto";
import type { Case } from "./case";
import type { FollowUp } from "./follow-up";

/**
 * The rules of a case that the events function, the dispatcher and the stores apply, without zod
 * (case.ts builds the API's schemas on them): which answers open a case, its id, its clock, its
 * counters. Those functions' cold start loads no schema library.
 */
export const CASE_STATUSES = ["open", "in_progress", "resolved"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * A case's id, derived from its response's token: a replayed or reordered stream record finds the case
 * it opened. A one-way digest, like the response id: the token (the customer's link) cannot be got back.
 */
export function caseIdOf(token: string): string {
  return `case_${createHash("sha256").update(`case:${token}`, "utf8").digest("base64url").slice(0, 22)}`;
}
export const CASE_ID_PATTERN = /^case_[A-Za-z0-9_-]{22}$/;

/** Whether a case is past its dueAt with the customer not yet answered or the case not resolved. */
export const isOverdue = (c: Pick<Case, "status" | "dueAt">, now: Date): boolean =>
  c.status !== "resolved" && c.dueAt < now.toISOString();

/** dueAt of a case opened at `openedAt` under a rule with `targetHours`. */
export const dueAtOf = (openedAt: string, targetHours: number): string =>
  new Date(Date.parse(openedAt) + targetHours * 3_600_000).toISOString();

/**
 * The case counters' changes (results' `cases`): a case opened, a first response (within its target or
 * not, and how long it took), a resolution or a reopening. Kept apart from the answer counters, which
 * reconcile recounts from responses.
 */
export type CaseCounts = {
  opened: number;
  resolved: number;
  firstResponses: number;
  firstResponsesWithinTarget: number;
  /** Sum of milliseconds from opening to first response, over firstResponses. */
  firstResponseMs: number;
};
export const CASE_COUNT_FIELDS = [
  "opened",
  "resolved",
  "firstResponses",
  "firstResponsesWithinTarget",
  "firstResponseMs",
] as const satisfies readonly (keyof CaseCounts)[];
export const noCaseCounts = (): CaseCounts => ({
  opened: 0,
  resolved: 0,
  firstResponses: 0,
  firstResponsesWithinTarget: 0,
  firstResponseMs: 0,
});

/** The counts a first response at `at` adds to a case opened at openedAt and due at dueAt. */
export function firstResponseCounts(c: Pick<Case, "openedAt" | "dueAt">, at: string): CaseCounts {
  return {
    ...noCaseCounts(),
    firstResponses: 1,
    firstResponsesWithinTarget: at <= c.dueAt ? 1 : 0,
    firstResponseMs: Math.max(0, Date.parse(at) - Date.parse(c.openedAt)),
  };
}

/** The fields of a case the API and its webhook events show (the timeline aside). */
export const CASE_VIEW_FIELDS = [
  "id",
  "campaignId",
  "responseId",
  "status",
  "owner",
  "email",
  "name",
  "score",
  "csat",
  "comment",
  "properties",
  "locale",
  "openedAt",
  "dueAt",
  "firstResponseAt",
  "resolvedAt",
  "resolution",
  "version",
] as const satisfies readonly (keyof Case)[];

/** Whether an answer, given with these purchase properties, meets the rule and opens a case. */
export function meetsFollowUp(
  rule: FollowUp,
  answer: { score: number; csat: number | null },
  properties: Record<string, unknown>,
): boolean {
  const low =
    answer.score <= rule.maxScore ||
    (rule.maxCsat !== null && answer.csat !== null && answer.csat <= rule.maxCsat);
  if (!low) return false;
  if (rule.only === null) return true;
  return Object.entries(rule.only).every(([property, values]) =>
    values.some((v) => v === properties[property]),
  );
}
