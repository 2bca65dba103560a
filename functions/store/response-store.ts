import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { type Answer, answersEqual } from "../domain/answer";
import type { Invitation } from "../domain/invitation";
import { invitationKey, responseKey, responseListing } from "./keys";
import { failedConditions } from "./transactions";

export type StoredResponse = Answer & {
  token: string;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type RecordOutcome = "created" | "updated" | "unchanged";

/**
 * Survey answers, one per invitation. The first answer is a conditional put, so a double-clicked or
 * retried submission cannot store two; a later post replaces the answer under a version check, so two
 * racing edits cannot interleave. Both write in a transaction that later changes (result counters)
 * extend.
 */
export class ResponseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(token: string): Promise<StoredResponse | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: responseKey(token), ConsistentRead: true }),
    );
    return Item ? toResponse(Item) : undefined;
  }

  async record(invitation: Invitation, answer: Answer, now: Date): Promise<RecordOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.get(invitation.token);
      if (existing && answersEqual(existing, answer)) return "unchanged";
      const at = now.toISOString();
      const item = {
        ...responseKey(invitation.token),
        ...responseListing(invitation.campaignId, existing?.createdAt ?? at, invitation.token),
        type: "response",
        token: invitation.token,
        campaignId: invitation.campaignId,
        orderId: invitation.orderId,
        kind: invitation.kind,
        email: invitation.email,
        name: invitation.name,
        locale: invitation.locale,
        properties: invitation.properties,
        ...answer,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
        version: (existing?.version ?? 0) + 1,
      };
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ...(existing
                    ? {
                        ConditionExpression: "version = :version",
                        ExpressionAttributeValues: { ":version": existing.version },
                      }
                    : { ConditionExpression: "attribute_not_exists(pk)" }),
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: invitationKey(invitation.token),
                  UpdateExpression: "SET answeredAt = if_not_exists(answeredAt, :at)",
                  ConditionExpression: "attribute_exists(pk)",
                  ExpressionAttributeValues: { ":at": at },
                },
              },
            ],
          }),
        );
        return existing ? "updated" : "created";
      } catch (error) {
        // Another submission for this invitation landed between our read and write: read again.
        if (!failedConditions(error)?.includes(0)) throw error;
      }
    }
    throw new Error(`answer for invitation ${invitation.token} kept conflicting; giving up`);
  }
}

function toResponse(item: Record<string, unknown>): StoredResponse {
  return {
    token: String(item.token),
    score: Number(item.score),
    csat: typeof item.csat === "number" ? item.csat : null,
    attributes: (item.attributes as Record<string, number> | undefined) ?? {},
    comment: typeof item.comment === "string" ? item.comment : null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    version: Number(item.version),
  };
}
