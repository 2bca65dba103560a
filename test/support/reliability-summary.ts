import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The reliability suite's summary. Each test of test/reliability records what it did (answers, faults,
 * malformed requests, HTTP statuses its clients saw) in a file of the run's summary folder; the global
 * teardown adds them up and prints one summary at the end of the run, whichever files ran.
 */

/** What one reliability test did. Counts only; absent parts did not apply. */
export type ReliabilityRecord = {
  /** A short name for the summary's row, e.g. "load run". */
  readonly name: string;
  /** Answers to the survey: submissions attempted (double posts, repeated posts and edits included; a
   * client's re-send after a 429 or a 5xx shows in `statuses` only), answers acknowledged
   * (one per invitation that got a 200), stored (response items), counted (responses in the results). */
  readonly answers?: {
    readonly attempted: number;
    readonly acknowledged: number;
    readonly stored: number;
    readonly counted: number;
  };
  /** Invitations of the run: how many, sent (marked), counted as sent in the results, emails in the inbox. */
  readonly delivery?: {
    readonly invitations: number;
    readonly sent: number;
    readonly counted: number;
    readonly rejected: number;
    readonly emails: number;
  };
  /** Faults injected, by kind. */
  readonly faults?: Readonly<Record<string, number>>;
  /** Malformed requests sent. */
  readonly malformedRequests?: number;
  /** Every HTTP status the test's clients received, with counts. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Aggregates reconcile compared with the raw records, and the differences it found. */
  readonly reconciled?: { readonly aggregates: number; readonly differences: number };
  /**
   * Emails beyond the first for one invitation (a customer mailed twice for one survey), of `sends`
   * invitations sent: printed per 1,000 sends, goal 0.
   */
  readonly duplicateEmails?: { readonly duplicates: number; readonly sends: number };
  /**
   * Emails that went against a customer's permission, checked against a history of the run: inside the
   * throttle window, after a suppression committed, or a reminder after an answer. Goal 0.
   */
  readonly emailsAgainstPermission?: number;
  /**
   * The stream → events path: answers that call for a case, cases opened (and how many answers got more
   * than one), owner alerts (beyond one per case: duplicates), webhook events expected and those that
   * reached the subscriber at least once. Goal: cases = expected, 0 duplicate cases, every event delivered.
   */
  readonly events?: {
    readonly expectedCases: number;
    readonly cases: number;
    readonly duplicateCases: number;
    readonly alerts: number;
    readonly duplicateAlerts: number;
    readonly webhookEvents: number;
    readonly webhookEventsDelivered: number;
    readonly webhookAttempts: number;
  };
};

declare module "vitest" {
  export interface ProvidedContext {
    reliabilitySummaryDir: string;
  }
}

/** Counts HTTP statuses as a test's clients receive them. */
export class StatusTally {
  private readonly counts = new Map<number, number>();
  add(status: number): number {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
    return status;
  }
  /** Statuses of 500 and above, plus 599 for requests that got no response at all. */
  get serverErrors(): number {
    return [...this.counts].reduce((sum, [status, n]) => sum + (status >= 500 ? n : 0), 0);
  }
  get total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
  }
}

/**
 * Records one test's part of the summary in the run's folder: pass `inject("reliabilitySummaryDir")`.
 * (This module stays free of vitest's runtime, because the global teardown imports it too.)
 */
export function recordReliability(dir: string, record: ReliabilityRecord): void {
  mkdirSync(dir, { recursive: true });
  const file = `${record.name.replace(/[^a-z0-9]+/gi, "-")}-${process.pid}-${Date.now()}.json`;
  writeFileSync(join(dir, file), JSON.stringify(record));
}

const number = (n: number) => n.toLocaleString("en-US");
const perThousand = ({ duplicates, sends }: { duplicates: number; sends: number }) =>
  `${(sends === 0 ? 0 : (1000 * duplicates) / sends).toLocaleString("en-US", { maximumFractionDigits: 2 })} per 1,000 sends (${number(duplicates)} in ${number(sends)} sends)`;
const list = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .map(([kind, n]) => `${kind} ${number(n)}`)
    .join(", ");

/** The summary of the records in `dir` as printable lines; empty when no reliability test ran. */
export function formatReliabilitySummary(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  if (files.length === 0) return [];
  const records = files
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ReliabilityRecord)
    .sort((a, b) => a.name.localeCompare(b.name));

  const total = {
    attempted: 0,
    acknowledged: 0,
    stored: 0,
    counted: 0,
    malformed: 0,
    requests: 0,
    errors: 0,
  };
  const faults: Record<string, number> = {};
  // Only runs that measured it: a run that did not count duplicate emails adds nothing here.
  let duplicates: { duplicates: number; sends: number } | undefined;
  let againstPermission: number | undefined;
  const events = { expectedCases: 0, cases: 0, duplicateCases: 0, lostEvents: 0, seen: false };
  const lines = ["", "Reliability summary"];
  for (const record of records) {
    const statuses = Object.entries(record.statuses);
    total.requests += statuses.reduce((sum, [, n]) => sum + n, 0);
    total.errors += statuses.reduce((sum, [status, n]) => sum + (Number(status) >= 500 ? n : 0), 0);
    lines.push(`  ${record.name}`);
    if (record.answers) {
      const a = record.answers;
      lines.push(
        `    answers: attempted ${number(a.attempted)}, acknowledged ${number(a.acknowledged)}, stored ${number(a.stored)}, counted ${number(a.counted)}`,
      );
      total.attempted += a.attempted;
      total.acknowledged += a.acknowledged;
      total.stored += a.stored;
      total.counted += a.counted;
    }
    if (record.delivery) {
      const d = record.delivery;
      lines.push(
        `    invitations ${number(d.invitations)}: sent ${number(d.sent)}, counted as sent ${number(d.counted)}, rejected by SES ${number(d.rejected)}, emails ${number(d.emails)}`,
      );
    }
    if (record.reconciled) {
      lines.push(
        `    reconcile: ${number(record.reconciled.aggregates)} aggregates checked, ${number(record.reconciled.differences)} differences`,
      );
    }
    if (record.emailsAgainstPermission !== undefined) {
      lines.push(`    emails against permission: ${number(record.emailsAgainstPermission)}`);
      againstPermission = (againstPermission ?? 0) + record.emailsAgainstPermission;
    }
    if (record.duplicateEmails) {
      lines.push(`    duplicate emails: ${perThousand(record.duplicateEmails)}`);
      duplicates = {
        duplicates: (duplicates?.duplicates ?? 0) + record.duplicateEmails.duplicates,
        sends: (duplicates?.sends ?? 0) + record.duplicateEmails.sends,
      };
    }
    if (record.events) {
      const e = record.events;
      lines.push(
        `    cases: ${number(e.cases)} opened of ${number(e.expectedCases)} called for, ${number(e.duplicateCases)} duplicate; owner alerts ${number(e.alerts)} (${number(e.duplicateAlerts)} beyond one per case)`,
        `    webhook events: ${number(e.webhookEventsDelivered)} of ${number(e.webhookEvents)} delivered at least once, in ${number(e.webhookAttempts)} attempts`,
      );
      events.expectedCases += e.expectedCases;
      events.cases += e.cases;
      events.duplicateCases += e.duplicateCases;
      events.lostEvents += e.webhookEvents - e.webhookEventsDelivered;
      events.seen = true;
    }
    if (record.faults && Object.keys(record.faults).length > 0) {
      lines.push(`    faults injected: ${list(record.faults)}`);
      for (const [kind, n] of Object.entries(record.faults)) faults[kind] = (faults[kind] ?? 0) + n;
    }
    if (record.malformedRequests !== undefined) {
      lines.push(`    malformed requests: ${number(record.malformedRequests)}`);
      total.malformed += record.malformedRequests;
    }
    lines.push(
      `    HTTP statuses: ${statuses.length === 0 ? "none (no HTTP calls)" : statuses.map(([status, n]) => `${status}: ${number(n)}`).join(", ")}`,
    );
  }
  const faultTotal = Object.values(faults).reduce((sum, n) => sum + n, 0);
  lines.push(
    "  total",
    `    answers attempted ${number(total.attempted)}, acknowledged ${number(total.acknowledged)}, stored ${number(total.stored)}, counted ${number(total.counted)}`,
    `    faults injected ${number(faultTotal)}${faultTotal ? `: ${list(faults)}` : ""}`,
    `    malformed requests tried ${number(total.malformed)}`,
    `    HTTP requests ${number(total.requests)}, 5xx seen ${number(total.errors)}`,
  );
  if (duplicates) lines.push(`    duplicate emails ${perThousand(duplicates)}`);
  if (againstPermission !== undefined)
    lines.push(`    emails against permission ${number(againstPermission)} (checked against a history)`);
  if (events.seen) {
    lines.push(
      `    cases ${number(events.cases)} of ${number(events.expectedCases)} called for, ${number(events.duplicateCases)} duplicate; webhook events lost ${number(events.lostEvents)}`,
    );
  }
  lines.push("");
  return lines;
}
