import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SEGMENT_VALUES, NO_SEGMENT, OTHER_SEGMENT } from "../../functions/domain/counters";
import { ResultsStore } from "../../functions/store/results-store";
import { createTestTable, type TestTable } from "../support/dynamo";

/**
 * Segment values per property are capped (MAX_SEGMENT_VALUES, then "(other)"), against DynamoDB Local.
 * Each store stands for one Lambda container: it remembers values it saw admitted and skips their write.
 */
let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table?.drop());

/** A ResultsStore whose DynamoDB calls are counted. */
function countingStore(): { store: ResultsStore; writes: () => number } {
  let writes = 0;
  const db = new Proxy(table.db, {
    get: (target, property, receiver) =>
      property === "send"
        ? (command: { constructor: { name: string } }) => {
            if (command.constructor.name === "UpdateCommand") writes++;
            return target.send(command as never);
          }
        : Reflect.get(target, property, receiver),
  }) as DynamoDBDocumentClient;
  return { store: new ResultsStore(db, table.tableName), writes: () => writes };
}

describe("segment values", () => {
  it(`keeps ${MAX_SEGMENT_VALUES} values per property, counts later ones as ${OTHER_SEGMENT}, and never evicts`, async () => {
    const { store } = countingStore();
    const resolve = (region: unknown) =>
      store.resolveSegments("cmp_cap", ["region"], { region: region as string }).then((s) => s.region);
    for (let i = 0; i < MAX_SEGMENT_VALUES; i++) expect(await resolve(`r${i}`)).toBe(`r${i}`);
    expect(await resolve("one too many")).toBe(OTHER_SEGMENT);
    expect(await resolve("r7")).toBe("r7");
    // Another container, without this one's memory, reads the same set.
    const other = countingStore();
    expect((await other.store.resolveSegments("cmp_cap", ["region"], { region: "R199 " })).region).toBe(
      "r199",
    );
    expect((await other.store.resolveSegments("cmp_cap", ["region"], { region: "new" })).region).toBe(
      OTHER_SEGMENT,
    );
    // Another property, and another campaign, have caps of their own.
    expect((await store.resolveSegments("cmp_cap", ["tier"], { tier: "gold" })).tier).toBe("gold");
    expect((await store.resolveSegments("cmp_other", ["region"], { region: "new" })).region).toBe("new");
    expect((await store.resolveSegments("cmp_cap", ["region"], {})).region).toBe(NO_SEGMENT);
  }, 60_000);

  it("writes a value once per container: later sends with it skip the write", async () => {
    const { store, writes } = countingStore();
    for (let i = 0; i < 5; i++) {
      expect((await store.resolveSegments("cmp_cache", ["region"], { region: "north" })).region).toBe(
        "north",
      );
    }
    expect(writes()).toBe(1);
    // A value over the cap is not remembered as admitted: it is asked again (and stays "(other)").
    const capped = countingStore();
    for (let i = 0; i < MAX_SEGMENT_VALUES; i++) {
      await capped.store.resolveSegments("cmp_cache_cap", ["region"], { region: `v${i}` });
    }
    const before = capped.writes();
    for (let i = 0; i < 2; i++) {
      expect(
        (await capped.store.resolveSegments("cmp_cache_cap", ["region"], { region: "late" })).region,
      ).toBe(OTHER_SEGMENT);
    }
    expect(capped.writes() - before).toBe(2);
  }, 60_000);
});
