/**
 * How long records holding a customer's data live (DynamoDB TTL, `expiresAt` in epoch seconds). An
 * invitation expires RETENTION_DAYS after it was sent (until then, after it is due), its purchase with
 * the invitation sent last, an answer RETENTION_DAYS after it was first given. So every raw record
 * behind a day's result counts lives at least RETENTION_DAYS past that day, even when it was sent late
 * (a paused campaign, a backlog), which is what lets reconcile recount the last RETENTION_DAYS exactly. Campaigns, API keys, result aggregates (no personal data, and results must
 * stay exact) and suppressions (an unsubscribe must keep protecting the address) never expire.
 */
export const DEFAULT_RETENTION_DAYS = 730;

/**
 * Bounds of retentionDays. The minimum outlives a whole survey cycle (second touch 90 days after the
 * purchase, a reminder, time to answer); the maximum (ten years) guards against typos.
 */
export const RETENTION_DAYS_RANGE = { min: 180, max: 3650, default: DEFAULT_RETENTION_DAYS } as const;
/** The per-person throttle record must outlive the longest throttle window (365 days). */
const LONGEST_THROTTLE_DAYS = 365;

export function expiresAt(createdAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(createdAt) / 1000) + retentionDays * 86_400;
}

export function contactExpiresAt(updatedAt: string, retentionDays: number): number {
  return expiresAt(updatedAt, Math.max(retentionDays, LONGEST_THROTTLE_DAYS));
}

/**
 * A person's link to a purchase (found by a hash of the address, for an export or an erasure) outlives
 * the purchase's first expiry by this margin: a survey sent late (a campaign paused for months) keeps
 * its purchase longer, and an answer may outlive its purchase by its answer window; the link must still
 * find them. It holds no address.
 */
const PERSON_LINK_MARGIN_DAYS = 365;

export const personLinkExpiresAt = (purchaseExpiresAt: number): number =>
  purchaseExpiresAt + PERSON_LINK_MARGIN_DAYS * 86_400;

/** The first UTC day whose raw records are all still kept: reconcile compares from there on. */
export function firstFullyRetainedDay(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - (retentionDays - 1) * 86_400_000).toISOString().slice(0, 10);
}
