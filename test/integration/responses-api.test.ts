import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { type ResponseItem, responseId } from "../../functions/domain/response-export";
import { newToken } from "../../functions/domain/tokens";
import { createApiApp } from "../../functions/http/api-app";
import { responseKey, responseListing } from "../../functions/store/keys";
import type { ResponseListPorts } from "../../functions/use-cases/list-responses";
import { closeServer } from "../../local/http-server";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/**
 * GET /v1/campaigns/{id}/responses, JSON and CSV, through the harness's real HTTP server over DynamoDB
 * Local. Responses are made the way customers make them: purchases posted to the API, emails sent
 * through the SES emulator, answers posted to the emailed links at chosen times. A second, bare app
 * with only these routes (and a small export page size) checks the CSV stream across pages and when a
 * page fails.
 */

type Page = { items: ResponseItem[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

const EXPORT_PAGE_SIZE = 7;
const COMMENTS: Record<number, string> = {
  0: '=HYPERLINK("http://x")',
  1: "+1",
  2: "-2",
  5: "@SUM(A1)",
  6: 'Fast, "really" fast\nsecond line',
  7: "很好，谢谢！送货很快。",
};
const NAMES: Record<number, string> = { 6: 'O"Brien, Jr.', 7: "王小明" };
/** When customer i first answered: four a day from 1 to 5 March, two on either side of midnight. */
const answeredAt = (i: number): string =>
  i === 3
    ? "2026-03-01T23:59:59.999Z"
    : i === 4
      ? "2026-03-02T00:00:00.000Z"
      : new Date(Date.UTC(2026, 2, 1 + Math.floor(i / 4), 10 + (i % 4) * 3)).toISOString();
const scoreOf = (i: number): number => 10 - (i % 11);
const orderIdOf = (i: number): string => (i === 9 ? "-09" : `o-${String(i).padStart(2, "0")}`);
const CUSTOMERS = 20;

type Answered = { i: number; token: string; orderId: string; score: number; createdAt: string };

describe("responses API", () => {
  const clock = manualClock("2026-03-01T09:00:00.000Z");
  let h: DeliveryHarness;
  let baseUrl: string;
  let campaign: Campaign;
  let other: Campaign;
  let answered: Answered[];

  const get = async <T = Page>(
    path: string,
    { accept = "application/json", key }: { accept?: string; key?: string | null } = {},
  ) => {
    const headers: Record<string, string> = { accept };
    const apiKey = key === undefined ? h.apiKey : key;
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    const response = await fetch(`${baseUrl}${path}`, { headers });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, bytes, text, body: body as T };
  };
  const list = (campaignId: string, query = "") => get(`/v1/campaigns/${campaignId}/responses${query}`);

  /** Every page of a listing, following nextCursor; asserts that only the last page is short. */
  const walk = async (campaignId: string, query: string, limit: number) => {
    const pages: ResponseItem[][] = [];
    let cursor: string | null = null;
    do {
      const response: Awaited<ReturnType<typeof list>> = await list(
        campaignId,
        `?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(response.status, response.text).toBe(200);
      pages.push(response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor !== null && pages.length < 200);
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
    expect(pages.at(-1)?.length).toBeLessThanOrEqual(limit);
    if (pages.length > 1) expect(pages.at(-1)?.length).toBeGreaterThan(0);
    return pages.flat();
  };

  /** Posts purchases, sends the emails and answers each through its link at `at(i)`. */
  const answerThroughEmail = async (
    target: Campaign,
    count: number,
    prefix: string,
    at: (i: number) => string,
  ): Promise<Answered[]> => {
    await h.postPurchases(
      target.id,
      Array.from({ length: count }, (_, i) => ({
        orderId: target === campaign ? orderIdOf(i) : `${prefix}-${i}`,
        email: `${prefix}${i}@example.com`,
        ...(NAMES[i] && target === campaign ? { name: NAMES[i] } : {}),
        properties: { region: i % 2 ? "north" : "南方", n: i },
      })),
    );
    await h.deliver();
    const result: Answered[] = [];
    for (let i = 0; i < count; i++) {
      const [email] = await h.inbox({ to: `${prefix}${i}@example.com` });
      if (!email) throw new Error(`no email for ${prefix}${i}`);
      const { survey, token } = h.linksIn(email);
      clock.set(at(i));
      const body: Record<string, unknown> = { score: scoreOf(i) };
      if (target === campaign) {
        if (COMMENTS[i] !== undefined) body.comment = COMMENTS[i];
        if (i % 3 === 0) body["attr.delivery"] = 1 + (i % 5);
      }
      const posted = await fetch(survey, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      });
      expect(posted.status, await posted.text()).toBe(200);
      result.push({
        i,
        token,
        orderId: target === campaign ? orderIdOf(i) : `${prefix}-${i}`,
        score: scoreOf(i),
        createdAt: at(i),
      });
    }
    return result;
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    baseUrl = h.baseUrl;
    campaign = await h.createCampaign({
      delayDays: 0,
      throttleDays: 0,
      attributes: [
        { key: "delivery", label: "Delivery" },
        { key: "price", label: "Price" },
      ],
      segmentBy: ["region"],
    });
    other = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
    answered = await answerThroughEmail(campaign, CUSTOMERS, "c", answeredAt);
    await answerThroughEmail(other, 3, "x", (i) => `2026-03-0${2 + i}T12:00:00.000Z`);
    // An edit later on: updatedAt moves, the place in the listing (first answer) does not.
    const [first] = await h.inbox({ to: "c0@example.com" });
    if (!first) throw new Error("no email for c0");
    clock.set("2026-03-06T08:00:00.000Z");
    const edit = await fetch(h.linksIn(first).survey, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ score: 8, comment: COMMENTS[0], "attr.delivery": 1 }),
    });
    expect(edit.status).toBe(200);
  }, 120_000);

  afterAll(async () => h?.close());

  /**
   * The API on a server of its own over `responses`, exporting `EXPORT_PAGE_SIZE` rows a read, in CSV
   * parts of at most `maxPartBytes` (default: the product's).
   */
  const bareServer = async (responses: ResponseListPorts["responses"], maxPartBytes?: number) => {
    const app = createApiApp({
      ...h.stores,
      // The listing as given; an erasure or an export (not exercised here) reads as the product does.
      responses: {
        list: responses.list.bind(responses),
        erase: h.stores.responses.erase.bind(h.stores.responses),
        imported: h.stores.responses.imported.bind(h.stores.responses),
      },
      export: { pageSize: EXPORT_PAGE_SIZE, ...(maxPartBytes === undefined ? {} : { maxPartBytes }) },
    });
    return await serveApp(app);
  };
  const csvFrom = (url: string) =>
    fetch(url, { headers: { accept: "text/csv", authorization: `Bearer ${h.apiKey}` } });

  const newestFirst = (rows: readonly Answered[]) =>
    [...rows].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => r.orderId);

  it("lists every response newest first with the documented fields, ids that are not tokens", async () => {
    const response = await list(campaign.id, "?limit=1000");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("vary")).toBe("Accept");
    const { items, nextCursor } = response.body;
    expect(nextCursor).toBeNull();
    expect(items.map((item) => item.orderId)).toEqual(newestFirst(answered));
    expect(items.map((item) => item.createdAt)).toEqual(
      [...answered].map((r) => r.createdAt).sort((a, b) => b.localeCompare(a)),
    );

    const byOrder = new Map(items.map((item) => [item.orderId, item]));
    const row7 = byOrder.get(orderIdOf(7));
    expect(row7).toEqual({
      id: responseId(answered[7]?.token ?? ""),
      orderId: "o-07",
      email: "c7@example.com",
      name: "王小明",
      score: 3,
      csat: null,
      attributes: {},
      comment: "很好，谢谢！送货很快。",
      properties: { region: "north", n: 7 },
      locale: null,
      createdAt: answeredAt(7),
      updatedAt: answeredAt(7),
    });
    expect(byOrder.get("o-00")).toMatchObject({
      score: 8,
      attributes: { delivery: 1 },
      createdAt: answeredAt(0),
      updatedAt: "2026-03-06T08:00:00.000Z",
    });

    const ids = items.map((item) => item.id);
    expect(new Set(ids).size).toBe(CUSTOMERS);
    for (const id of ids) expect(id).toMatch(/^rsp_[A-Za-z0-9_-]{22}$/);
    for (const { token } of answered) expect(response.text).not.toContain(token);
    // Stable: the same response has the same id on every call.
    expect((await list(campaign.id, "?limit=1000")).body.items.map((item) => item.id)).toEqual(ids);
  });

  it("defaults to 100 rows and never mixes in another campaign's responses", async () => {
    const all = await list(campaign.id);
    expect(all.body.items).toHaveLength(CUSTOMERS);
    const others = await list(other.id);
    expect(others.body.items.map((item) => item.orderId)).toEqual(["x-2", "x-1", "x-0"]);
  });

  it.each([
    [
      "?from=2026-03-02&to=2026-03-03",
      (r: Answered) => r.createdAt >= "2026-03-02" && r.createdAt < "2026-03-04",
    ],
    ["?from=2026-03-02&to=2026-03-02", (r: Answered) => r.createdAt.startsWith("2026-03-02")],
    ["?to=2026-03-01", (r: Answered) => r.createdAt.startsWith("2026-03-01")],
    ["?from=2026-03-05", (r: Answered) => r.createdAt >= "2026-03-05"],
    ["?from=2026-04-01", () => false],
  ])("filters by UTC day of the first answer, inclusive: %s", async (query, keep) => {
    const response = await list(campaign.id, query);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item) => item.orderId)).toEqual(newestFirst(answered.filter(keep)));
  });

  it("counts 23:59:59.999 in its day and 00:00:00.000 in the next", async () => {
    const first = await list(campaign.id, "?to=2026-03-01");
    expect(first.body.items.map((item) => item.orderId)).toContain(orderIdOf(3));
    expect(first.body.items.map((item) => item.orderId)).not.toContain(orderIdOf(4));
    const second = await list(campaign.id, "?from=2026-03-02&to=2026-03-02");
    expect(second.body.items.map((item) => item.orderId)).toContain(orderIdOf(4));
  });

  it.each([
    ["?minScore=9", (s: number) => s >= 9],
    ["?maxScore=6", (s: number) => s <= 6],
    ["?minScore=7&maxScore=8", (s: number) => s >= 7 && s <= 8],
    ["?minScore=0&maxScore=0", (s: number) => s === 0],
    ["?minScore=10&maxScore=10&from=2026-03-03", (s: number) => s === 10],
  ])("filters by score: %s", async (query, keep) => {
    const response = await list(campaign.id, query);
    expect(response.status).toBe(200);
    const extra = query.includes("from=") ? (r: Answered) => r.createdAt >= "2026-03-03" : () => true;
    // o-00 was edited from 10 to 8: the listing filters on the current answer.
    const current = answered.map((r) => (r.i === 0 ? { ...r, score: 8 } : r));
    const expected = newestFirst(current.filter((r) => keep(r.score) && extra(r)));
    expect(expected.length).toBeGreaterThan(0);
    expect(response.body.items.map((item) => item.orderId)).toEqual(expected);
    for (const item of response.body.items) expect(keep(item.score)).toBe(true);
  });

  it.each([
    ["", 1],
    ["", 3],
    ["", 7],
    ["minScore=9", 2],
    ["maxScore=3", 3],
    ["minScore=4&maxScore=6&from=2026-03-02", 1],
    ["from=2026-03-02&to=2026-03-04", 4],
  ])("walks every row exactly once, in order, with full pages: ?%s limit=%i", async (query, limit) => {
    const all = await list(campaign.id, `?${query}&limit=1000`);
    const walked = await walk(campaign.id, query, limit);
    expect(walked.map((item) => item.id)).toEqual(all.body.items.map((item) => item.id));
    expect(new Set(walked.map((item) => item.id)).size).toBe(walked.length);
  });

  it("ends on a full last page with a null cursor, not an empty extra page", async () => {
    const response = await list(campaign.id, `?limit=${CUSTOMERS}`);
    expect(response.body.items).toHaveLength(CUSTOMERS);
    expect(response.body.nextCursor).toBeNull();
  });

  it("keeps reading past filtered-out rows, so a page is short only at the end", async () => {
    // 250 responses, 3 of them promoters, spread so that DynamoDB's reads come back with few matches.
    const sparse = await h.createCampaign({ delayDays: 0 });
    const promoters = new Set([0, 130, 249]);
    const items = Array.from({ length: 250 }, (_, i) => {
      const token = newToken();
      const createdAt = new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString();
      return {
        ...responseKey(token),
        ...responseListing(sparse.id, createdAt, token),
        type: "response",
        token,
        campaignId: sparse.id,
        orderId: `s-${i}`,
        kind: "first",
        email: `s${i}@example.com`,
        name: null,
        locale: null,
        properties: {},
        score: promoters.has(i) ? 9 : 5,
        csat: null,
        attributes: {},
        comment: null,
        createdAt,
        updatedAt: createdAt,
        version: 1,
      };
    });
    for (let start = 0; start < items.length; start += 25) {
      await h.table.db.send(
        new BatchWriteCommand({
          RequestItems: {
            [h.table.tableName]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    const first = await list(sparse.id, "?minScore=9&limit=2");
    expect(first.body.items.map((item) => item.orderId)).toEqual(["s-249", "s-130"]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await list(
      sparse.id,
      `?minScore=9&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`,
    );
    expect(second.body).toEqual({ items: [expect.objectContaining({ orderId: "s-0" })], nextCursor: null });
    expect((await walk(sparse.id, "", 99)).map((item) => item.orderId)).toEqual(
      items.map((item) => item.orderId).reverse(),
    );
    const csv = await get(`/v1/campaigns/${sparse.id}/responses?maxScore=5`, { accept: "text/csv" });
    expect(parseCsv(csv.text.slice(1))).toHaveLength(1 + 247);
  });

  it("hands out cursors that hold no survey token and no key names", async () => {
    let cursor: string | null = null;
    const cursors: string[] = [];
    do {
      const page: { body: Page } = await list(campaign.id, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      cursor = page.body.nextCursor;
      if (cursor !== null) cursors.push(cursor);
    } while (cursor !== null);
    expect(cursors.length).toBeGreaterThan(2);
    for (const held of cursors) {
      const text = Buffer.from(held, "base64url").toString("utf8");
      for (const row of answered) expect(text).not.toContain(row.token);
      expect(text).not.toMatch(/INVITATION|RESPONSE|gsi1|"pk"|"sk"/);
    }
  });

  it("refuses a cursor from another campaign, another day range, or forged, naming the cursor", async () => {
    const foreign = (await list(other.id, "?limit=1")).body.nextCursor;
    const own = (await list(campaign.id, "?limit=1")).body.nextCursor;
    expect(foreign).not.toBeNull();
    expect(own).not.toBeNull();
    const [createdAt, id] = JSON.parse(Buffer.from(own ?? "", "base64url").toString()) as [string, string];
    const forge = (position: unknown) => Buffer.from(JSON.stringify(position)).toString("base64url");
    const anotherId = responseId(answered[5]?.token ?? "");

    const cases: [string, string][] = [
      [`?cursor=${foreign}`, "another campaign's cursor"],
      [`?cursor=${own}&to=2026-03-02`, "a cursor outside the days asked for"],
      ["?cursor=not-a-cursor", "garbage"],
      [`?cursor=${forge([createdAt, anotherId])}`, "another response at this one's time"],
      [`?cursor=${forge(["2026-03-04T10:00:00.000Z", id])}`, "this response at a made-up time"],
      [`?cursor=${forge([`${createdAt}#x`, id])}`, "a time that is not one"],
      [`?cursor=${forge([createdAt, id, "extra"])}`, "an extra part"],
      [`?cursor=${forge({ createdAt, id })}`, "not a list"],
    ];
    for (const [query, what] of cases) {
      const response = await get<ErrorBody>(`/v1/campaigns/${campaign.id}/responses${query}`);
      expect(response.status, what).toBe(400);
      expect(response.body.error.code, what).toBe("validation_failed");
      expect(
        response.body.error.details?.map((d) => d.field),
        what,
      ).toEqual(["cursor"]);
    }
    // The untouched cursor still works.
    expect((await list(campaign.id, `?cursor=${own}`)).status).toBe(200);
  });

  it.each([
    ["?minScore=11", ["minScore"]],
    ["?maxScore=-1", ["maxScore"]],
    ["?minScore=4.5", ["minScore"]],
    ["?minScore=8&maxScore=3", ["minScore"]],
    ["?limit=0", ["limit"]],
    ["?limit=1001", ["limit"]],
    ["?limit=ten", ["limit"]],
    ["?from=2026-02-30", ["from"]],
    ["?to=2026-3-1", ["to"]],
    ["?from=2026-03-05&to=2026-03-01", ["from"]],
    ["?sort=asc&score=9", ["sort", "score"]],
    ["?cursor=", ["cursor"]],
  ])("answers 400 naming the field for %s", async (query, fields) => {
    const response = await get<ErrorBody>(`/v1/campaigns/${campaign.id}/responses${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.details?.map((d) => d.field).sort()).toEqual([...fields].sort());
    for (const field of fields) expect(response.body.error.message).toContain(field);
  });

  it("answers 404 for an unknown campaign and 401 without a valid key", async () => {
    for (const id of ["cmp_AAAAAAAAAAAAAAAA", "nope", "%3Cscript%3E"]) {
      const response = await get<ErrorBody>(`/v1/campaigns/${id}/responses`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
    for (const key of [null, "not-a-key"]) {
      for (const accept of ["application/json", "text/csv"]) {
        const response = await get<ErrorBody>(`/v1/campaigns/${campaign.id}/responses`, { key, accept });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe("unauthorized");
        expect(response.text).not.toContain("o-00");
      }
    }
  });

  describe("CSV export", () => {
    const csvHeaderRow = [
      "id",
      "createdAt",
      "updatedAt",
      "orderId",
      "email",
      "name",
      "locale",
      "score",
      "csat",
      "comment",
      "attr.delivery",
      "attr.price",
      "properties.region",
      "properties",
    ];

    it("is a UTF-8 download with a BOM, a header row and every row, in the JSON order", async () => {
      const response = await get(`/v1/campaigns/${campaign.id}/responses?limit=1`, {
        accept: "text/csv",
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="responses-${campaign.id}.csv"`,
      );
      expect(response.headers.get("vary")).toBe("Accept");
      expect([...response.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(response.text.startsWith("\uFEFFid,createdAt,")).toBe(true);

      const [header, ...rows] = parseCsv(response.text.slice(1));
      expect(header).toEqual(csvHeaderRow);
      const json = (await list(campaign.id, "?limit=1000")).body.items;
      // limit and cursor are ignored: all 20 rows, across several pages of the store.
      expect(rows).toHaveLength(CUSTOMERS);
      expect(rows.map((row) => row[0])).toEqual(json.map((item) => item.id));
      for (const { token } of answered) expect(response.text).not.toContain(token);

      const column = (name: string) => csvHeaderRow.indexOf(name);
      const byOrder = new Map(rows.map((row) => [row[column("orderId")], row]));
      expect(byOrder.get("o-07")).toEqual([
        json.find((item) => item.orderId === "o-07")?.id,
        answeredAt(7),
        answeredAt(7),
        "o-07",
        "c7@example.com",
        "王小明",
        "",
        "3",
        "",
        "很好，谢谢！送货很快。",
        "",
        "",
        "north",
        '{"region":"north","n":7}',
      ]);
      // Commas, doubled quotes and a line break inside a field come back intact.
      expect(byOrder.get("o-06")?.[column("comment")]).toBe('Fast, "really" fast\nsecond line');
      expect(byOrder.get("o-06")?.[column("name")]).toBe('O"Brien, Jr.');
      expect(byOrder.get("o-06")?.[column("properties.region")]).toBe("南方");
      expect(byOrder.get("o-03")?.[column("attr.delivery")]).toBe("4");
    });

    it("neutralizes cells a spreadsheet would run as formulas", async () => {
      const response = await get(`/v1/campaigns/${campaign.id}/responses`, { accept: "text/csv" });
      const [header = [], ...rows] = parseCsv(response.text.slice(1));
      const comment = header.indexOf("comment");
      const orderId = header.indexOf("orderId");
      const comments = new Map(rows.map((row) => [row[orderId], row[comment]]));
      expect(comments.get("o-00")).toBe(`'=HYPERLINK("http://x")`);
      expect(comments.get("o-01")).toBe("'+1");
      expect(comments.get("o-02")).toBe("'-2");
      expect(comments.get("o-05")).toBe("'@SUM(A1)");
      // A caller-chosen orderId is text too.
      expect(rows.map((row) => row[orderId])).toContain("'-09");
      for (const row of rows) {
        for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
    });

    it("applies the same filters as the JSON listing", async () => {
      for (const query of ["?minScore=9", "?from=2026-03-02&to=2026-03-03&maxScore=7", "?from=2026-04-01"]) {
        const csv = await get(`/v1/campaigns/${campaign.id}/responses${query}`, { accept: "text/csv" });
        const json = await list(campaign.id, `${query}&limit=1000`);
        const [header, ...rows] = parseCsv(csv.text.slice(1));
        expect(header).toEqual(csvHeaderRow);
        expect(rows.map((row) => row[0])).toEqual(json.body.items.map((item) => item.id));
      }
    });

    it("validates the query like the JSON listing", async () => {
      const response = await get<ErrorBody>(`/v1/campaigns/${campaign.id}/responses?minScore=x&bogus=1`, {
        accept: "text/csv",
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.body.error.details?.map((d) => d.field).sort()).toEqual(["bogus", "minScore"]);
    });

    it("reads page after page of the store into one file when the export fits in one part", async () => {
      let reads = 0;
      const { server, baseUrl: bare } = await bareServer({
        list: async (...args: Parameters<ResponseListPorts["responses"]["list"]>) => {
          reads++;
          return h.stores.responses.list(...args);
        },
      });
      try {
        const paged = await csvFrom(`${bare}/v1/campaigns/${campaign.id}/responses`);
        const whole = await get(`/v1/campaigns/${campaign.id}/responses`, { accept: "text/csv" });
        expect(paged.headers.get("link")).toBeNull();
        expect(new Uint8Array(await paged.arrayBuffer())).toEqual(whole.bytes);
        expect(reads).toBe(Math.ceil(CUSTOMERS / EXPORT_PAGE_SIZE));
      } finally {
        await closeServer(server);
      }
    });

    it("splits a larger export into parts under the size cap, linked by rel=next, holding every row once", async () => {
      const whole = await get(`/v1/campaigns/${campaign.id}/responses?minScore=1`, { accept: "text/csv" });
      const [header, ...allRows] = parseCsv(whole.text.slice(1));
      // A quarter of the whole: several parts, and a first page (7 rows) that does not fit in one.
      const cap = Math.floor((Buffer.byteLength(JSON.stringify(whole.text)) - 2) / 4);
      const { server, baseUrl: bare } = await bareServer(h.stores.responses, cap);
      try {
        const rows: string[][] = [];
        let parts = 0;
        let next: string | null = `/v1/campaigns/${campaign.id}/responses?minScore=1`;
        while (next !== null) {
          const part = await csvFrom(`${bare}${next}`);
          expect(part.status).toBe(200);
          const text = Buffer.from(await part.arrayBuffer()).toString("utf8");
          expect(text.startsWith("\uFEFF")).toBe(true);
          // The weight the cap counts: the body as a JSON string inside Lambda's response.
          expect(Buffer.byteLength(JSON.stringify(text)) - 2).toBeLessThanOrEqual(cap);
          const [partHeader, ...partRows] = parseCsv(text.slice(1));
          expect(partHeader).toEqual(header);
          expect(partRows.length).toBeGreaterThan(0);
          rows.push(...partRows);
          parts++;
          const link = part.headers.get("link");
          next = link === null ? null : (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? "bad link");
          if (next !== null) expect(new URL(next, bare).searchParams.get("minScore")).toBe("1");
        }
        expect(parts).toBeGreaterThan(4);
        expect(rows).toEqual(allRows);
      } finally {
        await closeServer(server);
      }
    });

    it("answers an error, never a 200 that looks complete, when a later page fails", async () => {
      let reads = 0;
      const { server, baseUrl: bare } = await bareServer({
        list: async (...args: Parameters<ResponseListPorts["responses"]["list"]>) => {
          if (++reads === 3) throw new Error("DynamoDB went away");
          return h.stores.responses.list(...args);
        },
      });
      try {
        const response = await csvFrom(`${bare}/v1/campaigns/${campaign.id}/responses`);
        expect(response.status).toBe(500);
        expect(response.headers.get("content-type")).toContain("application/json");
        expect(reads).toBe(3);
      } finally {
        await closeServer(server);
      }
    });

    it("prefers JSON unless CSV is asked for", async () => {
      for (const accept of ["*/*", "application/json", "text/csv;q=0.5, application/json"]) {
        const response = await get(`/v1/campaigns/${campaign.id}/responses?limit=1`, { accept });
        expect(response.headers.get("content-type"), accept).toContain("application/json");
      }
      const csv = await get(`/v1/campaigns/${campaign.id}/responses?limit=1`, {
        accept: "application/json;q=0.5, text/csv",
      });
      expect(csv.headers.get("content-type")).toContain("text/csv");
    });
  });
});

/** Serves an app on a free loopback port. */
async function serveApp(app: Hono): Promise<{ server: Server; baseUrl: string }> {
  return await new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ server: server as Server, baseUrl: `http://127.0.0.1:${info.port}` }),
    );
  });
}

/**
 * A strict RFC 4180 reader, independent of the library that writes: every record must end with CRLF,
 * a line break or quote may only appear inside a quoted field, a quoted field ends at a comma or CRLF.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let state: "start" | "plain" | "quoted" | "closed" = "start";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (state === "quoted") {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else state = "closed";
      continue;
    }
    if (ch === ",") {
      record.push(field);
      field = "";
      state = "start";
    } else if (ch === "\r") {
      if (text[i + 1] !== "\n") throw new Error(`bare CR at ${i}`);
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      state = "start";
      i++;
    } else if (state === "closed") {
      throw new Error(`text after a closing quote at ${i}`);
    } else if (ch === '"') {
      if (state !== "start") throw new Error(`quote inside an unquoted field at ${i}`);
      state = "quoted";
    } else if (ch === "\n") {
      throw new Error(`bare LF outside quotes at ${i}`);
    } else {
      field += ch;
      state = "plain";
    }
  }
  if (state !== "start" || field !== "" || record.length > 0) throw new Error("last record lacks its CRLF");
  const width = records[0]?.length;
  for (const [n, r] of records.entries())
    if (r.length !== width) throw new Error(`record ${n} is ${r.length} wide`);
  return records;
}
