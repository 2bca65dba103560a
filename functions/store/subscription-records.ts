import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Invitation, Recipient, SuppressionReason } from "../domain/invitation";
import {
  contactKey,
  emailPartition,
  erasedSuppressionKey,
  invitationKey,
  suppressionKey,
  suppressionListing,
} from "./keys";
import { conditionHeld } from "./transactions";

/**
 * A person's subscription: the suppression and last-survey records read before each send, suppressing
 * and lifting, and an unsubscribe through an invitation's link. InvitationStore holds all of this too
 * (it extends this class); the survey function, which needs no more of it, uses this one alone, so its
 * bundle carries none of the send path.
 */
export class SubscriptionRecords {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /**
   * Suppression and last-survey records of one person: the address's partition in one query, and
   * beside it the suppression an erasure of the address kept under its hash.
   */
  async recipient(email: string): Promise<Recipient> {
    const [{ Items = [] }, erased] = await Promise.all([
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": emailPartition(email) },
          ConsistentRead: true,
        }),
      ),
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: erasedSuppressionKey(email), ConsistentRead: true }),
      ),
    ]);
    const contact = Items.find((item) => item.sk === contactKey(email).sk);
    // A suppression the person lifted (resubscribe) no longer counts.
    const suppression =
      Items.find((item) => item.sk === suppressionKey(email).sk && !item.liftedAt) ?? erased.Item;
    return {
      suppressed: suppression !== undefined,
      suppressedFor: (suppression?.reason as SuppressionReason | undefined) ?? null,
      lastSentAt: typeof contact?.lastSentAt === "string" ? contact.lastSentAt : null,
      lastSentPurchase: typeof contact?.lastSentPurchase === "string" ? contact.lastSentPurchase : null,
    };
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.recipient(email)).suppressed;
  }

  /**
   * Suppresses an address for every later survey; false when it was suppressed already (the first
   * reason recorded is kept). A suppression its person lifted is replaced.
   */
  async suppress(email: string, reason: SuppressionReason, now: Date, source: string): Promise<boolean> {
    const suppressedAt = now.toISOString();
    return await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...suppressionKey(email),
            ...suppressionListing(reason, suppressedAt, email),
            type: "suppression",
            email,
            reason,
            source,
            suppressedAt,
          },
          ConditionExpression: "attribute_not_exists(pk) OR attribute_exists(liftedAt)",
        }),
      ),
    );
  }

  /**
   * Lifts the address's own unsubscribe (the person asked for surveys again through their link); false
   * when it is not suppressed, or suppressed by a bounce or complaint, which only the operator may lift.
   */
  async resubscribe(email: string, now: Date): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: suppressionKey(email),
          // A lifted suppression leaves the listing of suppressions in force.
          UpdateExpression: "SET liftedAt = :now REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "reason = :unsubscribed AND attribute_not_exists(liftedAt)",
          ExpressionAttributeValues: { ":now": now.toISOString(), ":unsubscribed": "unsubscribed" },
        }),
      ),
    );
  }

  /** Records an unsubscribe through an invitation's link: the address is suppressed, and its reminder dropped. */
  async unsubscribe(invitation: Invitation, now: Date): Promise<void> {
    await this.suppress(invitation.email, "unsubscribed", now, `invitation:${invitation.token}`);
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(invitation.token),
          UpdateExpression: "SET unsubscribedAt = if_not_exists(unsubscribedAt, :now)",
          ExpressionAttributeValues: { ":now": now.toISOString() },
          ConditionExpression: "attribute_exists(pk)",
        }),
      ),
    );
  }
}
