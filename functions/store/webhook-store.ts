import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { expiresAt } from "../domain/retention";
import type {
  Delivery,
  DeliveryPage,
  DeliveryRecord,
  WebhookPage,
  WebhookWithSecret,
} from "../domain/webhook";
import {
  DELIVERY_ID_PATTERN,
  DELIVERY_RETENTION_DAYS,
  deliveryView,
  WEBHOOK_ID_PATTERN,
  webhookView,
} from "../domain/webhook-delivery";
import { decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import {
  DELETED_WEBHOOKS_PARTITION,
  deletedWebhookListing,
  deliveriesPartition,
  deliveryListing,
  deliveryOfDueEntry,
  dueUpTo,
  LISTING_INDEX,
  WEBHOOKS_DUE_PARTITION,
  WEBHOOKS_PARTITION,
  WORK_INDEX,
  webhookDeliveryKey,
  webhookDueListing,
  webhookKey,
  webhookListing,
} from "./keys";
import { queryAll } from "./paged-query";
import { conditionHeld } from "./transactions";

/** The item types of a subscription, and of the tombstone a deleted one leaves. */
const SUBSCRIPTION = "webhook";
const DELETED_SUBSCRIPTION = "deletedWebhook";

/** A delivery waiting in the work index, as the dispatcher's tick finds it. */
export type DueDelivery = { webhookId: string; deliveryId: string; dueKey: string };

/** What a saved attempt does to a delivery's place in the work index. */
export type DueChange = { readonly dueAt: string } | "keep" | "remove";

type WebhookChanges = Partial<
  Pick<WebhookWithSecret, "url" | "events" | "description" | "status" | "disabledReason">
>;

/**
 * Webhook subscriptions (with the secret that signs their deliveries) and their deliveries: one
 * partition per subscription, listed on gsi1; a delivery waiting for an attempt also sits in the work
 * index's WEBHOOKS-DUE partition, sorted by when it is due.
 */
export class WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(webhook: WebhookWithSecret): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...webhookKey(webhook.id),
          ...webhookListing(webhook.createdAt, webhook.id),
          type: SUBSCRIPTION,
          ...webhook,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(id: string): Promise<WebhookWithSecret | undefined> {
    if (!WEBHOOK_ID_PATTERN.test(id)) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: webhookKey(id), ConsistentRead: true }),
    );
    return Item && Item.type === SUBSCRIPTION ? toWebhook(Item) : undefined;
  }

  /** Newest first; the cursor names the last webhook read (its creation time and id), else it is a 400. */
  async list(limit: number, cursor: string | undefined): Promise<WebhookPage> {
    const position = decodeCursor(cursor, 2);
    let startKey: Record<string, string> | undefined;
    if (position) {
      const [createdAt = "", id = ""] = position;
      if ((await this.get(id))?.createdAt !== createdAt) throw invalidCursor();
      startKey = { ...webhookKey(id), ...webhookListing(createdAt, id) };
    }
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LISTING_INDEX,
        KeyConditionExpression: "gsi1pk = :partition",
        ExpressionAttributeValues: { ":partition": WEBHOOKS_PARTITION },
        ScanIndexForward: false,
        // One past the page, so the last page is never an empty extra one.
        Limit: limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    const page = Items.slice(0, limit).map(toWebhook);
    const last = page.at(-1);
    return {
      items: page.map(webhookView),
      nextCursor: Items.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
    };
  }

  /** Every subscription, secrets included: what an event is fanned out over (there are few). */
  async listAll(): Promise<WebhookWithSecret[]> {
    return (await this.listing(WEBHOOKS_PARTITION)).map(toWebhook);
  }

  /** Sets the given fields of an existing subscription; undefined when there is none. */
  async update(id: string, changes: WebhookChanges, now: Date): Promise<WebhookWithSecret | undefined> {
    const fields = Object.entries({ ...changes, updatedAt: now.toISOString() }).filter(
      ([, value]) => value !== undefined,
    );
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKey(id),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
          // A deleted subscription's tombstone is not one to change.
          ConditionExpression: "#type = :subscription",
          ExpressionAttributeNames: {
            "#type": "type",
            ...Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
          },
          ExpressionAttributeValues: {
            ":subscription": SUBSCRIPTION,
            ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toWebhook(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Deletes a subscription; false when there was none. A tombstone takes its item's place (no URL,
   * secret or event types left), listed apart for as long as its deliveries may be stored, so that a
   * person's erasure still reaches them. The deliveries stay until they expire, and any still due is
   * cancelled when it comes up (its subscription is gone).
   */
  async delete(id: string, now: Date): Promise<boolean> {
    const deletedAt = now.toISOString();
    return await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...webhookKey(id),
            ...deletedWebhookListing(deletedAt, id),
            type: DELETED_SUBSCRIPTION,
            id,
            deletedAt,
            // A day past its last delivery's expiry: deliveries written as it was deleted included.
            expiresAt: expiresAt(deletedAt, DELIVERY_RETENTION_DAYS + 1),
          },
          ConditionExpression: "#type = :subscription",
          ExpressionAttributeNames: { "#type": "type" },
          ExpressionAttributeValues: { ":subscription": SUBSCRIPTION },
        }),
      ),
    );
  }

  /** The ids of the subscriptions deleted while their deliveries may still be stored. */
  async listDeletedIds(): Promise<string[]> {
    return (await this.listing(DELETED_WEBHOOKS_PARTITION)).map((item) => String(item.id));
  }

  /** Every item of one partition of the listing index. */
  private listing(partition: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition",
      ExpressionAttributeValues: { ":partition": partition },
    });
  }

  /**
   * Writes a new delivery, unless it exists (false): its id is derived from the subscription and the
   * event, so a second fan-out of one event writes nothing. `dueAt` puts it in the work index at
   * once, so that a delivery whose first attempt never happens (a crash) is still made by the tick.
   */
  async createDelivery(record: DeliveryRecord, dueAt: string | null): Promise<boolean> {
    // Stored only once set: conditions test whether it exists.
    const { erasedAt: _erasedAt, ...fields } = record;
    return await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...webhookDeliveryKey(record.webhookId, record.id),
            ...deliveryListing(record.webhookId, record.createdAt, record.id),
            ...(dueAt === null ? {} : webhookDueListing(dueAt, record.webhookId, record.id)),
            type: "webhookDelivery",
            ...fields,
            expiresAt: expiresAt(record.createdAt, DELIVERY_RETENTION_DAYS),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async getDelivery(webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
    if (!WEBHOOK_ID_PATTERN.test(webhookId) || !DELIVERY_ID_PATTERN.test(deliveryId)) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: webhookDeliveryKey(webhookId, deliveryId),
        ConsistentRead: true,
      }),
    );
    return Item ? toDeliveryRecord(Item) : undefined;
  }

  /**
   * The deliveries of these keys that exist, in no particular order: strongly consistent BatchGets of
   * up to 100 keys each (a key of no delivery still costs its read).
   */
  async getDeliveries(keys: readonly { webhookId: string; deliveryId: string }[]): Promise<DeliveryRecord[]> {
    const found: DeliveryRecord[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined =
        {
          [this.tableName]: {
            Keys: keys
              .slice(start, start + BATCH_GET_MAX)
              .map((key) => webhookDeliveryKey(key.webhookId, key.deliveryId)),
            ConsistentRead: true,
          },
        };
      for (let round = 0; request !== undefined; round++) {
        // Keys DynamoDB left unprocessed (throttling) are asked again, after a growing pause.
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const answer: BatchGetAnswer = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(answer.Responses?.[this.tableName] ?? []).map(toDeliveryRecord));
        const left: Record<string, unknown>[] = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        request = left.length === 0 ? undefined : { [this.tableName]: { Keys: left, ConsistentRead: true } };
      }
    }
    return found;
  }

  /**
   * Saves an erased delivery (`next`: its body, erasure time, and status) on condition that no attempt
   * was recorded since `previous` was read and that it was not erased meanwhile (false then: read it
   * again). A delivery no longer pending leaves the work index.
   */
  async eraseDelivery(previous: DeliveryRecord, next: DeliveryRecord): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookDeliveryKey(next.webhookId, next.id),
          UpdateExpression:
            "SET body = :body, erasedAt = :erasedAt, #status = :status, nextAttemptAt = :next" +
            (next.status === "pending" ? "" : " REMOVE gsi2pk, gsi2sk"),
          ConditionExpression: "attemptCount = :seen AND attribute_not_exists(erasedAt)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":body": next.body,
            ":erasedAt": next.erasedAt,
            ":status": next.status,
            ":next": next.nextAttemptAt,
            ":seen": previous.attemptCount,
          },
        }),
      ),
    );
  }

  /** A subscription's deliveries, newest first; the cursor names the last one read, else it is a 400. */
  async listDeliveries(webhookId: string, limit: number, cursor: string | undefined): Promise<DeliveryPage> {
    const position = decodeCursor(cursor, 2);
    let startKey: Record<string, string> | undefined;
    if (position) {
      const [createdAt = "", deliveryId = ""] = position;
      if ((await this.getDelivery(webhookId, deliveryId))?.createdAt !== createdAt) throw invalidCursor();
      startKey = {
        ...webhookDeliveryKey(webhookId, deliveryId),
        ...deliveryListing(webhookId, createdAt, deliveryId),
      };
    }
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LISTING_INDEX,
        KeyConditionExpression: "gsi1pk = :partition",
        ExpressionAttributeValues: { ":partition": deliveriesPartition(webhookId) },
        ScanIndexForward: false,
        Limit: limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    const page: Delivery[] = Items.slice(0, limit).map((item) => deliveryView(toDeliveryRecord(item)));
    const last = page.at(-1);
    return {
      items: page,
      nextCursor: Items.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
    };
  }

  /** Deliveries due by `now`, soonest first, at most `limit`: read from the work index alone. */
  async findDueDeliveries(now: Date, limit: number): Promise<DueDelivery[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: WORK_INDEX,
        KeyConditionExpression: "gsi2pk = :due AND gsi2sk <= :upTo",
        ExpressionAttributeValues: { ":due": WEBHOOKS_DUE_PARTITION, ":upTo": dueUpTo(now.toISOString()) },
        ProjectionExpression: "gsi2sk",
        Limit: limit,
      }),
    );
    return Items.map((item) => {
      const dueKey = String(item.gsi2sk);
      return { ...deliveryOfDueEntry(dueKey), dueKey };
    });
  }

  /**
   * Claims a due delivery until `leaseUntil` by moving its due time forward, on condition that it is
   * still where it was found: of two ticks that found it, one claims it. If the claimant dies before
   * recording its attempt, the delivery falls due again when the lease ends.
   */
  async claimDelivery(entry: DueDelivery, leaseUntil: Date): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookDeliveryKey(entry.webhookId, entry.deliveryId),
          UpdateExpression: "SET gsi2sk = :leased",
          ConditionExpression: "gsi2pk = :due AND gsi2sk = :seen",
          ExpressionAttributeValues: {
            ":due": WEBHOOKS_DUE_PARTITION,
            ":seen": entry.dueKey,
            ":leased": webhookDueListing(leaseUntil.toISOString(), entry.webhookId, entry.deliveryId).gsi2sk,
          },
        }),
      ),
    );
  }

  /**
   * Saves a delivery's status and attempt log as `next`, on condition that no other attempt was
   * recorded since `previous` was read (false then: read it again and redo the change), and moves it
   * in the work index as `due` says.
   */
  async saveDelivery(previous: DeliveryRecord, next: DeliveryRecord, due: DueChange): Promise<boolean> {
    const dueKey =
      typeof due === "object" ? webhookDueListing(due.dueAt, next.webhookId, next.id).gsi2sk : undefined;
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookDeliveryKey(next.webhookId, next.id),
          UpdateExpression:
            "SET #status = :status, attempts = :attempts, attemptCount = :count, scheduledAttempts = :scheduled, nextAttemptAt = :next" +
            (dueKey
              ? ", gsi2pk = :duePartition, gsi2sk = :dueKey"
              : due === "remove"
                ? " REMOVE gsi2pk, gsi2sk"
                : ""),
          // An erasure meanwhile changed its status: the attempt is recorded on the erased delivery.
          ConditionExpression:
            previous.erasedAt === null
              ? "attemptCount = :seen AND attribute_not_exists(erasedAt)"
              : "attemptCount = :seen",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":status": next.status,
            ":attempts": next.attempts,
            ":count": next.attemptCount,
            ":scheduled": next.scheduledAttempts,
            ":next": next.nextAttemptAt,
            ":seen": previous.attemptCount,
            ...(dueKey ? { ":duePartition": WEBHOOKS_DUE_PARTITION, ":dueKey": dueKey } : {}),
          },
        }),
      ),
    );
  }
}

function toWebhook(item: Record<string, unknown>): WebhookWithSecret {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, type: _type, ...webhook } = item;
  return webhook as WebhookWithSecret;
}

function toDeliveryRecord(item: Record<string, unknown>): DeliveryRecord {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    gsi2pk: _gsi2pk,
    gsi2sk: _gsi2sk,
    type: _type,
    expiresAt: _expiresAt,
    ...record
  } = item;
  return { ...record, erasedAt: typeof item.erasedAt === "string" ? item.erasedAt : null } as DeliveryRecord;
}

/** The most keys one BatchGetItem takes. */
const BATCH_GET_MAX = 100;

type BatchGetAnswer = {
  Responses?: Record<string, Record<string, unknown>[]>;
  UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
};
