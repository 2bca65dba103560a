import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Answer } from "../domain/answer";
import {
  type AggregateTarget,
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  targetId,
  targetsFor,
} from "../domain/counters";
import { CapacityExceededError, ThrottledError } from "../domain/errors";
import type { ImportedResponse } from "../domain/history-import";
import type { Invitation } from "../domain/invitation";
import type { ImportedAnswerExport } from "../domain/person";
import type { ResponseFilter } from "../domain/response-export";
import { responseId } from "../domain/response-id";
import { DEFAULT_RETENTION_DAYS, expiresAt } from "../domain/retention";
import { aggregateUpdate } from "./aggregate-items";
import { AnswerRecords, type StoredResponse } from "./answer-records";
import { decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import {
  AGGREGATE_SHARDS,
  aggregateShardOf,
  importedAnswerLinkOrderId,
  importMarkKey,
  LISTING_INDEX,
  responseKey,
  responseListing,
  responseListingRange,
  responseOfListing,
  responsesPartition,
} from "./keys";
import { queryAll } from "./paged-query";
import { personLinkItem } from "./person-link-item";
import { toResponse } from "./response-item";
import { cancellationCodes, sendTransaction } from "./transactions";

// The answer path (get, record, answerTransaction) lives in answer-records.ts: the survey function uses it alone.
export { answerTransaction, type StoredResponse } from "./answer-records";

/**
 * Survey answers, one per invitation: recording them (AnswerRecords, which this extends), and listing,
 * importing and erasing them.
 */
export class ResponseStore extends AnswerRecords {
  /**
   * An answer imported from another tool's history (`npm run import`), with the address and what
   * else of its person it holds, for a person's export; undefined for a token of any other answer.
   */
  async imported(token: string): Promise<(ImportedAnswerExport & { email: string }) | undefined> {
    const item = await this.responseItem(token);
    if (!item || typeof item.importedAt !== "string") return undefined;
    const listed = toListedResponse(item);
    return {
      campaignId: listed.campaignId,
      orderId: listed.orderId,
      email: listed.email,
      name: listed.name,
      locale: listed.locale,
      properties: listed.properties,
      importedAt: item.importedAt,
      erasedAt: typeof item.erasedAt === "string" ? item.erasedAt : null,
      answer: {
        score: listed.score,
        csat: listed.csat,
        attributes: listed.attributes,
        comment: listed.comment,
        createdAt: listed.createdAt,
        updatedAt: listed.updatedAt,
      },
    };
  }

  /**
   * Imports of answers in different lanes never write the same item (an answer's counts go to its
   * token's aggregate shard), so one transaction per lane may be in flight without their conflicting.
   */
  readonly importLanes = AGGREGATE_SHARDS;
  importLaneOf(token: string): number {
    return aggregateShardOf(token);
  }

  /**
   * Writes imported answers (`npm run import`), packed into as few transactions as DynamoDB allows:
   * each answer's import mark and response (both conditional on not existing), its person link, and
   * the counts it adds, so an answer is counted exactly when it is stored. Per answer, in order:
   * `imported`; `duplicate` (imported before: nothing written); `throttled` (the table was too busy:
   * nothing of it written, send it again later). Answers of one call should share a lane.
   */
  async importAnswers(answers: readonly ImportedResponse[], now: Date): Promise<ImportOutcome[]> {
    const outcomes: (ImportOutcome | undefined)[] = new Array(answers.length);
    let marked: Set<string>;
    try {
      marked = await this.importMarks(answers.map((answer) => answer.token));
    } catch (error) {
      if (error instanceof ThrottledError) return answers.map(() => "throttled");
      throw error;
    }
    // Answers imported before are found by a read, which costs far less than a cancelled transaction;
    // the transaction's conditions still catch one imported meanwhile.
    const fresh: number[] = [];
    for (const [index, answer] of answers.entries()) {
      if (marked.has(answer.token)) outcomes[index] = "duplicate";
      else fresh.push(index);
    }
    const groups = packImports(fresh.map((index) => answers[index] as ImportedResponse)).map((group) =>
      group.map((k) => fresh[k] as number),
    );
    for (const [g, group] of groups.entries()) {
      try {
        await this.importGroup(answers, group, now, outcomes);
      } catch (error) {
        if (!(error instanceof ThrottledError)) throw error;
        for (const index of groups.slice(g).flat()) outcomes[index] ??= "throttled";
        break;
      }
    }
    return outcomes.map((outcome) => outcome ?? "throttled");
  }

  /** Which of these tokens have an import mark (read eventually consistent: a hint, not a guarantee). */
  private async importMarks(tokens: readonly string[]): Promise<Set<string>> {
    const tokenOf = new Map(tokens.map((token) => [importMarkKey(token).pk, token]));
    const found = new Set<string>();
    for (let start = 0; start < tokens.length; start += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] | undefined = tokens
        .slice(start, start + BATCH_GET_KEYS)
        .map((token) => importMarkKey(token));
      for (let attempt = 1; keys && keys.length > 0; attempt++) {
        if (attempt > IMPORT_CONFLICT_ATTEMPTS) throw new CapacityExceededError(false, "unprocessed keys");
        if (attempt > 1)
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: "pk" } },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const token = tokenOf.get(String(item.pk));
          if (token !== undefined) found.add(token);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /** One transaction of imports, sent again without the answers found to be there already. */
  private async importGroup(
    answers: readonly ImportedResponse[],
    group: readonly number[],
    now: Date,
    outcomes: (ImportOutcome | undefined)[],
  ): Promise<void> {
    let pending = group;
    let conflicts = 0;
    while (pending.length > 0) {
      const batch = pending.map((index) => answers[index] as ImportedResponse);
      const transaction = importTransaction(this.tableName, batch, now, this.retentionDays);
      try {
        await sendTransaction(this.db, new TransactWriteCommand(transaction));
        for (const index of pending) outcomes[index] = "imported";
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        const known = new Set(["None", "ConditionalCheckFailed", "TransactionConflict"]);
        if (!codes || codes.some((code) => !known.has(code))) throw error;
        // The two conditional puts of answer k are items 2k and 2k + 1.
        const present = new Set(
          codes.flatMap((code, position) =>
            code === "ConditionalCheckFailed" ? [Math.floor(position / 2)] : [],
          ),
        );
        const remaining = pending.filter((_, k) => !present.has(k));
        for (const k of present) if (pending[k] !== undefined) outcomes[pending[k]] = "duplicate";
        if (remaining.length === pending.length) {
          // Cancelled only by conflicting transactions (live answers of the campaign): wait and retry.
          if (++conflicts >= IMPORT_CONFLICT_ATTEMPTS) throw new CapacityExceededError(true, error);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** conflicts));
        }
        pending = remaining;
      }
    }
  }

  /**
   * Erases the personal data an answer holds for its person's erasure: the comment, and the address,
   * name and properties copied from the purchase. Its score, ratings and where it is counted stay, so
   * results and reconcile do not change. Idempotent. Returns the answer's version (its edits: its
   * webhook events are found by it), or null when the invitation has no answer.
   */
  async erase(token: string, now: Date): Promise<number | null> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: responseKey(token),
          UpdateExpression:
            "SET email = :empty, #name = :nothing, properties = :noProperties, erasedAt = if_not_exists(erasedAt, :now) REMOVE #comment",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#name": "name", "#comment": "comment" },
          ExpressionAttributeValues: {
            ":empty": "",
            ":nothing": null,
            ":noProperties": {},
            ":now": now.toISOString(),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Number(Attributes?.version ?? 1);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  /** Every stored answer of a campaign, as recorded (for reconciliation). */
  async allOf(campaignId: string): Promise<StoredResponse[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition",
      ExpressionAttributeValues: { ":partition": responsesPartition(campaignId) },
    });
    return items.map(toResponse);
  }

  /**
   * One page of a campaign's responses, newest first (by first answer), optionally within UTC days
   * `from`..`to` (inclusive, `YYYY-MM-DD`) and scores `minScore`..`maxScore`. Score filters drop rows
   * after DynamoDB reads them, so this keeps querying until it holds `limit` rows or the index ends, up
   * to LIST_QUERIES_MAX queries: a page is short when it is the last (`nextCursor` null exactly then),
   * or when a filter skipped that many rows (then it may even be empty, and `nextCursor` goes on). The
   * cursor names the last row read and resumes only this campaign's listing within the same days.
   */
  async list(
    campaignId: string,
    filter: ResponseFilter,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: ListedResponse[]; nextCursor: string | null }> {
    const range = responseRange(campaignId, filter);
    let startKey = await this.resumeAt(range, cursor);
    const scored = filter.minScore !== undefined || filter.maxScore !== undefined;
    const rows: Record<string, unknown>[] = [];
    let queries = 0;
    // One row past the page tells whether another page exists, so the last page never comes back empty.
    while (rows.length <= limit) {
      if (queries++ === LIST_QUERIES_MAX && startKey) {
        // A score filter that matches almost nothing would otherwise read the whole campaign in one
        // request (and outrun Lambda's timeout): answer what was found, and where to go on from.
        return { items: rows.map(toListedResponse), nextCursor: positionOf(startKey) };
      }
      const wanted = limit + 1 - rows.length;
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LISTING_INDEX,
          ...responseQuery(range, filter),
          ScanIndexForward: false,
          // Filtered reads skip rows, so they read ahead a little to save round trips.
          Limit: Math.min(LIST_READ_MAX, scored ? Math.max(wanted, LIST_FILTERED_READ_MIN) : wanted),
          ExclusiveStartKey: startKey,
        }),
      );
      rows.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items: page.map(toListedResponse), nextCursor: more ? positionOf(last) : null };
  }

  /**
   * The start key a listing cursor stands for. The cursor names a response by when it was first given
   * and its public id: the response is looked up among those given at that very millisecond in this
   * campaign's listing, within the requested days; a cursor naming anything else is a 400 (DynamoDB
   * would refuse a start key outside the key condition with a 500-worthy error).
   */
  private async resumeAt(
    range: ResponseRange,
    cursor: string | undefined,
  ): Promise<Record<string, string> | undefined> {
    const position = decodeCursor(cursor, 2);
    if (!position) return undefined;
    const [createdAt = "", id = ""] = position;
    if (!ISO_INSTANT.test(createdAt)) throw invalidCursor();
    const prefix = responseListing(range.campaignId, createdAt, "").gsi1sk;
    if (
      (range.lower !== undefined && prefix < range.lower) ||
      (range.upper !== undefined && prefix > range.upper)
    ) {
      throw invalidCursor("is not a cursor this listing returned (with these from/to days)");
    }
    const sameInstant = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: "gsi1pk = :partition AND begins_with(gsi1sk, :prefix)",
      ExpressionAttributeValues: { ":partition": range.partition, ":prefix": prefix },
      ProjectionExpression: "#token",
      ExpressionAttributeNames: { "#token": "token" },
    });
    const token = sameInstant.map((item) => String(item.token)).find((t) => responseId(t) === id);
    if (token === undefined) throw invalidCursor();
    return { ...responseKey(token), ...responseListing(range.campaignId, createdAt, token) };
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The cursor after a listed row (or a start key): when it was first answered, and its public id. */
function positionOf(row: Record<string, unknown>): string {
  const { createdAt, token } = responseOfListing(String(row.gsi1sk));
  return encodeCursor([createdAt, responseId(token)]);
}

export type ImportOutcome = "imported" | "duplicate" | "throttled";

/** DynamoDB's most items in one transaction. */
const TRANSACTION_ITEMS = 100;
const IMPORT_CONFLICT_ATTEMPTS = 8;
/** DynamoDB's most keys in one BatchGetItem. */
const BATCH_GET_KEYS = 100;

/** Whether an imported answer gets a person link: it has an address, and keeps it. */
const isLinked = (answer: ImportedResponse): boolean => answer.email !== "" && !answer.anonymous;

/**
 * The answers of one import call cut into transactions of at most TRANSACTION_ITEMS items, in order:
 * each answer adds its mark, its response, its link, and whichever of its aggregates the group does
 * not hold yet. Indexes into `answers`.
 */
function packImports(answers: readonly ImportedResponse[]): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let items = 0;
  let aggregates = new Set<string>();
  for (const [index, answer] of answers.entries()) {
    const own = 2 + (isLinked(answer) ? 1 : 0);
    const targets = importTargets(answer).map(({ target, shard }) => `${targetId(target)}#${shard}`);
    const added = targets.filter((id) => !aggregates.has(id)).length;
    if (group.length > 0 && items + own + added > TRANSACTION_ITEMS) {
      groups.push(group);
      group = [];
      items = 0;
      aggregates = new Set();
    }
    items += own + targets.filter((id) => !aggregates.has(id)).length;
    for (const id of targets) aggregates.add(id);
    group.push(index);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Where an imported answer is counted: overall and per segment on its day, in its token's shard. */
function importTargets(answer: ImportedResponse): { target: AggregateTarget; shard: number }[] {
  const shard = aggregateShardOf(answer.token);
  return targetsFor(answer.answeredAt.slice(0, 10), answer.segments).map((target) => ({ target, shard }));
}

/**
 * The transaction that imports answers: per answer (items 2k and 2k + 1) its import mark and its
 * response, each conditional on not existing, so an answer imported before fails and nothing is
 * written twice; then each answer's person link (when it has an address), so an erasure finds it;
 * then the counts they add, one ADD per aggregate item. An imported response is a response like any
 * other (listed, counted in `countedIn`, recounted by reconcile, expiring retentionDays after it was
 * given), of kind `initial`, with `importedAt`; it has no invitation, so nothing counts it as sent.
 * The mark holds no personal data and never expires: a second import of the row stays a duplicate
 * after the response is gone.
 */
export function importTransaction(
  tableName: string,
  answers: readonly ImportedResponse[],
  now: Date,
  retentionDays: number = DEFAULT_RETENTION_DAYS,
): ConstructorParameters<typeof TransactWriteCommand>[0] {
  const at = now.toISOString();
  const conditional = { ConditionExpression: "attribute_not_exists(pk)" };
  const puts = answers.flatMap((imported) => [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...importMarkKey(imported.token),
          type: "import-mark",
          campaignId: imported.campaignId,
          importedAt: at,
        },
        ...conditional,
      },
    },
    {
      Put: { TableName: tableName, Item: importedResponseItem(imported, at, retentionDays), ...conditional },
    },
  ]);
  const links = answers.filter(isLinked).map((imported) => ({
    Put: {
      TableName: tableName,
      Item: personLinkItem(
        imported.email,
        {
          campaignId: imported.campaignId,
          orderId: importedAnswerLinkOrderId(responseId(imported.token)),
          tokens: [imported.token],
        },
        expiresAt(imported.answeredAt, retentionDays),
      ),
    },
  }));
  const counts = new Map<
    string,
    { campaignId: string; target: AggregateTarget; shard: number; delta: Counters }
  >();
  for (const imported of answers) {
    const added = answerCounters(imported.answer);
    for (const { target, shard } of importTargets(imported)) {
      const id = `${imported.campaignId}#${targetId(target)}#${shard}`;
      const entry = counts.get(id) ?? {
        campaignId: imported.campaignId,
        target,
        shard,
        delta: emptyCounters(),
      };
      entry.delta = combineCounters(entry.delta, added);
      counts.set(id, entry);
    }
  }
  const adds = [...counts.values()].flatMap(
    ({ campaignId, target, shard, delta }) =>
      aggregateUpdate(tableName, campaignId, target, shard, delta) ?? [],
  );
  return { TransactItems: [...puts, ...links, ...adds] };
}

/** The response item of an imported answer: the fields of an answer's response, as answerTransaction writes them. */
function importedResponseItem(imported: ImportedResponse, at: string, retentionDays: number) {
  const createdAt = imported.answeredAt;
  return {
    ...responseKey(imported.token),
    ...responseListing(imported.campaignId, createdAt, imported.token),
    type: "response",
    token: imported.token,
    campaignId: imported.campaignId,
    orderId: imported.orderId,
    kind: "initial",
    email: imported.email,
    name: imported.name,
    locale: imported.locale,
    properties: imported.properties,
    ...imported.answer,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    countedIn: targetsFor(createdAt.slice(0, 10), imported.segments),
    expiresAt: expiresAt(createdAt, retentionDays),
    importedAt: at,
    ...(imported.anonymous ? { erasedAt: at } : {}),
  };
}

/** A response as listed: the answer with the purchase it is about. */
export type ListedResponse = Answer &
  Pick<
    Invitation,
    "token" | "campaignId" | "orderId" | "kind" | "email" | "name" | "locale" | "properties"
  > & {
    createdAt: string;
    updatedAt: string;
  };

/** DynamoDB reads at most this many items per query call; filtered reads at least the minimum. */
const LIST_READ_MAX = 1000;
/** Queries one page may take (at most 20,000 items read) before it answers short, with a cursor. */
const LIST_QUERIES_MAX = 20;
const LIST_FILTERED_READ_MIN = 100;

type ResponseRange = { campaignId: string; partition: string; lower?: string; upper?: string };

/** The listing's partition and sort-key bounds for the days from..to. */
function responseRange(campaignId: string, filter: ResponseFilter): ResponseRange {
  return { campaignId, ...responseListingRange(campaignId, filter) };
}

function responseQuery(range: ResponseRange, filter: ResponseFilter) {
  const values: Record<string, string | number> = { ":partition": range.partition };
  let keyCondition = "gsi1pk = :partition";
  if (range.lower !== undefined) values[":lower"] = range.lower;
  if (range.upper !== undefined) values[":upper"] = range.upper;
  if (range.lower !== undefined && range.upper !== undefined)
    keyCondition += " AND gsi1sk BETWEEN :lower AND :upper";
  else if (range.lower !== undefined) keyCondition += " AND gsi1sk >= :lower";
  else if (range.upper !== undefined) keyCondition += " AND gsi1sk <= :upper";
  const filters: string[] = [];
  if (filter.minScore !== undefined) {
    filters.push("#score >= :minScore");
    values[":minScore"] = filter.minScore;
  }
  if (filter.maxScore !== undefined) {
    filters.push("#score <= :maxScore");
    values[":maxScore"] = filter.maxScore;
  }
  return {
    KeyConditionExpression: keyCondition,
    ExpressionAttributeValues: values,
    ...(filters.length > 0
      ? { FilterExpression: filters.join(" AND "), ExpressionAttributeNames: { "#score": "score" } }
      : {}),
  };
}

function toListedResponse(item: Record<string, unknown>): ListedResponse {
  return {
    token: String(item.token),
    campaignId: String(item.campaignId),
    orderId: String(item.orderId),
    kind: item.kind as ListedResponse["kind"],
    email: String(item.email),
    name: typeof item.name === "string" ? item.name : null,
    locale: typeof item.locale === "string" ? (item.locale as ListedResponse["locale"]) : null,
    properties: (item.properties as ListedResponse["properties"] | undefined) ?? {},
    score: Number(item.score),
    csat: typeof item.csat === "number" ? item.csat : null,
    attributes: (item.attributes as Record<string, number> | undefined) ?? {},
    comment: typeof item.comment === "string" ? item.comment : null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
