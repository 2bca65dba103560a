import { type Case, caseIdOf, type StoredCase } from "../domain/case";
import type { RecordedAnswer } from "../domain/counters";
import type { Invitation, SuppressionReason } from "../domain/invitation";
import {
  type ImportedAnswerExport,
  type InvitationExport,
  type PersonExport,
  type PurchaseExport,
  parsePersonEmail,
} from "../domain/person";
import type { RecordedPurchase } from "../domain/purchase-status";
import { orThrow } from "../domain/validation";
import { toCaseView } from "./manage-cases";
import { mapConcurrently } from "./map-concurrently";

/** A person's link to one of their purchases: where it is, and its invitations' tokens. */
export type PersonLinkRef = {
  readonly campaignId: string;
  readonly orderId: string;
  readonly tokens: readonly string[];
};

export type ExportPersonPorts = {
  readonly people: {
    /** The address's links to its purchases, in every campaign. */
    links(email: string): Promise<PersonLinkRef[]>;
    records(email: string): Promise<{
      contact: { lastScheduledAt: string | null; lastSentAt: string | null } | null;
      suppression: { reason: SuppressionReason; suppressedAt: string; liftedAt?: string } | null;
      erasedSuppression: boolean;
    }>;
  };
  readonly purchases: { get(campaignId: string, orderId: string): Promise<RecordedPurchase | undefined> };
  /** An answer imported from another tool's history, with the address it holds; undefined for any other. */
  readonly responses: {
    imported(token: string): Promise<(ImportedAnswerExport & { email: string }) | undefined>;
  };
  readonly cases: { get(caseId: string): Promise<StoredCase | undefined> };
  /** An invitation with its answer, in one read. */
  readonly surveyLinks: {
    read(
      token: string,
    ): Promise<{ invitation: Invitation; response: RecordedAnswer | undefined } | undefined>;
  };
};

/** Purchases (and their invitations) read at once. */
const CONCURRENCY = 8;

/**
 * Everything held about one address (`GET /v1/people/{email}`): its purchases in every campaign, found
 * through the person's links, each with its survey emails and answers; the address's contact and
 * suppression records; whether an erasure kept it suppressed. Purchases in the order recorded. 400
 * when `rawEmail` is not an address.
 * Survey links (tokens) are never shown. Reads O(purchases) items, whatever the size of the table.
 */
export async function exportPerson(ports: ExportPersonPorts, rawEmail: string): Promise<PersonExport> {
  const email = orThrow(parsePersonEmail(rawEmail), "email address");
  const [links, records] = await Promise.all([ports.people.links(email), ports.people.records(email)]);
  const imported: ImportedAnswerExport[] = [];
  const cases: Case[] = [];
  const purchases = await mapConcurrently(links, CONCURRENCY, async (link) => {
    const purchase = await ports.purchases.get(link.campaignId, link.orderId);
    if (!purchase) {
      // An imported answer's link names no purchase (and one gone by TTL may still name answers).
      for (const token of link.tokens) {
        const found = await ports.responses.imported(token);
        if (!found || (found.email !== email && found.erasedAt === null)) continue;
        const { email: _email, ...answer } = found;
        imported.push(answer);
      }
      return undefined;
    }
    // Not this person's (never expected): nothing of it to show.
    if (purchase.email !== email && purchase.erasedAt === null) return undefined;
    const invitations = await Promise.all(purchase.tokens.map((token) => ports.surveyLinks.read(token)));
    for (const found of invitations) {
      if (found?.response === undefined) continue;
      const opened = await ports.cases.get(caseIdOf(found.invitation.token));
      if (opened) cases.push(toCaseView(opened));
    }
    return purchaseExport(
      link.campaignId,
      purchase,
      invitations.filter((found) => found !== undefined),
    );
  });
  return {
    email,
    suppression: records.suppression,
    erasedSuppression: records.erasedSuppression,
    contact: records.contact,
    purchases: purchases
      .filter((purchase) => purchase !== undefined)
      .sort((a, b) => {
        const [x, y] = [a, b].map((p) => `${p.recordedAt}\n${p.campaignId}\n${p.orderId}`) as [
          string,
          string,
        ];
        return x < y ? -1 : x > y ? 1 : 0;
      }),
    ...(cases.length > 0 ? { cases: cases.sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1)) } : {}),
    ...(imported.length > 0
      ? {
          importedAnswers: imported.sort((a, b) =>
            a.answer.createdAt < b.answer.createdAt ? -1 : a.answer.createdAt > b.answer.createdAt ? 1 : 0,
          ),
        }
      : {}),
  };
}

function purchaseExport(
  campaignId: string,
  purchase: RecordedPurchase,
  invitations: readonly { invitation: Invitation; response: RecordedAnswer | undefined }[],
): PurchaseExport {
  return {
    campaignId,
    orderId: purchase.orderId,
    name: purchase.name,
    locale: purchase.locale,
    properties: purchase.properties,
    purchasedAt: purchase.purchasedAt,
    recordedAt: purchase.recordedAt,
    status: purchase.status,
    erasedAt: purchase.erasedAt,
    invitations: invitations.map(({ invitation, response }) => invitationExport(invitation, response)),
  };
}

function invitationExport(invitation: Invitation, response: RecordedAnswer | undefined): InvitationExport {
  return {
    kind: invitation.kind,
    status: invitation.status,
    sendAt: invitation.sendAt,
    sentAt: invitation.sentAt,
    reminderSentAt: invitation.reminderSentAt,
    answeredAt: invitation.answeredAt,
    unsubscribedAt: invitation.unsubscribedAt,
    skipReason: invitation.skipReason,
    erasedAt: invitation.erasedAt,
    answer: response
      ? {
          score: response.score,
          csat: response.csat,
          attributes: response.attributes,
          comment: response.comment,
          createdAt: response.createdAt,
          updatedAt: response.updatedAt,
        }
      : null,
  };
}
