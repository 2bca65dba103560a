import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type ConsoleUser, newUserId, type UserRole } from "../domain/console-access";
import { LISTING_INDEX, USERS_PARTITION, userKey, userListing } from "./keys";
import { queryAll } from "./paged-query";

/** Console users, one item per address, listed together under USERS. */
export class UserStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds a user; undefined when the address is one already. */
  async add(email: string, role: UserRole, now: Date): Promise<ConsoleUser | undefined> {
    const user: ConsoleUser = { id: newUserId(), email, role, createdAt: now.toISOString() };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...userKey(email), ...userListing(email), type: "user", ...user },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return user;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async get(email: string): Promise<ConsoleUser | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(email), ConsistentRead: true }),
    );
    return Item ? toUser(Item) : undefined;
  }

  /** Removes a user (their sessions are refused from then on); false when there was none. */
  async remove(email: string): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: userKey(email), ReturnValues: "ALL_OLD" }),
    );
    return Attributes !== undefined;
  }

  /** Every user, by address. */
  async list(): Promise<ConsoleUser[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition",
      ExpressionAttributeValues: { ":partition": USERS_PARTITION },
    });
    return items.map(toUser);
  }
}

function toUser(item: Record<string, unknown>): ConsoleUser {
  return {
    id: String(item.id),
    email: String(item.email),
    role: item.role === "admin" ? "admin" : "member",
    createdAt: String(item.createdAt),
  };
}
