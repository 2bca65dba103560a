import { ConditionalCheckFailedException, type TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { emptyCounters, targetsFor } from "../domain/counters";
import { throttleWindow } from "../domain/days";
import type {
  DueAction,
  DueEntry,
  Invitation,
  ResumeMark,
  SkipReason,
  SuppressionReason,
  SurveySnapshot,
} from "../domain/invitation";
import { purchaseRef } from "../domain/invitation";
import { contactExpiresAt, DEFAULT_RETENTION_DAYS, expiresAt } from "../domain/retention";
import { aggregateUpdate } from "./aggregate-items";
import { toInvitation } from "./invitation-item";
import {
  aggregateShardOf,
  campaignKey,
  campaignOfResumeListing,
  contactKey,
  DUE_PARTITIONS,
  dueListing,
  dueUpTo,
  invitationKey,
  LEGACY_DUE_PARTITION,
  LISTING_INDEX,
  parkedListing,
  parkedPartition,
  purchaseKey,
  RESUMING_PARTITION,
  resumeMarkKey,
  suppressionKey,
  suppressionListingRange,
  tokenOfWorkEntry,
  WORK_INDEX,
} from "./keys";
import { SubscriptionRecords } from "./subscription-records";
import { conditionHeld, failedConditions, sendTransaction } from "./transactions";

/**
 * Invitations through their life (due → claimed → sent → reminded), and the per-person records read
 * before each send (suppression, last survey). Every state change is conditional on the state it
 * expects, so a retried or duplicated message can never act twice.
 */
export class InvitationStore extends SubscriptionRecords {
  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    /** Days records holding customer data are kept (functions/domain/retention.ts). */
    private readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {
    super(db, tableName);
  }

  async get(token: string): Promise<Invitation | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: invitationKey(token), ConsistentRead: true }),
    );
    return Item ? toInvitation(Item) : undefined;
  }

  /** Several invitations by token (for reconciliation); unknown tokens are left out. */
  async getMany(tokens: readonly string[]): Promise<Invitation[]> {
    const found: Invitation[] = [];
    for (let start = 0; start < tokens.length; start += 100) {
      let keys: Record<string, unknown>[] | undefined = tokens.slice(start, start + 100).map(invitationKey);
      while (keys && keys.length > 0) {
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        found.push(...(result.Responses?.[this.tableName] ?? []).map(toInvitation));
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /**
   * Due entries, about the oldest first, at most `limit`: read from every shard of the due index at
   * once (and from the single due partition of tables written before it; a claim moves such an entry).
   */
  async findDue(now: Date, limit: number): Promise<DueEntry[]> {
    const upTo = dueUpTo(now.toISOString());
    const perPartition = Math.max(1, Math.ceil(limit / DUE_PARTITIONS.length));
    const read = (index: string, partitionKey: string, sortKey: string, partition: string) =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: `${partitionKey} = :due AND ${sortKey} <= :upTo`,
          ExpressionAttributeValues: { ":due": partition, ":upTo": upTo },
          ProjectionExpression: `#token, nextAction, sendFailures, ${sortKey}`,
          ExpressionAttributeNames: { "#token": "token" },
          Limit: perPartition,
        }),
      );
    const pages = await Promise.all([
      ...DUE_PARTITIONS.map((partition) => read(WORK_INDEX, "gsi2pk", "gsi2sk", partition)),
      read(LISTING_INDEX, "gsi1pk", "gsi1sk", LEGACY_DUE_PARTITION),
    ]);
    const entries = pages.flatMap((page, i) =>
      (page.Items ?? []).map((item) => {
        const legacy = i === DUE_PARTITIONS.length;
        return {
          token: String(item.token),
          action: item.nextAction as DueAction,
          dueKey: legacy ? `${LEGACY_DUE_KEY}${String(item.gsi1sk)}` : String(item.gsi2sk),
          failures: typeof item.sendFailures === "number" ? item.sendFailures : 0,
        };
      }),
    );
    const dueAtOf = (entry: DueEntry) => entry.dueKey.replace(LEGACY_DUE_KEY, "");
    return entries.sort((a, b) => (dueAtOf(a) < dueAtOf(b) ? -1 : 1)).slice(0, limit);
  }

  /**
   * Claims a due entry for `leaseMs` by moving its due time forward: if the claimant dies before
   * the send is marked, the entry falls due again and another dispatch picks it up. `taken`: someone
   * else claimed it first. A claim is not an attempt: nothing counts against the invitation until a
   * send actually fails. An entry of the legacy due partition moves to the due index as it is claimed.
   */
  async claim(entry: DueEntry, now: Date, leaseMs: number): Promise<"claimed" | "taken"> {
    const leased = dueListing(new Date(now.getTime() + leaseMs).toISOString(), entry.token);
    const legacy = entry.dueKey.startsWith(LEGACY_DUE_KEY);
    const claimed = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(entry.token),
          UpdateExpression: legacy
            ? "SET gsi2pk = :partition, gsi2sk = :leased, claimedAt = :now REMOVE gsi1pk, gsi1sk"
            : "SET gsi2sk = :leased, claimedAt = :now",
          ConditionExpression: legacy ? "gsi1sk = :seen" : "gsi2sk = :seen",
          ExpressionAttributeValues: {
            ":seen": entry.dueKey.replace(LEGACY_DUE_KEY, ""),
            ":leased": leased.gsi2sk,
            ":now": now.toISOString(),
            ...(legacy ? { ":partition": leased.gsi2pk } : {}),
          },
        }),
      ),
    );
    return claimed ? "claimed" : "taken";
  }

  /**
   * Gives up a due action that failed `maxFailures` times: a send is skipped as `undeliverable`, a
   * reminder dropped. Never while a sender holds it, and never once SES accepted its email (that one is
   * marked, not given up). False when any of that does not hold, or someone else moved it first.
   */
  async giveUp(entry: DueEntry, now: Date, maxFailures: number): Promise<boolean> {
    if (entry.dueKey.startsWith(LEGACY_DUE_KEY)) return false;
    const accepted = entry.action === "send" ? "acceptedAt" : "reminderAcceptedAt";
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(entry.token),
          UpdateExpression:
            entry.action === "send"
              ? "SET #status = :skipped, skipReason = :undeliverable, skippedAt = :now, nextAction = :none, dueAt = :none REMOVE gsi2pk, gsi2sk"
              : "SET nextAction = :none, dueAt = :none REMOVE gsi2pk, gsi2sk",
          ConditionExpression: `gsi2sk = :seen AND nextAction = :action AND sendFailures >= :max AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now) AND attribute_not_exists(${accepted})`,
          ...(entry.action === "send" ? { ExpressionAttributeNames: { "#status": "status" } } : {}),
          ExpressionAttributeValues: {
            ":seen": entry.dueKey,
            ":action": entry.action,
            ":max": maxFailures,
            ":now": now.toISOString(),
            ":none": null,
            ...(entry.action === "send" ? { ":skipped": "skipped", ":undeliverable": "undeliverable" } : {}),
          },
        }),
      ),
    );
  }

  /** Campaigns resumed (or archived) since they were paused, oldest first: their parked invitations go back. */
  async findResumed(limit: number): Promise<ResumeMark[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: WORK_INDEX,
        KeyConditionExpression: "gsi2pk = :resuming",
        ExpressionAttributeValues: { ":resuming": RESUMING_PARTITION },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      campaignId: campaignOfResumeListing(String(item.gsi2sk)),
      mark: String(item.gsi2sk),
    }));
  }

  /** Invitations parked while their campaign was paused, oldest due first: sort keys, at most `limit`. */
  async findParked(campaignId: string, limit: number): Promise<string[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: WORK_INDEX,
        KeyConditionExpression: "gsi2pk = :parked",
        ExpressionAttributeValues: { ":parked": parkedPartition(campaignId) },
        ProjectionExpression: "gsi2sk",
        Limit: limit,
      }),
    );
    return Items.map((item) => String(item.gsi2sk));
  }

  /**
   * Puts a parked invitation back in the due index, due when it was due (so at once). False when it
   * is no longer parked there (put back already, or sent meanwhile).
   */
  async unpark(campaignId: string, parkedKey: string): Promise<boolean> {
    const token = tokenOfWorkEntry(parkedKey);
    return await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(token),
          UpdateExpression: "SET gsi2pk = :due",
          ConditionExpression: "gsi2pk = :parked AND gsi2sk = :seen",
          ExpressionAttributeValues: {
            ":due": dueListing("", token).gsi2pk,
            ":parked": parkedPartition(campaignId),
            ":seen": parkedKey,
          },
        }),
      ),
    );
  }

  /** Removes a resume mark once its campaign has nothing parked; kept if the campaign was resumed again since. */
  async clearResumeMark(mark: ResumeMark): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: resumeMarkKey(mark.campaignId),
          ConditionExpression: "gsi2sk = :seen",
          ExpressionAttributeValues: { ":seen": mark.mark },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Records that SES accepted the email of `action` (its message id for the record), before it is
   * marked sent and counted, in one small write on the invitation alone: from here on the invitation
   * cannot be given up, and a retry marks it rather than sending it again.
   */
  async recordAcceptance(token: string, action: DueAction, at: Date, messageId: string): Promise<void> {
    const accepted = action === "send" ? "acceptedAt" : "reminderAcceptedAt";
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(token),
          UpdateExpression: `SET ${accepted} = if_not_exists(${accepted}, :at), sesMessageIds = list_append(if_not_exists(sesMessageIds, :empty), :id)`,
          ConditionExpression: "nextAction = :action",
          ExpressionAttributeValues: {
            ":at": at.toISOString(),
            ":action": action,
            ":empty": [],
            ":id": [messageId],
          },
        }),
      ),
    );
  }

  /**
   * Takes the locks a send needs, in one transaction, after which the email may go out:
   * - the invitation's (one sender at a time between "about to call SES" and "marked sent"), on
   *   condition that the action is still due and neither answered (for a reminder) nor unsubscribed;
   * - the person's contact record's, the serialization point of the throttle window: no survey about
   *   another purchase went out within `throttleDays`, and no other send to this address is under way;
   * - a check that the address is not suppressed.
   * What a read just before said is only a hint: two senders, or a send and an unsubscribe, decide
   * here, atomically. An expired lock (its sender died) can be taken again.
   */
  async beginSend(
    invitation: Invitation,
    action: DueAction,
    now: Date,
    leaseMs: number,
    throttleDays: number,
    /** The survey this email asks, as the link's page will show it (Invitation.survey). */
    survey: SurveySnapshot,
  ): Promise<SendLock> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const holder = `${invitation.token}#${action}`;
    const throttled = action === "send" && throttleDays > 0;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: invitationKey(invitation.token),
                UpdateExpression: "SET sendingUntil = :until, survey = :survey",
                ConditionExpression: `nextAction = :action AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now) AND attribute_not_exists(unsubscribedAt)${action === "remind" ? " AND attribute_not_exists(answeredAt)" : ""}`,
                ExpressionAttributeValues: {
                  ":action": action,
                  ":now": at,
                  ":until": until,
                  ":survey": survey,
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: contactKey(invitation.email),
                UpdateExpression: "SET lockedBy = :holder, lockedUntil = :until, #type = :contact",
                ConditionExpression: `(attribute_not_exists(lockedUntil) OR lockedUntil < :now OR lockedBy = :holder)${throttled ? " AND (attribute_not_exists(lastSentAt) OR lastSentAt <= :windowStart OR lastSentPurchase = :purchase)" : ""}`,
                ExpressionAttributeNames: { "#type": "type" },
                ExpressionAttributeValues: {
                  ":holder": holder,
                  ":until": until,
                  ":now": at,
                  ":contact": "contact",
                  ...(throttled
                    ? {
                        ":windowStart": throttleWindow(at, throttleDays).from,
                        ":purchase": purchaseRef(invitation),
                      }
                    : {}),
                },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: suppressionKey(invitation.email),
                ConditionExpression: "attribute_not_exists(pk) OR attribute_exists(liftedAt)",
              },
            },
          ],
        }),
      );
      return "locked";
    } catch (error) {
      const failed = failedConditions(error);
      if (!failed) throw error;
      if (failed.includes(2)) return "suppressed";
      if (failed.includes(1)) {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        const old = reasons[1]?.Item ? unmarshall(reasons[1].Item) : {};
        const lockedByOther =
          typeof old.lockedUntil === "string" && old.lockedUntil >= at && old.lockedBy !== holder;
        if (!lockedByOther && throttled) return "throttled";
        return "busy";
      }
      return "changed";
    }
  }

  /**
   * Releases the locks of a send that did not happen, so the queue's retry may try again at once;
   * with `failed`, counts it as a failed attempt (see MAX_SEND_FAILURES).
   */
  async releaseSendLock(
    invitation: Pick<Invitation, "token" | "email">,
    action: DueAction,
    options: { readonly failed?: boolean } = {},
  ): Promise<void> {
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(invitation.token),
          UpdateExpression: options.failed
            ? "REMOVE sendingUntil ADD sendFailures :one"
            : "REMOVE sendingUntil",
          ConditionExpression: "nextAction = :action",
          ExpressionAttributeValues: { ":action": action, ...(options.failed ? { ":one": 1 } : {}) },
        }),
      ),
    );
    await this.releaseContact(invitation, action);
  }

  /** Lets the address's next send go ahead; only the lock this invitation's action holds is released. */
  private async releaseContact(
    invitation: Pick<Invitation, "token" | "email">,
    action: DueAction,
  ): Promise<void> {
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: contactKey(invitation.email),
          UpdateExpression: "REMOVE lockedBy, lockedUntil",
          ConditionExpression: "lockedBy = :holder",
          ExpressionAttributeValues: { ":holder": `${invitation.token}#${action}` },
        }),
      ),
    );
  }

  /**
   * Marks the first email sent: the invitation leaves the due index (or waits there for its reminder),
   * the person's last-surveyed time moves, and the campaign's "sent" counts (overall and per segment,
   * on the day sent) go up, in one transaction: the count can neither be lost nor doubled. False when
   * the invitation was marked already (an earlier attempt got there first).
   */
  async markSent(
    invitation: Invitation,
    sentAt: Date,
    reminderDueAt: string | null,
    segments: Record<string, string>,
  ): Promise<boolean> {
    const at = sentAt.toISOString();
    const sent = { ...emptyCounters(), sent: 1 };
    const counts = targetsFor(at.slice(0, 10), segments).flatMap(
      (target) =>
        aggregateUpdate(
          this.tableName,
          invitation.campaignId,
          target,
          aggregateShardOf(invitation.token),
          sent,
        ) ?? [],
    );
    try {
      await sendTransaction(
        this.db,
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: invitationKey(invitation.token),
                // Kept for the retention counted from the day it is counted on (sent), not from when it was
                // due: a late send (a pause, a backlog) must not leave a count whose record expires first.
                UpdateExpression: reminderDueAt
                  ? "SET #status = :sent, sentAt = :at, #segments = :segments, nextAction = :remind, dueAt = :due, gsi2pk = :duePartition, gsi2sk = :dueKey, expiresAt = :expiresAt REMOVE sendingUntil, sendFailures"
                  : "SET #status = :sent, sentAt = :at, #segments = :segments, nextAction = :none, dueAt = :none, expiresAt = :expiresAt REMOVE sendingUntil, gsi2pk, gsi2sk, sendFailures",
                ConditionExpression: "#status = :scheduled AND nextAction = :send",
                ExpressionAttributeNames: { "#status": "status", "#segments": "segments" },
                ExpressionAttributeValues: {
                  ":sent": "sent",
                  ":scheduled": "scheduled",
                  ":send": "send",
                  ":at": at,
                  ":segments": segments,
                  ":expiresAt": expiresAt(at, this.retentionDays),
                  ...(reminderDueAt
                    ? {
                        ":remind": "remind",
                        ":due": reminderDueAt,
                        ":duePartition": dueListing(reminderDueAt, invitation.token).gsi2pk,
                        ":dueKey": dueListing(reminderDueAt, invitation.token).gsi2sk,
                      }
                    : { ":none": null }),
                },
              },
            },
            {
              // The purchase lists its invitations for reconcile: it lives as long as the one sent last.
              Update: {
                TableName: this.tableName,
                Key: purchaseKey(invitation.campaignId, invitation.orderId),
                UpdateExpression: "SET expiresAt = :expiresAt",
                ExpressionAttributeValues: { ":expiresAt": expiresAt(at, this.retentionDays) },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: contactKey(invitation.email),
                UpdateExpression:
                  "SET lastSentAt = :at, lastSentPurchase = :purchase, #type = :contact, expiresAt = :expiresAt REMOVE lockedBy, lockedUntil",
                ExpressionAttributeNames: { "#type": "type" },
                ExpressionAttributeValues: {
                  ":at": at,
                  ":purchase": purchaseRef(invitation),
                  ":contact": "contact",
                  ":expiresAt": contactExpiresAt(at, this.retentionDays),
                },
              },
            },
            ...counts,
          ],
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error)?.includes(0)) return false;
      throw error;
    }
  }

  async markReminderSent(invitation: Pick<Invitation, "token" | "email">, sentAt: Date): Promise<void> {
    await this.finish(invitation.token, "remind", "SET reminderSentAt = :at", {
      ":at": sentAt.toISOString(),
    });
    await this.releaseContact(invitation, "remind");
  }

  /** Nothing will be sent for this invitation, for `reason`. */
  async skip(token: string, reason: SkipReason, now: Date): Promise<void> {
    await this.finish(token, "send", "SET #status = :skipped, skipReason = :reason, skippedAt = :at", {
      ":skipped": "skipped",
      ":reason": reason,
      ":at": now.toISOString(),
    });
  }

  /** The due action is no longer wanted (answered, unsubscribed, campaign archived). */
  async drop(token: string, action: DueAction): Promise<void> {
    await this.finish(token, action, "", {});
  }

  /**
   * Moves the entry out of the due index while its campaign is paused, on condition that the campaign
   * still is paused: a resume that overtook the read leaves it due, and it is sent. It waits, with its
   * due time, until the campaign's resume mark has the dispatcher put it back. False when either
   * condition failed (the campaign resumed, or the entry moved on).
   */
  async park(
    invitation: Pick<Invitation, "token" | "campaignId" | "dueAt">,
    action: DueAction,
    now: Date,
  ): Promise<boolean> {
    // Its due time, not the lease's: put back, it is due at once, in its old order.
    const parked = parkedListing(
      invitation.campaignId,
      invitation.dueAt ?? now.toISOString(),
      invitation.token,
    );
    try {
      await sendTransaction(
        this.db,
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: invitationKey(invitation.token),
                UpdateExpression: "SET gsi2pk = :parked, gsi2sk = :parkedKey REMOVE sendingUntil",
                ConditionExpression: "nextAction = :action AND attribute_exists(gsi2pk)",
                ExpressionAttributeValues: {
                  ":parked": parked.gsi2pk,
                  ":parkedKey": parked.gsi2sk,
                  ":action": action,
                },
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: campaignKey(invitation.campaignId),
                ConditionExpression: "#status = :paused",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":paused": "paused" },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error)?.length) return false;
      throw error;
    }
  }

  /**
   * A page of the suppressions in force for any of `reasons`, oldest first, recorded within the
   * instants from..to: the `limit` after the first `skip`. Reads skip + limit entries of each reason's
   * listing, so the caller bounds the skip.
   */
  async listSuppressions(
    reasons: readonly SuppressionReason[],
    range: { from?: string | undefined; to?: string | undefined },
    skip: number,
    limit: number,
  ): Promise<{ email: string; reason: SuppressionReason; suppressedAt: string }[]> {
    const wanted = skip + limit;
    const listings = await Promise.all(
      reasons.map(async (reason) => {
        const { partition, lower, upper } = suppressionListingRange(reason, range);
        const values: Record<string, string> = { ":partition": partition };
        if (lower !== undefined) values[":lower"] = lower;
        if (upper !== undefined) values[":upper"] = upper;
        const bounds =
          lower !== undefined && upper !== undefined
            ? " AND gsi1sk BETWEEN :lower AND :upper"
            : lower !== undefined
              ? " AND gsi1sk >= :lower"
              : upper !== undefined
                ? " AND gsi1sk <= :upper"
                : "";
        const items: Record<string, unknown>[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: LISTING_INDEX,
              KeyConditionExpression: `gsi1pk = :partition${bounds}`,
              ExpressionAttributeValues: values,
              ProjectionExpression: "#email, #reason, suppressedAt, gsi1sk",
              ExpressionAttributeNames: { "#email": "email", "#reason": "reason" },
              Limit: wanted - items.length,
              ExclusiveStartKey: startKey,
            }),
          );
          items.push(...(page.Items ?? []));
          startKey = page.LastEvaluatedKey;
        } while (startKey && items.length < wanted);
        return items;
      }),
    );
    return listings
      .flat()
      .sort((a, b) =>
        String(a.gsi1sk) < String(b.gsi1sk) ? -1 : String(a.gsi1sk) > String(b.gsi1sk) ? 1 : 0,
      )
      .slice(skip, wanted)
      .map((item) => ({
        email: String(item.email),
        reason: item.reason as SuppressionReason,
        suppressedAt: String(item.suppressedAt),
      }));
  }

  /**
   * Erases the personal data an invitation holds (address, name, properties) for its person's erasure,
   * and drops whatever was still due: a send is skipped (`erased`), a reminder dropped, and the entry
   * leaves the due index (or the parked one). Its counts stay (sentAt, segments). Conditional on the
   * state just read, so it is idempotent and never crosses a send: `busy` while a sender holds the
   * invitation, or SES accepted an email of it that is not marked yet (the mark lands within minutes;
   * erase again then). `absent`: no such invitation (gone by TTL).
   */
  async erase(token: string, now: Date): Promise<"erased" | "absent" | "busy"> {
    const at = now.toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: invitationKey(token), ConsistentRead: true }),
      );
      if (!Item) return "absent";
      const action = Item.nextAction as DueAction | null | undefined;
      const sending = typeof Item.sendingUntil === "string" && Item.sendingUntil >= at;
      const unmarked =
        (action === "send" && Item.acceptedAt !== undefined) ||
        (action === "remind" && Item.reminderAcceptedAt !== undefined);
      if (sending || unmarked) return "busy";
      const skip = action === "send" && Item.status === "scheduled";
      const sets = [
        "email = :empty",
        "#name = :nothing",
        "properties = :noProperties",
        "erasedAt = if_not_exists(erasedAt, :now)",
        ...(action ? ["nextAction = :nothing", "dueAt = :nothing"] : []),
        ...(skip ? ["#status = :skipped", "skipReason = :erased", "skippedAt = :now"] : []),
      ];
      const removes = action ? " REMOVE sendingUntil, gsi2pk, gsi2sk, gsi1pk, gsi1sk" : "";
      const erased = await conditionHeld(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: invitationKey(token),
            UpdateExpression: `SET ${sets.join(", ")}${removes}`,
            ConditionExpression: action
              ? `nextAction = :action AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now) AND attribute_not_exists(${action === "send" ? "acceptedAt" : "reminderAcceptedAt"})`
              : "attribute_exists(pk) AND (attribute_not_exists(nextAction) OR attribute_type(nextAction, :nothingType))",
            ExpressionAttributeNames: { "#name": "name", ...(skip ? { "#status": "status" } : {}) },
            ExpressionAttributeValues: {
              ":empty": "",
              ":nothing": null,
              ":noProperties": {},
              ":now": at,
              ...(action ? { ":action": action } : { ":nothingType": "NULL" }),
              ...(skip ? { ":skipped": "skipped", ":erased": "erased" } : {}),
            },
          }),
        ),
      );
      if (erased) return "erased";
      // It moved on since it was read (sent, answered, claimed): read it again.
    }
    return "busy";
  }

  /**
   * Deletes an invitation whose email never went out (with a campaign that is deleted): refused
   * (`sent`) once it is sent, or while a sender holds its send lock, since that email may be leaving
   * right now. Deleting it also takes it out of the due index, and a sender that comes later finds
   * nothing to send. `absent`: there was no such invitation (deleted already, or gone by TTL).
   */
  async deleteUnsent(token: string, now: Date): Promise<"deleted" | "absent" | "sent"> {
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: invitationKey(token),
          ConditionExpression:
            // An email SES accepted (acceptedAt) counts as sent even before it is marked.
            "attribute_not_exists(pk) OR (#status <> :sent AND attribute_not_exists(acceptedAt) AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":sent": "sent", ":now": now.toISOString() },
          ReturnValues: "ALL_OLD",
        }),
      );
      return Attributes ? "deleted" : "absent";
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return "sent";
      throw error;
    }
  }

  /** Ends the due action `action`: the invitation leaves the due index and the lock is released. */
  private async finish(
    token: string,
    action: DueAction,
    setClause: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invitationKey(token),
          UpdateExpression: `${setClause}${setClause ? ", " : "SET "}nextAction = :none, dueAt = :none REMOVE sendingUntil, gsi2pk, gsi2sk, gsi1pk, gsi1sk`,
          ConditionExpression: "nextAction = :action",
          ExpressionAttributeNames: setClause.includes("#status") ? { "#status": "status" } : undefined,
          ExpressionAttributeValues: { ...values, ":none": null, ":action": action },
        }),
      ),
    );
  }
}

/** Marks the dueKey of an entry read from the legacy due partition (gsi1 DUE). */
const LEGACY_DUE_KEY = "gsi1:";

/** What taking a send's locks found: go ahead, or why not (see beginSend). */
export type SendLock = "locked" | "busy" | "throttled" | "suppressed" | "changed";
