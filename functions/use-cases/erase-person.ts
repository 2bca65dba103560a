import { caseIdOf } from "../domain/case";
import type { Clock } from "../domain/clock";
import { parsePersonReference } from "../domain/delighted";
import { ConflictError, NotFoundError } from "../domain/errors";
import { personIdOf } from "../domain/hash";
import { type PersonErasure, parsePersonEmail } from "../domain/person";
import type { RecordedPurchase } from "../domain/purchase-status";
import { orThrow } from "../domain/validation";
import { caseEventIdOf, responseEventIdOf, suppressionEventIdOf } from "../domain/webhook-delivery";
import { log } from "../platform/log";
import { type EraseDeliveriesPorts, eraseDeliveriesOf } from "./erase-deliveries";
import type { PersonLinkRef } from "./export-person";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";
import { mapConcurrently } from "./map-concurrently";

export type ErasePersonPorts = {
  readonly people: {
    links(email: string): Promise<PersonLinkRef[]>;
    /** The links of the person with this id (personIdOf), for the Delighted-compatible API. */
    linksOfId(personId: string): Promise<PersonLinkRef[]>;
    /** The address's suppression, whose webhook event is found by when it was recorded. */
    records(email: string): Promise<{ suppression: { suppressedAt: string } | null }>;
    /**
     * Deletes the address's own records (contact, suppression), keeping a suppression in force under
     * the address's hash; `suppressed`: the address stays suppressed.
     */
    eraseRecords(email: string, now: Date): Promise<{ suppressed: boolean }>;
  };
  readonly purchases: {
    get(campaignId: string, orderId: string): Promise<RecordedPurchase | undefined>;
    /** False when there is no such purchase. */
    erase(campaignId: string, orderId: string, now: Date): Promise<boolean>;
  };
  readonly invitations: {
    /** `busy`: a send of it is under way or not marked yet; erase again in a few minutes. */
    erase(token: string, now: Date): Promise<"erased" | "absent" | "busy">;
  };
  /** The answer's version (each edit is one), or null when the invitation has no answer. */
  readonly responses: { erase(token: string, now: Date): Promise<number | null> };
  /** The case's version once erased (each change is one), or null when the answer opened no case. */
  readonly cases: { erase(caseId: string, now: Date): Promise<number | null> };
  /** The deliveries of webhook events about the person. */
  readonly webhooks: EraseDeliveriesPorts["webhooks"];
  readonly clock: Clock;
};

/** Purchases erased at once. */
const CONCURRENCY = 8;

/**
 * Erases a person's personal data everywhere (`DELETE /v1/people/{email}`, `npm run person -- erase`):
 * their purchases, invitations and answers keep their keys, times and counts but lose the address, the
 * name, the properties and the comments; what was still due to them is dropped; their links stop
 * working; the webhook deliveries of events about them (their answers, their cases, the address's
 * suppression) lose the same data, and those still pending are cancelled; the address's contact and
 * suppression records are deleted, a suppression in force kept under a hash of the address. Results
 * and reconcile do not change. Idempotent: erasing again answers the same. 409 while an email to the
 * person is being sent (what could be erased was: erase again in a few minutes). Logged with who
 * asked (`by`), never the address.
 */
export async function erasePerson(
  ports: ErasePersonPorts,
  rawEmail: string,
  by: string,
): Promise<PersonErasure> {
  const email = orThrow(parsePersonEmail(rawEmail), "email address");
  const linked = await eraseLinked(ports, await ports.people.links(email), email);
  // Before its record goes: the suppression's event is found by when it was recorded.
  const { suppression } = await ports.people.records(email);
  const suppressionEvents = suppression ? [suppressionEventIdOf(email, suppression.suppressedAt)] : [];
  const deliveries = await eraseDeliveriesOf(
    ports,
    [...linked.eventIds, ...suppressionEvents],
    ports.clock(),
  );
  throwIfBusy(linked.busy);
  const { suppressed } = await ports.people.eraseRecords(email, ports.clock());
  log("info", "person erased", { by, ...linked.counts, deliveries, suppressed });
  return { erased: linked.counts, suppressed };
}

/**
 * Delighted's `DELETE people/{id | email:… | address}` of a campaign: erases the person everywhere,
 * as erasePerson does (erasure is about the person, not one campaign). A person id is found through
 * the person's links (one query), and the address through one of their purchases; 404 for an id no
 * purchase is linked to, as for ids Delighted gave out. 404 for an unknown campaign.
 */
export async function eraseDelightedPerson(
  ports: ErasePersonPorts & CampaignLookupPorts,
  campaignId: string,
  person: string,
  by: string,
): Promise<void> {
  await loadCampaign(ports, campaignId);
  const reference = orThrow(parsePersonReference(person), "person");
  if ("email" in reference) {
    await erasePerson(ports, reference.email, by);
    return;
  }
  const links = "personId" in reference ? await ports.people.linksOfId(reference.personId) : [];
  if (links.length === 0) {
    throw new NotFoundError(
      "No person has this id here: delete by address instead (`email:<address>`, percent-encoded).",
    );
  }
  const personId = "personId" in reference ? reference.personId : "";
  const purchases = await mapConcurrently(links, CONCURRENCY, (link) =>
    ports.purchases.get(link.campaignId, link.orderId),
  );
  const email = purchases.find(
    (p) => p !== undefined && p.email !== "" && personIdOf(p.email) === personId,
  )?.email;
  if (email !== undefined) {
    await erasePerson(ports, email, by);
    return;
  }
  // Erased already (no purchase holds the address any more): what the links reach is erased again.
  const linked = await eraseLinked(ports, links, undefined);
  const deliveries = await eraseDeliveriesOf(ports, linked.eventIds, ports.clock());
  throwIfBusy(linked.busy);
  log("info", "person erased", { by, ...linked.counts, deliveries, suppressed: null });
}

/**
 * Erases the purchases the links name, with their invitations and answers: the invitation first, so
 * that no answer can arrive once its answer is erased. Only the address's own purchases (or ones
 * erased already) are touched. `busy`: a send held an invitation. `eventIds`: the webhook events of
 * the answers and cases erased, every version of each.
 */
async function eraseLinked(
  ports: ErasePersonPorts,
  links: readonly PersonLinkRef[],
  email: string | undefined,
): Promise<{ counts: PersonErasure["erased"]; busy: boolean; eventIds: string[] }> {
  const now = ports.clock();
  const counts = { purchases: 0, invitations: 0, answers: 0, cases: 0 };
  const eventIds: string[] = [];
  let busy = false;
  await mapConcurrently(links, CONCURRENCY, async (link) => {
    const purchase = await ports.purchases.get(link.campaignId, link.orderId);
    if (purchase && purchase.erasedAt === null && purchase.email !== email) return;
    // A purchase gone by TTL: its link still names the invitations and answers that may outlive it.
    for (const token of purchase?.tokens ?? link.tokens) {
      const invitation = await ports.invitations.erase(token, now);
      if (invitation === "erased") counts.invitations++;
      if (invitation === "busy") busy = true;
      const answerVersion = await ports.responses.erase(token, now);
      if (answerVersion !== null) {
        counts.answers++;
        eventIds.push(...versionsUpTo(answerVersion).map((v) => responseEventIdOf(token, v)));
      }
      // After the answer: a case opened from here on is refused (its answer is marked erased).
      const caseId = caseIdOf(token);
      const caseVersion = await ports.cases.erase(caseId, now);
      if (caseVersion !== null) {
        counts.cases++;
        eventIds.push(...versionsUpTo(caseVersion).map((v) => caseEventIdOf(caseId, v)));
      }
    }
    if (purchase && (await ports.purchases.erase(link.campaignId, link.orderId, now))) counts.purchases++;
  });
  return { counts, busy, eventIds };
}

/** Versions 1 to `version`: each one may have been announced. */
const versionsUpTo = (version: number): number[] => Array.from({ length: version }, (_, i) => i + 1);

/** The 409 of an erasure that a send under way kept from finishing. */
function throwIfBusy(busy: boolean): void {
  if (!busy) return;
  throw new ConflictError(
    "A survey email to this person is being sent right now: everything else was erased; send the same " +
      "request again in a few minutes to finish.",
  );
}
