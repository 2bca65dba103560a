import type { Campaign } from "../domain/campaign";
import type { CaseDigestEmail, CaseFilter, StoredCase } from "../domain/case";
import type { Clock } from "../domain/clock";
import { type AggregateRow, OVERALL } from "../domain/counters";
import { addDays, summarize } from "../domain/summary";
import { mapConcurrently } from "./map-concurrently";

export type CaseDigestPorts = {
  readonly campaigns: { allWithFollowUp(status: Campaign["status"]): Promise<Campaign[]> };
  readonly cases: {
    list(
      filter: CaseFilter,
      limit: number,
      cursor: string | undefined,
      now: Date,
    ): Promise<{ items: StoredCase[]; nextCursor: string | null }>;
    claimDigest(day: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
    markDigestSent(day: string, owner: string, now: Date): Promise<void>;
  };
  readonly results: {
    readRange(campaignId: string, dimension: string, from: string, to: string): Promise<AggregateRow[]>;
  };
  readonly caseMail: { sendCaseDigest(digest: CaseDigestEmail): Promise<string> };
  /** Origin of the console's links. */
  readonly publicBaseUrl: string;
  readonly clock: Clock;
};

export type CaseDigestOptions = {
  /** The UTC hour from which the day's digests go out (the dispatcher's first tick at or after it). */
  readonly hourUtc: number;
  /** How long a claimed digest waits for its sender before another tick may send it. */
  readonly leaseMs: number;
  /** The most cases listed per section of one digest. */
  readonly maxCasesListed: number;
};
export const DEFAULT_CASE_DIGEST: CaseDigestOptions = {
  hourUtc: 8,
  leaseMs: 10 * 60_000,
  maxCasesListed: 20,
};

/**
 * The daily digest of every owner named by a campaign's alert rule: their cases opened in the last 24
 * hours and those overdue, and, for each campaign they own cases of, NPS over the last 7 days against
 * the 7 before. Run by the dispatcher's tick; from `hourUtc` on, each owner's digest of the day is
 * claimed (one tick sends it; a claim whose sender died is taken again after its lease) and sent once.
 * An owner with nothing new, nothing overdue and no answers in the week gets none. Returns how many
 * digests went out.
 */
export async function sendCaseDigests(
  ports: CaseDigestPorts,
  options: CaseDigestOptions = DEFAULT_CASE_DIGEST,
): Promise<number> {
  const now = ports.clock();
  if (now.getUTCHours() < options.hourUtc) return 0;
  const day = now.toISOString().slice(0, 10);

  const owned = new Map<string, Campaign[]>();
  for (const campaign of await ports.campaigns.allWithFollowUp("active")) {
    for (const owner of campaign.followUp?.owners ?? []) {
      owned.set(owner, [...(owned.get(owner) ?? []), campaign]);
    }
  }
  if (owned.size === 0) return 0;

  const weekAgo = addDays(day, -6);
  const weeks = new Map<string, { nps: number | null; previousNps: number | null; responses: number }>();
  for (const campaign of new Set([...owned.values()].flat())) {
    const rows = await ports.results.readRange(campaign.id, OVERALL, addDays(day, -13), day);
    const thisWeek = summarize(rows, "day", { from: weekAgo, to: day }).overall;
    const before = summarize(rows, "day", { from: addDays(day, -13), to: addDays(day, -7) }).overall;
    weeks.set(campaign.id, { nps: thisWeek.nps, previousNps: before.nps, responses: thisWeek.responses });
  }

  // One read of the case listing for every owner: the cases not resolved, or opened in the last day.
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const byOwner = new Map<string, StoredCase[]>();
  for (const c of await currentCases(ports, now)) byOwner.set(c.owner, [...(byOwner.get(c.owner) ?? []), c]);

  const sent = await mapConcurrently([...owned.entries()], 4, async ([owner, campaigns]) => {
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    const mine = (byOwner.get(owner) ?? []).filter((c) => byId.has(c.campaignId));
    const newCases = mine.filter((c) => c.openedAt >= since);
    const overdue = mine.filter((c) => c.status !== "resolved" && c.dueAt < now.toISOString());
    const figures = campaigns.map((c) => ({
      name: c.name,
      ...(weeks.get(c.id) ?? { nps: null, previousNps: null, responses: 0 }),
    }));
    if (newCases.length === 0 && overdue.length === 0 && figures.every((f) => f.responses === 0))
      return false;
    if (!(await ports.cases.claimDigest(day, owner, now, options.leaseMs))) return false;
    const listed = (cases: StoredCase[]) =>
      cases.slice(0, options.maxCasesListed).map((c) => ({
        campaignName: byId.get(c.campaignId)?.name ?? c.campaignId,
        score: c.score,
        customer: c.name ? `${c.name} <${c.email}>` : c.email,
        dueAt: c.dueAt,
        url: `${ports.publicBaseUrl}/app/cases/${c.id}`,
      }));
    const first = campaigns[0] as Campaign;
    await ports.caseMail.sendCaseDigest({
      to: owner,
      locale: first.locale,
      senderName: first.senderName,
      newCases: listed(newCases),
      overdueCases: listed(overdue),
      campaigns: figures,
      inboxUrl: `${ports.publicBaseUrl}/app/cases?owner=${encodeURIComponent(owner)}`,
    });
    await ports.cases.markDigestSent(day, owner, now);
    return true;
  });
  return sent.filter(Boolean).length;
}

/** Every case that is not resolved, or was opened in the last 24 hours. */
async function currentCases(ports: CaseDigestPorts, now: Date): Promise<StoredCase[]> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const found: StoredCase[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.cases.list({}, 100, cursor, now);
    found.push(...page.items.filter((c) => c.status !== "resolved" || c.openedAt >= since));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}
