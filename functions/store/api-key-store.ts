import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { issueApiKey, parseApiKey, secretMatches } from "../domain/api-key";
import { API_KEYS_PARTITION, apiKeyKey, apiKeyListing, LISTING_INDEX } from "./keys";
import { queryAll } from "./paged-query";
import { conditionHeld } from "./transactions";

export type ApiKeyRecord = { id: string; name: string; createdAt: string; revokedAt: string | null };

/** API key records: name and hash of the secret; the secret itself is shown once, at creation. */
export class ApiKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(name: string, now: Date): Promise<{ record: ApiKeyRecord; apiKey: string }> {
    const issued = issueApiKey();
    const record: ApiKeyRecord = { id: issued.id, name, createdAt: now.toISOString(), revokedAt: null };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...apiKeyKey(issued.id),
          ...apiKeyListing(record.createdAt, issued.id),
          type: "apiKey",
          // revokedAt stays absent until revoke() sets it once (if_not_exists).
          id: record.id,
          name: record.name,
          createdAt: record.createdAt,
          secretHash: issued.secretHash,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { record, apiKey: issued.apiKey };
  }

  /** The key's record when the presented key is well-formed, known, not revoked and its secret matches. */
  async verify(presented: string): Promise<ApiKeyRecord | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: apiKeyKey(parsed.id) }),
    );
    if (!Item || typeof Item.secretHash !== "string" || Item.revokedAt) return undefined;
    return secretMatches(parsed.secret, Item.secretHash) ? toRecord(Item) : undefined;
  }

  /** Revokes a key; false when no key has that id. Revoking twice keeps the first revocation time. */
  async revoke(id: string, now: Date): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: apiKeyKey(id),
          UpdateExpression: "SET revokedAt = if_not_exists(revokedAt, :now)",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":now": now.toISOString() },
        }),
      ),
    );
  }

  async list(): Promise<ApiKeyRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition",
      ExpressionAttributeValues: { ":partition": API_KEYS_PARTITION },
    });
    return items.map(toRecord);
  }
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  return {
    id: String(item.id),
    name: String(item.name),
    createdAt: String(item.createdAt),
    revokedAt: typeof item.revokedAt === "string" ? item.revokedAt : null,
  };
}
