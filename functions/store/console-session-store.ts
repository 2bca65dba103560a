import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { epochSeconds } from "../domain/console-access";
import { sessionKey, signInCounterKey, signInLinkKey } from "./keys";
import { conditionHeld } from "./transactions";

/** A sign-in link as stored: whose it is, where it leads, until when, and whether it was used. */
export type SignInLinkRecord = {
  readonly email: string;
  readonly next: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
};

/** A console session as stored: its user (by id, so a re-added address starts afresh) and its ends. */
export type SessionRecord = {
  readonly userId: string;
  readonly email: string;
  readonly createdAt: string;
  /** The idle expiry, pushed forward by use. */
  readonly expiresAt: string;
  /** The absolute end, SESSION_MAX_DAYS after sign-in. */
  readonly endsAt: string;
};

/**
 * The console's access records: sign-in links, sessions and the link-request counters, each keyed by
 * a hash (functions/store/keys.ts) and removed by the table's TTL once expired.
 */
export class ConsoleSessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one link request against a limit per UTC hour; false (and nothing counted) once the hour's
   * count has reached the limit. The counter expires with its hour.
   */
  async countSignInRequest(
    scope: { addressHash: string } | "all",
    hour: string,
    limit: number,
    expiresAt: Date,
  ): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: signInCounterKey(scope, hour),
          UpdateExpression: "SET #type = :type, expiresAt = :expiresAt ADD #count :one",
          ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
          ExpressionAttributeNames: { "#type": "type", "#count": "count" },
          ExpressionAttributeValues: {
            ":type": "signInCounter",
            ":expiresAt": epochSeconds(expiresAt),
            ":one": 1,
            ":limit": limit,
          },
        }),
      ),
    );
  }

  async createSignInLink(
    tokenHash: string,
    link: { email: string; next: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...signInLinkKey(tokenHash),
          type: "signInLink",
          email: link.email,
          next: link.next,
          createdAt: link.createdAt.toISOString(),
          expiresAtIso: link.expiresAt.toISOString(),
          expiresAt: epochSeconds(link.expiresAt),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  /** The link as it stands, for the page it opens; reads only. */
  async getSignInLink(tokenHash: string): Promise<SignInLinkRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: signInLinkKey(tokenHash), ConsistentRead: true }),
    );
    return Item ? toSignInLink(Item) : undefined;
  }

  /**
   * Uses the link: marks it used if it exists, is unused and has not expired by `now`, in one
   * conditional update, so two clicks racing sign in once. Undefined when it may not be used.
   */
  async useSignInLink(tokenHash: string, now: Date): Promise<SignInLinkRecord | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: signInLinkKey(tokenHash),
          UpdateExpression: "SET usedAt = :now",
          ConditionExpression:
            "attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAtIso > :now",
          ExpressionAttributeValues: { ":now": now.toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toSignInLink(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async createSession(secretHash: string, session: SessionRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...sessionKey(secretHash),
          type: "session",
          userId: session.userId,
          email: session.email,
          createdAt: session.createdAt,
          expiresAtIso: session.expiresAt,
          endsAt: session.endsAt,
          expiresAt: epochSeconds(new Date(session.expiresAt)),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async getSession(secretHash: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(secretHash), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      userId: String(Item.userId),
      email: String(Item.email),
      createdAt: String(Item.createdAt),
      expiresAt: String(Item.expiresAtIso),
      endsAt: String(Item.endsAt),
    };
  }

  /** Pushes a live session's idle expiry to `expiresAt`; a session signed out meanwhile stays gone. */
  async extendSession(secretHash: string, expiresAt: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(secretHash),
          UpdateExpression: "SET expiresAtIso = :iso, expiresAt = :epoch",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":iso": expiresAt.toISOString(), ":epoch": epochSeconds(expiresAt) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async deleteSession(secretHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: sessionKey(secretHash) }));
  }
}

function toSignInLink(item: Record<string, unknown>): SignInLinkRecord {
  return {
    email: String(item.email),
    next: String(item.next),
    expiresAt: String(item.expiresAtIso),
    usedAt: typeof item.usedAt === "string" ? item.usedAt : null,
  };
}
