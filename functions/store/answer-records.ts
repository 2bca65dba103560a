import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { type Answer, answersEqual, type RecordOutcome } from "../domain/answer";
import {
  type AggregateTarget,
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  type RecordedAnswer,
  targetId,
  targetsFor,
} from "../domain/counters";
import { NotFoundError, ThrottledError } from "../domain/errors";
import type { Invitation } from "../domain/invitation";
import { DEFAULT_RETENTION_DAYS, expiresAt } from "../domain/retention";
import { aggregateUpdate } from "./aggregate-items";
import { aggregateShardOf, invitationKey, responseKey, responseListing } from "./keys";
import { toResponse } from "./response-item";
import { failedConditions, sendTransaction } from "./transactions";

export type StoredResponse = RecordedAnswer;

/**
 * Survey answers, one per invitation: reading one and recording or editing it. The first answer is a
 * conditional put, so a double-clicked or retried submission cannot store two; a later post replaces
 * the answer under a version check, so two racing edits cannot interleave. ResponseStore extends this
 * with listing, import and erasure; the survey function uses this class alone, so its bundle carries
 * none of those.
 */
export class AnswerRecords {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
    /** Days records holding customer data are kept (functions/domain/retention.ts). */
    protected readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {}

  /**
   * The answer to an invitation. A Query of the one item (the cost of a GetItem) rather than a GetItem:
   * the survey function reads invitation partitions only by Query (SurveyLinkStore), so its role needs
   * no GetItem on them.
   */
  async get(token: string): Promise<StoredResponse | undefined> {
    const item = await this.responseItem(token);
    return item ? toResponse(item) : undefined;
  }

  /** The stored answer item of an invitation, read by Query (see `get`), or undefined. */
  protected async responseItem(token: string): Promise<Record<string, unknown> | undefined> {
    const key = responseKey(token);
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk = :sk",
        ExpressionAttributeValues: { ":pk": key.pk, ":sk": key.sk },
        ConsistentRead: true,
      }),
    );
    return Items[0];
  }

  /**
   * Records or edits the answer to `invitation`, counted under `segments` on the day of the first
   * answer. The response remembers which aggregates it was counted in, so an edit subtracts exactly
   * what was added, even if the campaign's segments changed meanwhile.
   */
  async record(
    invitation: Invitation,
    answer: Answer,
    segments: Record<string, string>,
    now: Date,
    /** The answer as just read with the invitation: the first attempt then reads nothing more. */
    options?: { readonly existing: StoredResponse | undefined },
  ): Promise<RecordOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing =
        attempt === 0 && options !== undefined ? options.existing : await this.get(invitation.token);
      if (existing && answersEqual(existing, answer)) return "unchanged";
      const transaction = answerTransaction(this.tableName, invitation, answer, segments, now, {
        existing,
        retentionDays: this.retentionDays,
      });
      try {
        await sendTransaction(this.db, new TransactWriteCommand(transaction));
        return existing ? "updated" : "created";
      } catch (error) {
        const failed = failedConditions(error);
        // The person's data was erased after the link was read: the link no longer leads anywhere.
        if (failed?.includes(1)) throw new NotFoundError("This link is not valid.");
        // Another submission for this invitation landed between our read and write: read again, after
        // a jittered pause so that a burst of submissions does not keep colliding in lockstep.
        if (!failed?.includes(0)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
    // Submissions for one invitation kept overtaking each other: nothing of this one was written, and
    // sending it again in a moment will go through.
    throw new ThrottledError("This answer is being changed by another request right now; send it again.");
  }
}

/**
 * The one transaction that records an answer (ResponseStore.record; the benchmark's floor sends the
 * same): the response put (conditional on no answer yet, or on the version read), the invitation's
 * answeredAt, and the ADDs that move the aggregates from the old answer's counts to the new one's.
 */
export function answerTransaction(
  tableName: string,
  invitation: Invitation,
  answer: Answer,
  segments: Record<string, string>,
  now: Date,
  options: { readonly existing?: StoredResponse | undefined; readonly retentionDays?: number } = {},
): ConstructorParameters<typeof TransactWriteCommand>[0] {
  const { existing, retentionDays = DEFAULT_RETENTION_DAYS } = options;
  const at = now.toISOString();
  const createdAt = existing?.createdAt ?? at;
  const item = {
    ...responseKey(invitation.token),
    ...responseListing(invitation.campaignId, createdAt, invitation.token),
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
    createdAt,
    updatedAt: at,
    version: (existing?.version ?? 0) + 1,
    countedIn: targetsFor(createdAt.slice(0, 10), segments),
    // From the first answer's time, so an edit does not extend how long the answer is kept.
    expiresAt: expiresAt(createdAt, retentionDays),
  };
  const counts = countDeltas(existing, answer, item.countedIn).flatMap(
    ({ target, delta }) =>
      aggregateUpdate(tableName, invitation.campaignId, target, aggregateShardOf(invitation.token), delta) ??
      [],
  );
  return {
    TransactItems: [
      {
        Put: {
          TableName: tableName,
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
          TableName: tableName,
          Key: invitationKey(invitation.token),
          UpdateExpression: "SET answeredAt = if_not_exists(answeredAt, :at)",
          // Not once its person's data was erased: no answer (and no comment) may arrive after that.
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(erasedAt)",
          ExpressionAttributeValues: { ":at": at },
        },
      },
      ...counts,
    ],
  };
}

/** Per aggregate: the new answer's counts where it is now counted, minus the old answer's where it was. */
function countDeltas(
  existing: StoredResponse | undefined,
  answer: Answer,
  targets: AggregateTarget[],
): { target: AggregateTarget; delta: Counters }[] {
  const byKey = new Map<string, { target: AggregateTarget; delta: Counters }>();
  const apply = (target: AggregateTarget, counters: Counters, sign: 1 | -1) => {
    const key = targetId(target);
    const entry = byKey.get(key) ?? { target, delta: emptyCounters() };
    entry.delta = combineCounters(entry.delta, counters, sign);
    byKey.set(key, entry);
  };
  if (existing) for (const target of existing.countedIn) apply(target, answerCounters(existing), -1);
  for (const target of targets) apply(target, answerCounters(answer), 1);
  return [...byKey.values()];
}
