import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newToken } from "../../functions/domain/tokens";
import { responseKey, responseListing } from "../../functions/store/keys";
import { ResponseStore } from "../../functions/store/response-store";
import { csvExportPart } from "../../functions/use-cases/export-responses";
import { putInBulk } from "../support/bulk-write";
import { createTestTable, type TestTable } from "../support/dynamo";

/**
 * A score filter that matches 2 of 25,000 responses: one request must not read the whole campaign
 * (it would outrun Lambda's timeout on a large one). Listing pages and CSV parts stop reading after a
 * bound and hand back a cursor; walking the cursors still finds every match, once.
 */
const RESPONSES = 25_000;
const CAMPAIGN = "cmp_SPARSEsparse01";
const MATCHES = new Set([3, 24_990]);

let table: TestTable;
let store: ResponseStore;
const campaign = { id: CAMPAIGN, attributes: [], segmentBy: [] } as never;

beforeAll(async () => {
  table = await createTestTable();
  store = new ResponseStore(table.db, table.tableName);
  await putInBulk(table.db, table.tableName, RESPONSES, (i) => {
    const token = newToken();
    const createdAt = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString();
    return {
      ...responseKey(token),
      ...responseListing(CAMPAIGN, createdAt, token),
      type: "response",
      token,
      campaignId: CAMPAIGN,
      orderId: `o-${i}`,
      kind: "first",
      email: `c${i}@example.com`,
      name: null,
      locale: null,
      properties: {},
      score: MATCHES.has(i) ? 10 : 4,
      csat: null,
      attributes: {},
      comment: null,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
  });
}, 120_000);
afterAll(async () => table?.drop());

describe("a sparse score filter", () => {
  it("answers short pages with a cursor instead of reading everything at once, and loses no match", async () => {
    const found: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let shortWithCursor = 0;
    do {
      const page = await store.list(CAMPAIGN, { minScore: 9 }, 10, cursor);
      pages++;
      if (page.nextCursor !== null && page.items.length < 10) shortWithCursor++;
      found.push(...page.items.map((item) => item.orderId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(found).toEqual(["o-24990", "o-3"]);
    expect(shortWithCursor).toBeGreaterThan(0);
    expect(pages).toBeGreaterThan(1);
  }, 120_000);

  it("ends CSV parts early the same way, and their rows together are every match once", async () => {
    const rows: string[] = [];
    let cursor: string | undefined;
    let parts = 0;
    do {
      const part = await csvExportPart(store, campaign, { minScore: 9 }, cursor, {
        pageSize: 1000,
        maxBytes: 5 * 1024 * 1024,
        // 25,000 rows are two store reads' worth (the product allows 3 short ones per part).
        maxShortPages: 1,
      });
      parts++;
      rows.push(...part.body.split("\r\n").slice(1).filter(Boolean));
      cursor = part.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(rows.map((row) => row.split(",")[3])).toEqual(["o-24990", "o-3"]);
    expect(parts).toBeGreaterThan(1);
  }, 120_000);
});
