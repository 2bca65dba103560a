import { createHash } from "node:crypto";
import { type DelightedPerson, parseDelightedPerson, personRequestFingerprint } from "../domain/delighted";
import type { Invitation } from "../domain/invitation";
import type { Purchase } from "../domain/purchase";
import type { RecordedPurchase } from "../domain/purchase-status";
import { orThrow } from "../domain/validation";
import { loadCampaign } from "./load-campaign";
import { assertTakesPurchases, recordPurchase, type SchedulePurchasesPorts } from "./schedule-purchases";

export type SchedulePersonPorts = SchedulePurchasesPorts & {
  readonly purchases: SchedulePurchasesPorts["purchases"] & {
    get(campaignId: string, orderId: string): Promise<RecordedPurchase | undefined>;
  };
  readonly invitations: SchedulePurchasesPorts["invitations"] & {
    get(token: string): Promise<Invitation | undefined>;
  };
};

/**
 * What posting a person did: `scheduled` (a survey at surveyScheduledAt), `duplicate` (this purchase
 * was posted before: nothing changed), `suppressed`, `throttled` (no survey), or `not_sent` (`send:
 * false`: nothing recorded).
 */
export type ScheduledPerson = {
  readonly person: Pick<Purchase, "email" | "name" | "properties">;
  readonly outcome: "scheduled" | "duplicate" | "suppressed" | "throttled" | "not_sent";
  /** When the purchase was first recorded (now, unless a duplicate). */
  readonly createdAt: string;
  /** When its survey goes out, while one is still to go; null otherwise. */
  readonly surveyScheduledAt: string | null;
};

/**
 * Delighted's "create a person" as a purchase of the campaign, through the same path as `POST
 * /v1/…/purchases`: the same checks, suppression, throttle window and duplicate detection. The
 * purchase's orderId is the order id a property carries, else one derived from the request and the
 * UTC day (orderIdOf). `delay` sets the first survey's time; without it the campaign's `delayDays` do.
 */
export async function schedulePerson(
  ports: SchedulePersonPorts,
  campaignId: string,
  readBody: () => Promise<unknown>,
): Promise<ScheduledPerson> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const now = ports.clock();
  const posted = orThrow(parseDelightedPerson(await readBody(), now), "person");
  assertTakesPurchases(campaign);
  const { email, name, properties } = posted.purchase;
  const person = { email, name, properties };
  if (!posted.send) {
    return { person, outcome: "not_sent", createdAt: now.toISOString(), surveyScheduledAt: null };
  }
  const purchase: Purchase = { ...posted.purchase, orderId: orderIdOf(posted, now) };
  const firstSendAt =
    posted.delaySeconds === null
      ? undefined
      : new Date(now.getTime() + posted.delaySeconds * 1000).toISOString();
  const outcome = await recordPurchase(ports, campaign, purchase, now, firstSendAt);
  if (outcome.status === "scheduled") {
    return { person, outcome: "scheduled", createdAt: now.toISOString(), surveyScheduledAt: outcome.sendAt };
  }
  if (outcome.status !== "duplicate") {
    return { person, outcome: outcome.status, createdAt: now.toISOString(), surveyScheduledAt: null };
  }
  // A retry answers as the first post did, as far as that purchase is this person's.
  const earlier = await ports.purchases.get(campaign.id, purchase.orderId);
  if (!earlier || earlier.email !== purchase.email) {
    return { person, outcome: "duplicate", createdAt: now.toISOString(), surveyScheduledAt: null };
  }
  const [first] = earlier.tokens;
  const invitation = first === undefined ? undefined : await ports.invitations.get(first);
  return {
    person,
    outcome: "duplicate",
    createdAt: earlier.recordedAt,
    surveyScheduledAt: invitation?.status === "scheduled" ? invitation.sendAt : null,
  };
}

/**
 * The orderId a person becomes: the order id its properties carry; else `delighted:<UTC day>:` and
 * 128 bits of the SHA-256 of the request's canonical form, so posting the same request again on the
 * same UTC day is a duplicate (a retry), and on a later day a new purchase.
 */
function orderIdOf(person: DelightedPerson, now: Date): string {
  if (person.orderId !== null) return person.orderId;
  const day = now.toISOString().slice(0, 10);
  const digest = createHash("sha256")
    .update(`${day}\n${personRequestFingerprint(person)}`, "utf8")
    .digest("hex");
  return `delighted:${day}:${digest.slice(0, 32)}`;
}
