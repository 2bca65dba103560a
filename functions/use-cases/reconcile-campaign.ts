import type { Answer } from "../domain/answer";
import {
  type AggregateRow,
  type AggregateTarget,
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  isZero,
  targetId,
  targetsFor,
} from "../domain/counters";
import type { Invitation } from "../domain/invitation";

export type ReconcilePorts = {
  readonly purchases: { tokensOf(campaignId: string): Promise<string[]> };
  readonly invitations: { getMany(tokens: readonly string[]): Promise<Invitation[]> };
  readonly responses: { allOf(campaignId: string): Promise<(Answer & { countedIn: AggregateTarget[] })[]> };
  readonly results: {
    readAll(campaignId: string): Promise<AggregateRow[]>;
    replace(campaignId: string, target: AggregateTarget, from: Counters, to: Counters): Promise<boolean>;
  };
};

export type AggregateDifference = AggregateTarget & { stored: Counters; recounted: Counters };
export type Reconciliation = {
  campaignId: string;
  /** The first day compared; earlier days are left alone (their raw records may have expired). */
  since: string | null;
  invitationsSent: number;
  responses: number;
  aggregatesChecked: number;
  differences: AggregateDifference[];
  /** With fix: every difference was repaired. */
  repaired: boolean;
  /** With fix: differences whose aggregate changed between the read and the repair (run again). */
  unrepaired: number;
};

/**
 * Recounts every result aggregate of a campaign from the raw records — each sent invitation (its
 * send day and segments) and each stored answer (where it says it is counted) — and compares the
 * recount with the stored counters. With `fix`, sets each wrong aggregate to its recount.
 *
 * The backstop after an incident. Run it while the campaign is quiet: answers landing during the
 * recount would show as differences (and a fix computed from them would be off by those answers).
 */
export async function reconcileCampaign(
  ports: ReconcilePorts,
  campaignId: string,
  options: {
    fix?: boolean;
    /** Compare only days from this one (YYYY-MM-DD): older raw records may have expired (TTL). */
    since?: string;
  } = {},
): Promise<Reconciliation> {
  const since = options.since ?? "";
  const recount = new Map<string, { target: AggregateTarget; counters: Counters }>();
  const count = (target: AggregateTarget, counters: Counters) => {
    if (target.day < since) return;
    const key = targetId(target);
    const entry = recount.get(key) ?? { target, counters: emptyCounters() };
    entry.counters = combineCounters(entry.counters, counters);
    recount.set(key, entry);
  };

  const invitations = await ports.invitations.getMany(await ports.purchases.tokensOf(campaignId));
  let invitationsSent = 0;
  for (const invitation of invitations) {
    if (invitation.sentAt === null) continue;
    invitationsSent++;
    for (const target of targetsFor(invitation.sentAt.slice(0, 10), invitation.segments ?? {})) {
      count(target, { ...emptyCounters(), sent: 1 });
    }
  }
  const responses = await ports.responses.allOf(campaignId);
  for (const response of responses) {
    for (const target of response.countedIn) count(target, answerCounters(response));
  }

  const stored = new Map(
    (await ports.results.readAll(campaignId))
      .filter((row) => row.day >= since)
      .map((row) => [targetId(row), row]),
  );
  const differences: AggregateDifference[] = [];
  const keys = new Set([...recount.keys(), ...stored.keys()]);
  for (const key of keys) {
    const expected = recount.get(key)?.counters ?? emptyCounters();
    const row = stored.get(key);
    const actual = row?.counters ?? emptyCounters();
    const target = recount.get(key)?.target ?? (row as AggregateTarget);
    if (!isZero(combineCounters(expected, actual, -1))) {
      differences.push({
        dimension: target.dimension,
        day: target.day,
        value: target.value,
        stored: actual,
        recounted: expected,
      });
    }
  }
  // Each repair sets the recount on condition that the aggregate still holds what was read, so a
  // repair retried after a lost response, or run twice, changes nothing the second time; one that
  // an answer overtook meanwhile is left for the next run.
  let unrepaired = 0;
  if (options.fix) {
    for (const difference of differences) {
      const replaced = await ports.results.replace(
        campaignId,
        difference,
        difference.stored,
        difference.recounted,
      );
      if (!replaced) unrepaired++;
    }
  }
  return {
    campaignId,
    since: options.since ?? null,
    invitationsSent,
    responses: responses.length,
    aggregatesChecked: keys.size,
    differences,
    repaired: Boolean(options.fix) && differences.length > 0 && unrepaired === 0,
    unrepaired,
  };
}
