import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { RecordedAnswer } from "../domain/counters";
import type { Invitation } from "../domain/invitation";
import { toInvitation } from "./invitation-item";
import { invitationKey, responseKey } from "./keys";
import { toResponse } from "./response-item";

/** An invitation as a survey link opens it, with its answer when there is one. */
export type LinkRecord = { invitation: Invitation; response: RecordedAnswer | undefined };

/**
 * What a survey or unsubscribe link reads: the invitation and its answer share a partition, so one
 * strongly consistent Query returns both (a link is read on every page view and every answer, the
 * path a customer waits on).
 */
export class SurveyLinkStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(token: string): Promise<LinkRecord | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": invitationKey(token).pk },
        ConsistentRead: true,
      }),
    );
    const invitation = Items.find((item) => item.sk === invitationKey(token).sk);
    const response = Items.find((item) => item.sk === responseKey(token).sk);
    if (!invitation) return undefined;
    return { invitation: toInvitation(invitation), response: response ? toResponse(response) : undefined };
  }
}
