import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { SuppressionReason } from "../domain/invitation";
import {
  contactKey,
  emailPartition,
  erasedSuppressionKey,
  PURCHASE_SCAN,
  personPartition,
  personPartitionOfId,
  suppressionKey,
} from "./keys";
import { queryAll } from "./paged-query";
import { type PersonLink, personLinkItem, toPersonLink } from "./person-link-item";
import { conditionHeld, failedConditions, sendTransaction } from "./transactions";

/** What is kept per address besides its purchases, as an export shows it. */
export type PersonRecords = {
  readonly contact: { lastScheduledAt: string | null; lastSentAt: string | null } | null;
  readonly suppression: { reason: SuppressionReason; suppressedAt: string; liftedAt?: string } | null;
  /** An erasure of the address kept it suppressed, under its hash. */
  readonly erasedSuppression: boolean;
};

/** A purchase as the backfill of person links reads it from a scan of the table. */
export type ScannedPurchase = PersonLink & { readonly email: string; readonly expiresAt: number | undefined };

/**
 * A person's records as a whole: their links to their purchases (PERSON#<personId>, written with each
 * purchase), the address's own records (EMAIL#<address>: the contact the throttle window reads, the
 * suppression) and the suppression an erasure keeps under the address's hash (SUPPRESSED#<personId>).
 * For an export, an erasure, and the backfill of links for purchases recorded before links existed.
 */
export class PersonStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The links of an address to its purchases, in every campaign. */
  async links(email: string): Promise<PersonLink[]> {
    return await this.linksIn(personPartition(email));
  }

  /** The links of the person with this id (Delighted's person id) to their purchases. */
  async linksOfId(personId: string): Promise<PersonLink[]> {
    return await this.linksIn(personPartitionOfId(personId));
  }

  /** The address's contact and suppression records, and whether an erasure kept it suppressed. */
  async records(email: string): Promise<PersonRecords> {
    const { items, erased } = await this.read(email);
    const contact = items.find((item) => item.sk === contactKey(email).sk);
    const suppression = items.find((item) => item.sk === suppressionKey(email).sk);
    const text = (value: unknown) => (typeof value === "string" ? value : null);
    return {
      contact: contact
        ? { lastScheduledAt: text(contact.lastScheduledAt), lastSentAt: text(contact.lastSentAt) }
        : null,
      suppression: suppression
        ? {
            reason: suppression.reason as SuppressionReason,
            suppressedAt: String(suppression.suppressedAt),
            ...(typeof suppression.liftedAt === "string" ? { liftedAt: suppression.liftedAt } : {}),
          }
        : null,
      erasedSuppression: erased !== undefined,
    };
  }

  /**
   * Deletes the address's own records (their keys hold the address; the suppression's listing goes
   * with it). A suppression in force is first kept, in the same transaction, under the address's hash,
   * so the address stays suppressed without being stored. Conditional on the suppression as read, so
   * one recorded meanwhile is not lost (read again). Idempotent. `suppressed`: the address stays
   * suppressed.
   */
  async eraseRecords(email: string, now: Date): Promise<{ suppressed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const { items, erased } = await this.read(email);
      const inForce = items.find((item) => item.sk === suppressionKey(email).sk && !item.liftedAt);
      const keep = inForce !== undefined && erased === undefined;
      if (items.length === 0) return { suppressed: erased !== undefined };
      try {
        await sendTransaction(
          this.db,
          new TransactWriteCommand({
            TransactItems: [
              ...(keep
                ? [
                    {
                      Put: {
                        TableName: this.tableName,
                        Item: {
                          ...erasedSuppressionKey(email),
                          type: "erased-suppression",
                          reason: inForce.reason,
                          suppressedAt: inForce.suppressedAt,
                          erasedAt: now.toISOString(),
                        },
                      },
                    },
                  ]
                : []),
              ...items.map((item) =>
                item.sk === suppressionKey(email).sk
                  ? {
                      Delete: {
                        TableName: this.tableName,
                        Key: suppressionKey(email),
                        // As read: in force or lifted, recorded at that time.
                        ConditionExpression: `suppressedAt = :seen AND ${item.liftedAt ? "attribute_exists" : "attribute_not_exists"}(liftedAt)`,
                        ExpressionAttributeValues: { ":seen": item.suppressedAt },
                      },
                    }
                  : { Delete: { TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } } },
              ),
            ],
          }),
        );
        return { suppressed: keep || erased !== undefined };
      } catch (error) {
        if (!failedConditions(error)?.length || attempt >= 2) throw error;
      }
    }
  }

  /** Links an address to a purchase, unless it is linked already; true when the link is new. */
  async link(email: string, link: PersonLink, purchaseExpiresAt: number | undefined): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: personLinkItem(email, link, purchaseExpiresAt),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  /**
   * Every purchase of the table, a page of a scan at a time (about 1 MB read per page): only for the
   * operator's backfill of links (`npm run person -- index`), never on a request's path.
   */
  async *allPurchases(): AsyncGenerator<ScannedPurchase[]> {
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: "begins_with(pk, :campaign) AND begins_with(sk, :purchase)",
        ExpressionAttributeValues: {
          ":campaign": PURCHASE_SCAN.pkPrefix,
          ":purchase": PURCHASE_SCAN.skPrefix,
        },
        ProjectionExpression: "campaignId, orderId, email, tokens, expiresAt",
      },
    );
    for await (const page of pages) {
      yield (page.Items ?? []).map((item) => ({
        ...toPersonLink(item),
        email: typeof item.email === "string" ? item.email : "",
        expiresAt: typeof item.expiresAt === "number" ? item.expiresAt : undefined,
      }));
    }
  }

  private async linksIn(partition: string): Promise<PersonLink[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": partition },
      ConsistentRead: true,
    });
    return items.map(toPersonLink);
  }

  /** The address's partition (contact, suppression) and the suppression an erasure kept of it. */
  private async read(
    email: string,
  ): Promise<{ items: Record<string, unknown>[]; erased: Record<string, unknown> | undefined }> {
    const [{ Items = [] }, { Item }] = await Promise.all([
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": emailPartition(email) },
          ConsistentRead: true,
        }),
      ),
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: erasedSuppressionKey(email), ConsistentRead: true }),
      ),
    ]);
    return { items: Items, erased: Item };
  }
}
