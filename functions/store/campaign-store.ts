import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Campaign, CampaignSettings } from "../domain/campaign";
import { ConflictError } from "../domain/errors";
import { CAMPAIGN_ID_PATTERN, newCampaignId } from "../domain/ids";
import { deleteKeys } from "./batch-delete";
import { CampaignReader, toCampaign } from "./campaign-reader";
import { decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import {
  CAMPAIGNS_PARTITION,
  campaignKey,
  campaignListing,
  campaignOfListing,
  LISTING_INDEX,
  resumeListing,
  resumeMarkKey,
  testSendsKey,
  testSendsOf,
} from "./keys";
import { beginsWith, queryAll } from "./paged-query";
import { conditionHeld, failedConditions } from "./transactions";

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Campaign items: the settings, their listing on gsi1, and a version for optimistic concurrency. */
export class CampaignStore extends CampaignReader {
  async create(settings: CampaignSettings, now: Date): Promise<Campaign> {
    const id = newCampaignId();
    const createdAt = now.toISOString();
    const campaign: Campaign = { id, ...settings, createdAt, updatedAt: createdAt };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...campaignKey(id),
            ...campaignListing(createdAt, id),
            type: "campaign",
            version: 1,
            ...campaign,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // The SDK resent a put whose answer was lost after it committed: the id is ours and new, so the
      // item it finds is this very campaign.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.get(id);
      if (stored?.createdAt !== createdAt) throw error;
    }
    return campaign;
  }

  /**
   * Replaces the settings if nobody changed the campaign since `version` was read; a concurrent
   * change answers 409 rather than silently losing one of the two edits. A campaign leaving `paused`
   * gets a resume mark in the same transaction: the dispatcher then puts its parked invitations back
   * (to be sent, or skipped if it was archived).
   */
  async update(current: Campaign, version: number, settings: CampaignSettings, now: Date): Promise<Campaign> {
    const updated: Campaign = { ...current, ...settings, updatedAt: now.toISOString() };
    const resumed = current.status === "paused" && updated.status !== "paused";
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...campaignKey(current.id),
                  ...campaignListing(current.createdAt, current.id),
                  type: "campaign",
                  version: version + 1,
                  ...updated,
                },
                ConditionExpression: "version = :version",
                ExpressionAttributeValues: { ":version": version },
              },
            },
            ...(resumed
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: {
                        ...resumeMarkKey(current.id),
                        ...resumeListing(updated.updatedAt, current.id),
                        type: "resume",
                      },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error)?.includes(0)) {
        throw new ConflictError(
          "The campaign was changed by another request meanwhile; read it again and retry.",
        );
      }
      throw error;
    }
    return updated;
  }

  /**
   * Newest first, optionally only those of one `status`. The cursor names the last campaign read (its
   * creation time and id); one that names no campaign, or names it with another time, is a 400.
   *
   * A status filter drops campaigns after DynamoDB reads them, so this keeps reading until it holds
   * `limit` of them or the listing ends, up to LIST_QUERIES_MAX queries: a page is short when it is the
   * last (`nextCursor` null exactly then), or when the filter skipped that many campaigns (then it may
   * even be empty, and `nextCursor` goes on). One row is read past the page, so the last page is never
   * an empty extra one.
   */
  async list(
    limit: number,
    cursor: string | undefined,
    status?: Campaign["status"],
  ): Promise<Page<Campaign>> {
    let startKey = await this.resumeAt(cursor);
    const rows: Record<string, unknown>[] = [];
    let queries = 0;
    while (rows.length <= limit) {
      if (queries++ === LIST_QUERIES_MAX && startKey) {
        // A status that few campaigns have would otherwise read the whole listing in one request.
        return { items: rows.map(toCampaign), nextCursor: positionOf(startKey) };
      }
      const wanted = limit + 1 - rows.length;
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LISTING_INDEX,
          KeyConditionExpression: "gsi1pk = :partition",
          ExpressionAttributeValues: {
            ":partition": CAMPAIGNS_PARTITION,
            ...(status ? { ":status": status } : {}),
          },
          ...(status
            ? { FilterExpression: "#status = :status", ExpressionAttributeNames: { "#status": "status" } }
            : {}),
          ScanIndexForward: false,
          // A filtered read skips rows, so it reads ahead, more on each round, to save round trips.
          Limit: status
            ? Math.min(LIST_READ_MAX, Math.max(wanted, LIST_FILTERED_READ_MIN * 2 ** (queries - 1)))
            : wanted,
          ExclusiveStartKey: startKey,
        }),
      );
      rows.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toCampaign),
      nextCursor: rows.length > limit && last ? positionOf(last) : null,
    };
  }

  /**
   * Every campaign with alert rules (`followUp`) of a status, read through the whole listing with the
   * SDK's paginator (the owners' daily digests: once a day, so reading every campaign is fine).
   */
  async allWithFollowUp(status: Campaign["status"]): Promise<Campaign[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition",
      FilterExpression: "#status = :status AND followUp <> :null",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":partition": CAMPAIGNS_PARTITION, ":status": status, ":null": null },
    });
    return items.map(toCampaign).filter((campaign) => campaign.followUp !== null);
  }

  /** The start key a listing cursor stands for; 400 unless it names a campaign at its creation time. */
  private async resumeAt(cursor: string | undefined): Promise<Record<string, string> | undefined> {
    const position = decodeCursor(cursor, 2);
    if (!position) return undefined;
    const [createdAt = "", id = ""] = position;
    const named = CAMPAIGN_ID_PATTERN.test(id) ? await this.get(id) : undefined;
    if (named?.createdAt !== createdAt) throw invalidCursor();
    return { ...campaignKey(id), ...campaignListing(createdAt, id) };
  }

  /**
   * Deletes the campaign item if nobody changed the campaign since `version` was read (false when
   * somebody did: it is then left as it is), then its test-send counters, which would otherwise go by
   * themselves within a day (TTL).
   */
  async delete(id: string, version: number): Promise<boolean> {
    const deleted = await conditionHeld(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: campaignKey(id),
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": version },
        }),
      ),
    );
    if (!deleted) return false;
    const counters = await queryAll(this.db, {
      TableName: this.tableName,
      ...beginsWith(testSendsOf(id)),
      ProjectionExpression: "pk, sk",
      ConsistentRead: true,
    });
    await deleteKeys(
      this.db,
      this.tableName,
      counters.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
    );
    return true;
  }

  /**
   * Counts one test email of the campaign in the UTC hour `hour`, unless `limit` were sent in it
   * already (false). The counter goes by itself a day later (TTL).
   */
  async countTestSend(campaignId: string, hour: string, limit: number, expiresAt: number): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: testSendsKey(campaignId, hour),
          UpdateExpression: "SET #type = :type, expiresAt = :expiresAt ADD #sent :one",
          ConditionExpression: "attribute_not_exists(#sent) OR #sent < :limit",
          ExpressionAttributeNames: { "#type": "type", "#sent": "sent" },
          ExpressionAttributeValues: {
            ":type": "testSends",
            ":expiresAt": expiresAt,
            ":one": 1,
            ":limit": limit,
          },
        }),
      ),
    );
  }
}

/**
 * Queries one filtered page may take before it answers short, with a cursor: reads of 100, 200, 400,
 * 800, then 1,000 campaigns (or 1 MB), several thousand in all.
 */
const LIST_QUERIES_MAX = 10;
const LIST_READ_MAX = 1000;
const LIST_FILTERED_READ_MIN = 100;

/** The cursor after a listed campaign (or a start key): when it was created, and its id. */
function positionOf(row: Record<string, unknown>): string {
  const { createdAt, campaignId } = campaignOfListing(String(row.gsi1sk));
  return encodeCursor([createdAt, campaignId]);
}
