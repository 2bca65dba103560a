import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Invitation } from "../domain/invitation";
import {
  type PlannedInvitation,
  type Purchase,
  type PurchaseOutcome,
  throttleWindow,
} from "../domain/purchase";
import type { PurchaseFilter, RecordedPurchase } from "../domain/purchase-status";
import { contactExpiresAt, DEFAULT_RETENTION_DAYS, expiresAt } from "../domain/retention";
import { newToken } from "../domain/tokens";
import { deleteKeys } from "./batch-delete";
import {
  contactKey,
  dueListing,
  invitationKey,
  orderIdOfPurchaseKey,
  purchaseKey,
  purchasesOf,
} from "./keys";
import { beginsWith, queryAll } from "./paged-query";
import { personLinkItem } from "./person-link-item";
import { conditionHeld, failedConditions, sendTransaction } from "./transactions";

/**
 * Records a purchase and the invitations it causes in one transaction, so a purchase is either fully
 * scheduled or not recorded at all. The purchase put is conditional (same orderId again: duplicate) and
 * so is the contact update (another survey to this person inside the throttle window: throttled). The
 * person's link to the purchase (found by a hash of the address, for an export or an erasure) is put in
 * the same transaction, recorded or not scheduled alike.
 */
export class PurchaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days records holding customer data are kept (functions/domain/retention.ts). */
    private readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {}

  async record(
    campaign: { id: string; throttleDays: number },
    purchase: Purchase,
    planned: PlannedInvitation[],
    suppressed: boolean,
    now: Date,
  ): Promise<PurchaseOutcome> {
    const purchaseItem = {
      ...purchaseKey(campaign.id, purchase.orderId),
      type: "purchase",
      campaignId: campaign.id,
      ...purchase,
      recordedAt: now.toISOString(),
      // Kept as long as its last invitation: reconcile finds invitations through their purchase.
      expiresAt: expiresAt(
        planned
          .map((p) => p.sendAt)
          .sort()
          .at(-1) ?? now.toISOString(),
        this.retentionDays,
      ),
    };
    if (suppressed) return await this.recordUnscheduled(purchaseItem, "suppressed");

    const initial = planned[0];
    if (!initial) throw new Error("a purchase plans at least one invitation");
    const invitations = planned.map((plan) => newInvitation(campaign.id, purchase, plan));
    const tokens = invitations.map((i) => i.token);
    const window = throttleWindow(initial.sendAt, campaign.throttleDays);
    const throttled = campaign.throttleDays > 0;
    // The contact's last scheduled survey only ever moves forward, so an older purchase posted late
    // cannot hide a newer survey from the window check. The common case moves it; when a later survey
    // is scheduled already (outside this one's window), the contact is only checked, not changed.
    const advance = {
      Update: {
        TableName: this.tableName,
        Key: contactKey(purchase.email),
        UpdateExpression: "SET lastScheduledAt = :sendAt, #type = :contact, expiresAt = :expiresAt",
        ConditionExpression: throttled
          ? "attribute_not_exists(lastScheduledAt) OR lastScheduledAt <= :from"
          : "attribute_not_exists(lastScheduledAt) OR lastScheduledAt <= :sendAt",
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: {
          ":sendAt": initial.sendAt,
          ":contact": "contact",
          ":expiresAt": contactExpiresAt(now.toISOString(), this.retentionDays),
          ...(throttled ? { ":from": window.from } : {}),
        },
      },
    };
    const keep = throttled
      ? {
          ConditionCheck: {
            TableName: this.tableName,
            Key: contactKey(purchase.email),
            ConditionExpression: "lastScheduledAt >= :to",
            ExpressionAttributeValues: { ":to": window.to },
          },
        }
      : undefined;
    const transaction = (contact: typeof advance | NonNullable<typeof keep> | undefined) =>
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...purchaseItem, status: "scheduled", tokens },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          ...(contact ? [contact] : []),
          ...invitations.map((invitation) => ({
            Put: {
              TableName: this.tableName,
              Item: {
                ...invitationKey(invitation.token),
                ...dueListing(invitation.sendAt, invitation.token),
                type: "invitation",
                // Unset fields stay absent, not NULL: later updates use if_not_exists() on them.
                ...withoutNulls(invitation),
                expiresAt: expiresAt(invitation.sendAt, this.retentionDays),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          })),
          // Last, so that the indexes of the conditions above stay what failedConditions reports.
          { Put: { TableName: this.tableName, Item: this.linkOf(purchaseItem, tokens) } },
        ],
      });
    try {
      await sendTransaction(this.db, transaction(advance));
    } catch (error) {
      const failed = failedConditions(error);
      if (!failed) throw error;
      if (failed.includes(0)) return { status: "duplicate" };
      if (!failed.includes(1)) throw error;
      // The contact did not move: a later survey is already scheduled. Outside this one's window
      // (or with no window), this one is scheduled and the contact kept; inside it, throttled.
      try {
        await sendTransaction(this.db, transaction(keep));
      } catch (retryError) {
        const again = failedConditions(retryError);
        if (!again) throw retryError;
        if (again.includes(0)) return { status: "duplicate" };
        if (again.includes(1)) return await this.recordUnscheduled(purchaseItem, "throttled");
        throw retryError;
      }
    }
    return { status: "scheduled", sendAt: initial.sendAt, tokens };
  }

  /** One purchase of a campaign as recorded, with the tokens of its invitations. */
  async get(campaignId: string, orderId: string): Promise<RecordedPurchase | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: purchaseKey(campaignId, orderId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRecordedPurchase(Item) : undefined;
  }

  /**
   * The first `limit` purchases of a campaign (in orderId order): their orderIds and invitation tokens.
   * Read consistently, so a caller deleting what it read finds the next ones on its next call.
   */
  async firstOf(campaignId: string, limit: number): Promise<{ orderId: string; tokens: string[] }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        ...beginsWith(purchasesOf(campaignId)),
        ProjectionExpression: "orderId, tokens",
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      orderId: String(item.orderId),
      tokens: Array.isArray(item.tokens) ? (item.tokens as string[]) : [],
    }));
  }

  /**
   * A page of a campaign's purchases, in orderId order, after the orderId `after` (exclusive), kept by
   * `filter` (erased purchases are never listed). The filter drops purchases after DynamoDB reads
   * them, so this keeps querying until it holds `limit` of them or the purchases end, up to
   * LIST_QUERIES_MAX queries (about 1 MB each): `last`
   * is the orderId the next page starts after, null exactly when there is no next page; a page is short
   * when the filter skipped that many purchases (it may then even be empty, with `last` going on).
   */
  async list(
    campaignId: string,
    filter: PurchaseFilter,
    limit: number,
    after: string | undefined,
  ): Promise<{ items: RecordedPurchase[]; last: string | null }> {
    // Erased purchases hold no person any more: they are not listed.
    const conditions: string[] = ["attribute_not_exists(erasedAt)"];
    const values: Record<string, string> = {};
    if (filter.email !== undefined) {
      conditions.push("email = :email");
      values[":email"] = filter.email;
    }
    if (filter.recordedFrom !== undefined) {
      conditions.push("recordedAt >= :recordedFrom");
      values[":recordedFrom"] = filter.recordedFrom;
    }
    if (filter.recordedTo !== undefined) {
      conditions.push("recordedAt <= :recordedTo");
      values[":recordedTo"] = filter.recordedTo;
    }
    const range = beginsWith(purchasesOf(campaignId));
    let startKey: Record<string, unknown> | undefined =
      after === undefined ? undefined : purchaseKey(campaignId, after);
    const rows: Record<string, unknown>[] = [];
    let queries = 0;
    // One row past the page tells whether another page exists, so the last page never comes back empty.
    while (rows.length <= limit) {
      if (queries++ === LIST_QUERIES_MAX && startKey) {
        // A filter that matches almost nothing would otherwise read the whole campaign in one request.
        return { items: rows.map(toRecordedPurchase), last: orderIdOfPurchaseKey(String(startKey.sk)) };
      }
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...range,
          FilterExpression: conditions.join(" AND "),
          ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ...values },
          // Filtered reads skip rows: they read a full page of the table per query instead. Erased
          // purchases are few, so without another filter a page reads about what it lists.
          ...(conditions.length > 1 ? {} : { Limit: limit + 1 - rows.length }),
          ExclusiveStartKey: startKey,
        }),
      );
      rows.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toRecordedPurchase),
      last: rows.length > limit && last !== undefined ? String(last.orderId) : null,
    };
  }

  /** Deletes purchases of a campaign by orderId (their invitations are the caller's to delete first). */
  async deleteMany(campaignId: string, orderIds: readonly string[]): Promise<void> {
    await deleteKeys(
      this.db,
      this.tableName,
      orderIds.map((orderId) => purchaseKey(campaignId, orderId)),
    );
  }

  /** The invitation tokens of every purchase of a campaign (for reconciliation). */
  async tokensOf(campaignId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      ...beginsWith(purchasesOf(campaignId)),
      ProjectionExpression: "tokens",
    });
    return items.flatMap((item) => (Array.isArray(item.tokens) ? (item.tokens as string[]) : []));
  }

  /**
   * Anonymizes a purchase of a person whose data is erased: its address, name and properties go; its
   * orderId (its key), status, times and invitation tokens stay. Idempotent (erasedAt is the first
   * erasure's); false when there is no such purchase (gone by TTL).
   */
  async erase(campaignId: string, orderId: string, now: Date): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: purchaseKey(campaignId, orderId),
          UpdateExpression:
            "SET email = :empty, #name = :nothing, properties = :noProperties, erasedAt = if_not_exists(erasedAt, :now)",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#name": "name" },
          ExpressionAttributeValues: {
            ":empty": "",
            ":nothing": null,
            ":noProperties": {},
            ":now": now.toISOString(),
          },
        }),
      ),
    );
  }

  /**
   * A purchase that causes no survey is still recorded (with its person's link, in one transaction),
   * so posting it again answers `duplicate`.
   */
  private async recordUnscheduled(
    purchaseItem: Record<string, unknown>,
    status: "suppressed" | "throttled",
  ): Promise<PurchaseOutcome> {
    try {
      await sendTransaction(
        this.db,
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...purchaseItem, status },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            { Put: { TableName: this.tableName, Item: this.linkOf(purchaseItem, []) } },
          ],
        }),
      );
      return { status };
    } catch (error) {
      if (failedConditions(error)?.includes(0)) return { status: "duplicate" };
      throw error;
    }
  }

  /** The person's link to the purchase item being recorded. */
  private linkOf(purchaseItem: Record<string, unknown>, tokens: readonly string[]): Record<string, unknown> {
    return personLinkItem(
      String(purchaseItem.email),
      { campaignId: String(purchaseItem.campaignId), orderId: String(purchaseItem.orderId), tokens },
      typeof purchaseItem.expiresAt === "number" ? purchaseItem.expiresAt : undefined,
    );
  }
}

/** Queries one page of a filtered listing may take before it answers short, with where to go on from. */
const LIST_QUERIES_MAX = 10;

function newInvitation(campaignId: string, purchase: Purchase, plan: PlannedInvitation): Invitation {
  return {
    token: newToken(),
    campaignId,
    orderId: purchase.orderId,
    kind: plan.kind,
    email: purchase.email,
    name: purchase.name,
    locale: purchase.locale,
    properties: purchase.properties,
    purchasedAt: purchase.purchasedAt,
    sendAt: plan.sendAt,
    status: "scheduled",
    nextAction: "send",
    dueAt: plan.sendAt,
    sentAt: null,
    reminderSentAt: null,
    acceptedAt: null,
    reminderAcceptedAt: null,
    sendFailures: null,
    answeredAt: null,
    unsubscribedAt: null,
    skipReason: null,
    segments: null,
    erasedAt: null,
    survey: null,
  };
}

function toRecordedPurchase(item: Record<string, unknown>): RecordedPurchase {
  return {
    orderId: String(item.orderId),
    email: String(item.email),
    name: typeof item.name === "string" ? item.name : null,
    locale: typeof item.locale === "string" ? (item.locale as RecordedPurchase["locale"]) : null,
    purchasedAt: String(item.purchasedAt),
    properties: (item.properties as RecordedPurchase["properties"] | undefined) ?? {},
    recordedAt: String(item.recordedAt),
    status: item.status as RecordedPurchase["status"],
    tokens: Array.isArray(item.tokens) ? (item.tokens as string[]) : [],
    erasedAt: typeof item.erasedAt === "string" ? item.erasedAt : null,
  };
}

function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Partial<T>;
}
