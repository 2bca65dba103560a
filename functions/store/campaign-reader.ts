import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Campaign } from "../domain/campaign";
import { campaignKey } from "./keys";

/**
 * Reading one campaign by id. CampaignStore extends this with creating, changing, listing and deleting;
 * the survey function (which reads a campaign only for an invitation emailed before invitations carried
 * their survey) uses this class alone, so its bundle carries none of those.
 */
export class CampaignReader {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

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
}

/** A stored campaign item as the domain's Campaign: without its keys, type and version. */
export function toCampaign(item: Record<string, unknown>): Campaign {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    type: _type,
    version: _version,
    ...campaign
  } = item;
  // Campaigns stored before alert rules existed have none.
  return { followUp: null, ...campaign } as Campaign;
}
