import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Campaign, CampaignSettings } from "../domain/campaign";
import { ConflictError } from "../domain/errors";
import { CAMPAIGN_ID_PATTERN, newCampaignId } from "../domain/ids";
import { decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import { CAMPAIGNS_PARTITION, campaignKey, campaignListing, campaignOfListing, LISTING_INDEX } from "./keys";

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Campaign items: the settings, their listing on gsi1, and a version for optimistic concurrency. */
export class CampaignStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(settings: CampaignSettings, now: Date): Promise<Campaign> {
    const id = newCampaignId();
    const createdAt = now.toISOString();
    const campaign: Campaign = { id, ...settings, createdAt, updatedAt: createdAt };
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
    return campaign;
  }

  async get(id: string): Promise<Campaign | undefined> {
    return (await this.getVersioned(id))?.campaign;
  }

  /** The campaign and the version an update must name. */
  async getVersioned(id: string): Promise<{ campaign: Campaign; version: number } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: campaignKey(id), ConsistentRead: true }),
    );
    return Item ? { campaign: toCampaign(Item), version: Number(Item.version) } : undefined;
  }

  /**
   * Replaces the settings if nobody changed the campaign since `version` was read; a concurrent
   * change answers 409 rather than silently losing one of the two edits.
   */
  async update(current: Campaign, version: number, settings: CampaignSettings, now: Date): Promise<Campaign> {
    const updated: Campaign = { ...current, ...settings, updatedAt: now.toISOString() };
    try {
      await this.db.send(
        new PutCommand({
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
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          "The campaign was changed by another request meanwhile; read it again and retry.",
        );
      }
      throw error;
    }
    return updated;
  }

  /**
   * Newest first. The cursor names the last campaign of the previous page (its creation time and id);
   * one that names no campaign, or names it with another time, is a 400.
   */
  async list(limit: number, cursor: string | undefined): Promise<Page<Campaign>> {
    const position = decodeCursor(cursor, 2);
    let startKey: Record<string, string> | undefined;
    if (position) {
      const [createdAt = "", id = ""] = position;
      const named = CAMPAIGN_ID_PATTERN.test(id) ? await this.get(id) : undefined;
      if (named?.createdAt !== createdAt) throw invalidCursor();
      startKey = { ...campaignKey(id), ...campaignListing(createdAt, id) };
    }
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LISTING_INDEX,
        KeyConditionExpression: "gsi1pk = :partition",
        ExpressionAttributeValues: { ":partition": CAMPAIGNS_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const last = result.LastEvaluatedKey && campaignOfListing(String(result.LastEvaluatedKey.gsi1sk));
    return {
      items: (result.Items ?? []).map(toCampaign),
      nextCursor: last ? encodeCursor([last.createdAt, last.campaignId]) : null,
    };
  }
}

function toCampaign(item: Record<string, unknown>): Campaign {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    type: _type,
    version: _version,
    ...campaign
  } = item;
  return campaign as Campaign;
}
