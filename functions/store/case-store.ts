import { randomBytes } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  AnswerEdit,
  CaseCounts,
  CaseEntry,
  CaseEntryType,
  CaseFilter,
  CaseStatus,
  NewCase,
  StoredCase,
} from "../domain/case";
import { CASE_COUNT_FIELDS, CASE_VIEW_FIELDS, noCaseCounts } from "../domain/case-rules";
import { ConflictError } from "../domain/errors";
import { personIdOf } from "../domain/hash";
import { DEFAULT_RETENTION_DAYS, expiresAt } from "../domain/retention";
import { decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import {
  CASES_PARTITION,
  caseEntryKey,
  caseKey,
  caseListing,
  casePartition,
  caseStatsKey,
  caseStatsRange,
  caseStatsShardOf,
  digestMarkKey,
  LISTING_INDEX,
  responseKey,
  resultsPartition,
} from "./keys";
import { conditionHeld, failedConditions, sendTransaction } from "./transactions";

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

/** What a case item holds beside its keys: what the API shows, and what the events function keeps. */
const CASE_ATTRIBUTES = [...CASE_VIEW_FIELDS, "token", "responseVersion", "alertedAt"] as const;

/**
 * Cases and their timelines. Every change is conditional on the state it starts from, so a replayed
 * stream record, a second alert or a racing edit in the console changes nothing twice; the case
 * counters (results' `cases`) move in the same transaction as the change that causes them.
 */
export class CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {}

  /** Opens a case with its first entry and counts it; false when it is open already (a replay). */
  async open(record: NewCase): Promise<boolean> {
    const item = {
      ...caseKey(record.id),
      ...caseListing(record.openedAt, record.id),
      type: "case",
      ...record,
      status: "open",
      version: 1,
      firstResponseAt: null,
      resolvedAt: null,
      resolution: null,
      alertedAt: null,
      expiresAt: expiresAt(record.openedAt, this.retentionDays),
    };
    return await this.transact(
      [
        {
          Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
        },
        this.entryPut(record.id, record.openedAt, "opened", null, undefined, { id: "opened" }),
        this.countUpdate(record, { ...noCaseCounts(), opened: 1 }),
        // Never once the person's data was erased: an erasure marks the response before it erases cases.
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: responseKey(record.token),
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(erasedAt)",
          },
        },
      ],
      [0, 3],
    );
  }

  /** The case with its timeline, oldest entry first: one Query of its partition. */
  async get(caseId: string): Promise<StoredCase | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": casePartition(caseId) },
      }),
    );
    const item = Items.find((i) => i.sk === caseKey(caseId).sk);
    if (!item) return undefined;
    // By time; at the same instant the opening comes first (an alert at the clock's same millisecond).
    const timeline = Items.filter((i) => i !== item)
      .map(toEntry)
      .sort((a, b) =>
        a.at !== b.at ? (a.at < b.at ? -1 : 1) : Number(b.type === "opened") - Number(a.type === "opened"),
      );
    return { ...toStoredCase(item), timeline };
  }

  /** Records that its owners were alerted; false when that was recorded before. */
  async markAlerted(caseId: string, at: string, owners: readonly string[]): Promise<boolean> {
    return await this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: caseKey(caseId),
            UpdateExpression: "SET alertedAt = :at",
            ConditionExpression: "attribute_exists(pk) AND alertedAt = :null",
            ExpressionAttributeValues: { ":at": at, ":null": null },
          },
        },
        this.entryPut(caseId, at, "alerted", null, owners.join(", "), { id: "alerted" }),
      ],
      0,
    );
  }

  /** Takes an edited answer onto the case; false when the case has seen this version or a later one. */
  async followAnswerEdit(caseId: string, edit: AnswerEdit, at: string): Promise<boolean> {
    return await this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: caseKey(caseId),
            UpdateExpression:
              "SET score = :score, csat = :csat, #comment = :comment, responseVersion = :rv, version = version + :one",
            ConditionExpression: "attribute_exists(pk) AND responseVersion < :rv",
            ExpressionAttributeNames: { "#comment": "comment" },
            ExpressionAttributeValues: {
              ":score": edit.score,
              ":csat": edit.csat,
              ":comment": edit.comment,
              ":rv": edit.responseVersion,
              ":one": 1,
            },
          },
        },
        this.entryPut(
          caseId,
          at,
          edit.stillMeetsRule ? "answer_updated" : "rule_no_longer_met",
          null,
          `score ${edit.score}${edit.csat === null ? "" : `, csat ${edit.csat}`}`,
          { id: `v${edit.responseVersion}` },
        ),
      ],
      0,
    );
  }

  /**
   * Changes status and owner, if the case is still at `expectedVersion` (else a 409): resolving needs a
   * resolution; leaving `resolved` clears it, and the resolved count follows.
   */
  async update(
    current: StoredCase,
    change: { status?: CaseStatus | undefined; owner?: string | undefined; resolution?: string | undefined },
    expectedVersion: number,
    by: string,
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    const sets = ["version = version + :one"];
    const values: Record<string, unknown> = { ":one": 1, ":expected": expectedVersion };
    const entries: TransactItem[] = [];
    let resolvedDelta = 0;
    if (change.status !== undefined && change.status !== current.status) {
      sets.push("#status = :status");
      values[":status"] = change.status;
      // The entry keeps the resolution: the case itself drops it when reopened.
      entries.push(
        this.entryPut(current.id, at, "status_changed", by, change.status, {
          ...(change.status === "resolved" && change.resolution !== undefined
            ? { resolution: change.resolution }
            : {}),
        }),
      );
      if (change.status === "resolved") {
        sets.push("resolvedAt = :at", "resolution = :resolution");
        values[":at"] = at;
        values[":resolution"] = change.resolution ?? null;
        resolvedDelta = 1;
      } else if (current.status === "resolved") {
        sets.push("resolvedAt = :null", "resolution = :null");
        values[":null"] = null;
        resolvedDelta = -1;
      }
    }
    if (change.owner !== undefined && change.owner !== current.owner) {
      sets.push("#owner = :owner");
      values[":owner"] = change.owner;
      entries.push(this.entryPut(current.id, at, "owner_changed", by, change.owner));
    }
    if (entries.length === 0) return;
    const updated = await this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: caseKey(current.id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "version = :expected",
            ExpressionAttributeNames: {
              ...(sets.some((s) => s.startsWith("#status")) ? { "#status": "status" } : {}),
              ...(sets.some((s) => s.startsWith("#owner")) ? { "#owner": "owner" } : {}),
            },
            ExpressionAttributeValues: values,
          },
        },
        ...entries,
        ...(resolvedDelta === 0
          ? []
          : [this.countUpdate(current, { ...noCaseCounts(), resolved: resolvedDelta })]),
      ],
      0,
    );
    if (!updated) throw staleCase();
  }

  /** Adds a note to the timeline. */
  async addNote(caseId: string, text: string, by: string, now: Date): Promise<void> {
    await this.transact(
      [
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: caseKey(caseId),
            ConditionExpression: "attribute_exists(pk)",
          },
        },
        this.entryPut(caseId, now.toISOString(), "note", by, text),
      ],
      0,
    );
  }

  /**
   * Records a reply sent to the customer; the first one is the case's first response, counted (within
   * target or not, and how long it took) in the same transaction.
   */
  async recordReply(
    current: StoredCase,
    text: string,
    by: string,
    now: Date,
    firstResponse: CaseCounts | null,
  ) {
    const at = now.toISOString();
    const first = firstResponse !== null && current.firstResponseAt === null;
    const written = await this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: caseKey(current.id),
            UpdateExpression: first
              ? "SET firstResponseAt = :at, version = version + :one"
              : "SET version = version + :one",
            ConditionExpression: first ? "firstResponseAt = :null" : "attribute_exists(pk)",
            ExpressionAttributeValues: { ":one": 1, ...(first ? { ":at": at, ":null": null } : {}) },
          },
        },
        this.entryPut(current.id, at, "reply", by, text),
        ...(first && firstResponse ? [this.countUpdate(current, firstResponse)] : []),
      ],
      0,
    );
    // Another reply was the first meanwhile: this one is recorded as a later reply.
    if (!written && first) await this.recordReply({ ...current, firstResponseAt: at }, text, by, now, null);
  }

  /**
   * A page of cases, newest first, keeping those that pass the filter: read from the case listing
   * (one partition) a page at a time until `limit` are kept or it ends.
   */
  async list(
    filter: CaseFilter,
    limit: number,
    cursor: string | undefined,
    now: Date,
  ): Promise<{ items: StoredCase[]; nextCursor: string | null }> {
    const position = decodeCursor(cursor, 2);
    let startKey: Record<string, unknown> | undefined;
    if (position) {
      const [openedAt = "", caseId = ""] = position;
      if (!/^case_[A-Za-z0-9_-]{22}$/.test(caseId)) throw invalidCursor();
      startKey = { ...caseKey(caseId), ...caseListing(openedAt, caseId) };
    }
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":pk": CASES_PARTITION };
    if (filter.campaignId !== undefined) {
      conditions.push("campaignId = :campaignId");
      values[":campaignId"] = filter.campaignId;
    }
    if (filter.status !== undefined) {
      conditions.push("#status = :status");
      names["#status"] = "status";
      values[":status"] = filter.status;
    }
    if (filter.owner !== undefined) {
      conditions.push("#owner = :owner");
      names["#owner"] = "owner";
      values[":owner"] = filter.owner;
    }
    if (filter.overdue !== undefined) {
      names["#status"] = "status";
      values[":resolved"] = "resolved";
      values[":now"] = now.toISOString();
      conditions.push(
        filter.overdue ? "(#status <> :resolved AND dueAt < :now)" : "(#status = :resolved OR dueAt >= :now)",
      );
    }
    const items: StoredCase[] = [];
    let lastKey: Record<string, unknown> | undefined = startKey;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LISTING_INDEX,
          KeyConditionExpression: "gsi1pk = :pk",
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(" AND ") } : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - items.length,
          ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) items.push({ ...toStoredCase(item), timeline: [] });
      lastKey = page.LastEvaluatedKey;
    } while (lastKey && items.length < limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: lastKey && last ? encodeCursor([last.openedAt, last.id]) : null,
    };
  }

  /** The case counters of a campaign for the UTC days from..to, summed over shards. */
  async countsOf(campaignId: string, range: { from: string; to: string }): Promise<CaseCounts> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": resultsPartition(campaignId),
          ":from": caseStatsRange(range.from, range.to).from,
          ":to": caseStatsRange(range.from, range.to).to,
        },
      }),
    );
    const counts = noCaseCounts();
    for (const item of Items) {
      for (const field of CASE_COUNT_FIELDS) {
        counts[field] += typeof item[field] === "number" ? (item[field] as number) : 0;
      }
    }
    return counts;
  }

  /**
   * Erases the case's personal data (address, name, comment, properties, entry texts and resolutions); its counts stay.
   * Returns the version it has then (its webhook events are found by it), or null when there is no case.
   */
  async erase(caseId: string, now: Date): Promise<number | null> {
    const current = await this.get(caseId);
    if (!current) return null;
    const erased = current.email === "" && current.name === null && current.comment === null;
    if (!erased)
      await this.transact(
        [
          {
            Update: {
              TableName: this.tableName,
              Key: caseKey(caseId),
              UpdateExpression:
                "SET email = :empty, #name = :null, #comment = :null, properties = :none, resolution = :null, erasedAt = :at, version = version + :one",
              ExpressionAttributeNames: { "#name": "name", "#comment": "comment" },
              ExpressionAttributeValues: {
                ":empty": "",
                ":null": null,
                ":none": {},
                ":at": now.toISOString(),
                ":one": 1,
              },
            },
          },
        ],
        0,
      );
    // Entries go in their own writes: a long timeline would not fit one transaction.
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :entry)",
        ExpressionAttributeValues: { ":pk": casePartition(caseId), ":entry": "ENTRY#" },
      }),
    );
    for (const entry of Items.filter((item) => "text" in item || "resolution" in item)) {
      await this.transact(
        [
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: entry.pk, sk: entry.sk },
              UpdateExpression: "REMOVE #text, resolution",
              ExpressionAttributeNames: { "#text": "text" },
            },
          },
        ],
        0,
      );
    }
    return erased ? current.version : current.version + 1;
  }

  /**
   * Claims the sending of one owner's digest of one UTC day: true for the first claim, and for a claim
   * whose sender never confirmed it within `leaseMs` (it died); false once it was sent or while another
   * claim holds. Marks are kept a week.
   */
  async claimDigest(day: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    return await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...digestMarkKey(day, personIdOf(owner)),
            type: "digestMark",
            claimedUntil: new Date(now.getTime() + leaseMs).toISOString(),
            sentAt: null,
            expiresAt: Math.floor(now.getTime() / 1000) + 7 * 86_400,
          },
          ConditionExpression: "attribute_not_exists(pk) OR (sentAt = :null AND claimedUntil < :now)",
          ExpressionAttributeValues: { ":null": null, ":now": now.toISOString() },
        }),
      ),
    );
  }

  /** Records that the digest claimed went out. */
  async markDigestSent(day: string, owner: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: digestMarkKey(day, personIdOf(owner)),
        UpdateExpression: "SET sentAt = :now",
        ExpressionAttributeValues: { ":now": now.toISOString() },
      }),
    );
  }

  private entryPut(
    caseId: string,
    at: string,
    type: CaseEntryType,
    by: string | null,
    text: string | undefined,
    extra: { readonly id?: string; readonly resolution?: string } = {},
  ): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...caseEntryKey(caseId, at, extra.id ?? randomBytes(6).toString("base64url")),
          type: "caseEntry",
          at,
          entryType: type,
          by,
          ...(text === undefined ? {} : { text }),
          ...(extra.resolution === undefined ? {} : { resolution: extra.resolution }),
        },
      },
    };
  }

  private countUpdate(
    c: Pick<StoredCase, "id" | "campaignId" | "openedAt">,
    delta: CaseCounts,
  ): TransactItem {
    const fields = CASE_COUNT_FIELDS.filter((field) => delta[field] !== 0);
    return {
      Update: {
        TableName: this.tableName,
        Key: caseStatsKey(c.campaignId, c.openedAt.slice(0, 10), caseStatsShardOf(c.id)),
        UpdateExpression: `SET #type = :type ADD ${fields.map((_, i) => `#f${i} :f${i}`).join(", ")}`,
        ExpressionAttributeNames: {
          "#type": "type",
          ...Object.fromEntries(fields.map((field, i) => [`#f${i}`, field])),
        },
        ExpressionAttributeValues: {
          ":type": "caseCounts",
          ...Object.fromEntries(fields.map((field, i) => [`:f${i}`, delta[field]])),
        },
      },
    };
  }

  /**
   * Sends a transaction; false when the item at `conditionIndex` failed its condition (the change was
   * made before, or the case moved on), anything else thrown.
   */
  private async transact(items: TransactItem[], conditionIndex: number | number[]): Promise<boolean> {
    const expected = Array.isArray(conditionIndex) ? conditionIndex : [conditionIndex];
    try {
      await sendTransaction(this.db, new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (failedConditions(error)?.some((index) => expected.includes(index))) return false;
      throw error;
    }
  }
}

const staleCase = () =>
  new ConflictError(
    "The case changed since you read it: read it again and apply your change to what it is now.",
  );

function toStoredCase(item: Record<string, unknown>): Omit<StoredCase, "timeline"> {
  const picked = Object.fromEntries(CASE_ATTRIBUTES.map((name) => [name, item[name] ?? null]));
  const owners = (item.owners as string[] | undefined) ?? [];
  return { ...picked, owners } as unknown as Omit<StoredCase, "timeline">;
}

function toEntry(item: Record<string, unknown>): CaseEntry {
  return {
    at: String(item.at),
    type: item.entryType as CaseEntryType,
    by: typeof item.by === "string" ? item.by : null,
    ...(typeof item.text === "string" ? { text: item.text } : {}),
    ...(typeof item.resolution === "string" ? { resolution: item.resolution } : {}),
  };
}
