import { describe, expect, it } from "vitest";
import {
  type HistoryColumns,
  type ImportCampaign,
  importedAnswerToken,
  isPastRetention,
  parseAnswerTime,
  parseHistoryRow,
  readHistoryHeader,
  rejectionReason,
  withoutPersonalData,
} from "../../functions/domain/history-import";
import { responseId } from "../../functions/domain/response-export";
import { TOKEN_PATTERN } from "../../functions/domain/tokens";

/**
 * History import's rules (functions/domain/history-import.ts): how a file's header is read, and each
 * row checked into the answer it records or rejected with reasons naming its columns.
 */

const NOW = new Date("2026-11-20T12:00:00.000Z");
const CAMPAIGN_ID = "cmp_AAAAAAAAAAAAAAAA";
const campaign: ImportCampaign = {
  csat: true,
  attributes: [{ key: "delivery", label: "Delivery" }],
  segmentBy: ["region", "plan"],
};

const DELIGHTED_HEADER = [
  "\uFEFFResponse ID",
  "Email",
  "Name",
  "Score",
  "Comment",
  "Response timestamp",
  "Permalink",
  "Tags",
  "Notes",
  "Region",
  "Customer ID",
];

function header(names: readonly string[], format?: "delighted" | "plain"): HistoryColumns {
  const read = readHistoryHeader(names, campaign, format);
  if (!read.ok) throw new Error(rejectionReason(read.issues));
  return read.value;
}

const row = (columns: HistoryColumns, fields: readonly string[]) =>
  parseHistoryRow(columns, fields, { campaignId: CAMPAIGN_ID, campaign, now: NOW });

/** The reason a row is rejected, or a failure when it is not. */
function rejection(columns: HistoryColumns, fields: readonly string[]): string {
  const parsed = row(columns, fields);
  if (parsed.ok) throw new Error(`row accepted: ${JSON.stringify(fields)}`);
  return rejectionReason(parsed.issues);
}

describe("reading the header", () => {
  it("reads a Delighted export: its columns by name, whatever their case, the rest as properties", () => {
    const columns = header(DELIGHTED_HEADER);
    expect(columns.format).toBe("delighted");
    expect(columns.names[0]).toBe("Response ID");
    expect(columns.roles).toEqual([
      { kind: "responseId" },
      { kind: "email" },
      { kind: "name" },
      { kind: "score" },
      { kind: "comment" },
      { kind: "answeredAt" },
      { kind: "ignored" },
      { kind: "property", name: "Tags" },
      { kind: "ignored" },
      // A segmentBy property is found whatever the case of its column.
      { kind: "property", name: "region" },
      { kind: "property", name: "Customer_ID" },
    ]);
    expect(columns.notes).toEqual([]);
  });

  it("reads a file without Response ID as a plain file, and takes --format over the guess", () => {
    const plain = header([
      "email",
      "score",
      "comment",
      "created_at",
      "csat",
      "attr.delivery",
      "order_id",
      "plan",
    ]);
    expect(plain.format).toBe("plain");
    expect(plain.roles.map((role) => role.kind)).toEqual([
      "email",
      "score",
      "comment",
      "answeredAt",
      "csat",
      "attribute",
      "property",
      "property",
    ]);
    expect(plain.orderIdColumn).toBe(6);
    // Forced plain, a Response ID column is not read.
    expect(header(DELIGHTED_HEADER, "plain").roles[0]).toEqual({ kind: "ignored" });
    // Forced delighted, a plain `id` column is the response id.
    expect(header(["id", "score", "date"], "delighted").roles[0]).toEqual({ kind: "responseId" });
  });

  it("reads a column named like an object's own properties as a property", () => {
    const columns = header(["email", "score", "date", "constructor", "__proto__"]);
    expect(columns.roles.slice(3)).toEqual([
      { kind: "property", name: "constructor" },
      { kind: "property", name: "__proto__" },
    ]);
    const parsed = row(columns, ["", "5", "2025-01-01", "a", "b"]);
    expect(parsed.ok && Object.entries(parsed.value.properties)).toEqual([
      ["constructor", "a"],
      ["__proto__", "b"],
    ]);
  });

  it("takes the answer's time from the best-named column and leaves the others out", () => {
    const columns = header(["Response ID", "Score", "Created At", "Response timestamp", "Updated At"]);
    expect(columns.roles.map((role) => role.kind)).toEqual([
      "responseId",
      "score",
      "ignored",
      "answeredAt",
      "ignored",
    ]);
  });

  it("leaves out, with a note, columns that cannot be properties and second columns for the same thing", () => {
    const long = "What specifically did you enjoy about your experience with us at the store today?";
    const columns = header(["Response ID", "Score", "Date", long, "Customer ID", "Customer-ID", "score"]);
    expect(columns.roles.slice(3).map((role) => role.kind)).toEqual([
      "ignored",
      "property",
      "property",
      "ignored",
    ]);
    expect(columns.notes).toEqual([
      `column '${long}' left out: a property name is 1-64 letters, digits, '_', '.' or '-'`,
      "column 'score' left out: 'Score' is read as the same score",
    ]);
  });

  it("refuses a header it cannot import from, naming every problem", () => {
    const read = readHistoryHeader(["Response ID", "Email", "CSAT", "attr.price"], campaign);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.issues).toEqual([
      {
        field: "attr.price",
        message: "rates 'price', which the campaign does not ask (its attributes: delivery)",
      },
      { field: "(header)", message: "has no Score column" },
      {
        field: "(header)",
        message: "has no column with the answer's time (Response timestamp, Created At, created_at or Date)",
      },
    ]);
    const noCsat = readHistoryHeader(["email", "score", "date", "CSAT"], { ...campaign, csat: false });
    expect(noCsat.ok || rejectionReason(noCsat.issues)).toBe(
      "CSAT: holds satisfaction ratings, which the campaign does not ask",
    );
    const notDelighted = readHistoryHeader(["email", "score", "date"], campaign, "delighted");
    expect(notDelighted.ok || rejectionReason(notDelighted.issues)).toBe(
      "(header): is not a Delighted export: it has no Response ID column",
    );
  });
});

describe("reading a row", () => {
  const columns = header(DELIGHTED_HEADER);
  const fields = [
    "123456",
    " Ana@Example.COM ",
    "Ana Lima",
    "9",
    "  Fast delivery\r\nthanks  ",
    "2025-03-31 14:05:00 UTC",
    "https://app.delighted.com/r/x",
    "vip",
    "a private note",
    "North",
    "",
  ];

  it("turns a Delighted row into the answer it records", () => {
    const parsed = row(columns, fields);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const token = importedAnswerToken(CAMPAIGN_ID, ["delighted", "123456"]);
    expect(parsed.value).toEqual({
      token,
      orderId: "delighted:123456",
      email: "ana@example.com",
      name: "Ana Lima",
      locale: null,
      // Empty cells are no property; Permalink and Notes are not kept.
      properties: { Tags: "vip", region: "North" },
      answer: { score: 9, csat: null, attributes: {}, comment: "Fast delivery\nthanks" },
      answeredAt: "2025-03-31T14:05:00.000Z",
    });
    expect(token).toMatch(TOKEN_PATTERN);
  });

  it("keys a row by what identifies it: the same in every run, another in another campaign", () => {
    const again = row(columns, [...fields.slice(0, 3), "3", ...fields.slice(4)]);
    const first = row(columns, fields);
    expect(first.ok && again.ok && first.value.token === again.value.token).toBe(true);
    const other = parseHistoryRow(columns, fields, {
      campaignId: "cmp_BBBBBBBBBBBBBBBB",
      campaign,
      now: NOW,
    });
    expect(first.ok && other.ok && first.value.token !== other.value.token).toBe(true);

    const plain = header(["email", "score", "created_at", "comment"]);
    const a = row(plain, ["ana@example.com", "7", "2025-03-31T14:05:00Z", "one"]);
    const b = row(plain, ["ANA@example.com", "7", "2025-03-31 16:05:00 +02:00", "two"]);
    const c = row(plain, ["ana@example.com", "8", "2025-03-31T14:05:00Z", "one"]);
    if (!a.ok || !b.ok || !c.ok) throw new Error("rows refused");
    // Address, time and score identify a plain row: the comment does not.
    expect(b.value.token).toBe(a.value.token);
    expect(c.value.token).not.toBe(a.value.token);
    expect(a.value.orderId).toBe(`import:${responseId(a.value.token)}`);
  });

  it("takes satisfaction, ratings, the order id and the locale from their columns", () => {
    const plain = header([
      "email",
      "score",
      "created_at",
      "CSAT",
      "attribute.delivery",
      "Order ID",
      "locale",
    ]);
    const parsed = row(plain, ["", "10", "2025-01-02", "4", "5", "A-1001", "zh-TW"]);
    expect(parsed.ok && parsed.value).toMatchObject({
      email: "",
      orderId: "A-1001",
      locale: "zh-Hant",
      properties: { Order_ID: "A-1001" },
      answer: { score: 10, csat: 4, attributes: { delivery: 5 }, complete: true },
      answeredAt: "2025-01-02T00:00:00.000Z",
    });
  });

  it("rejects a bad row with every problem, each named by its column", () => {
    const bad = [...fields];
    bad[1] = "not-an-address";
    bad[3] = "11";
    bad[5] = "2025-02-30 10:00:00";
    expect(rejection(columns, bad)).toBe(
      "Score: must be a whole number from 0 to 10; Email: must be an email address; Response timestamp: " +
        "must be a time such as 2025-03-31T14:05:00Z, 2025-03-31 14:05:00 UTC, 2025-03-31 or Unix seconds",
    );
    const empty = [...fields];
    empty[0] = "";
    empty[3] = "";
    empty[5] = "";
    expect(rejection(columns, empty)).toBe(
      "Score: is required; Response timestamp: is required; Response ID: is required",
    );
    expect(rejection(columns, [...fields.slice(0, 3), "7.5", ...fields.slice(4)])).toBe(
      "Score: must be a whole number from 0 to 10",
    );
    expect(rejection(columns, fields.slice(0, 5))).toBe("(row): has 5 fields, the header 11");
  });

  it("rejects answers in the future, before 2000, other survey types, and properties breaking the rules", () => {
    const at = (time: string) => [...fields.slice(0, 5), time, ...fields.slice(6)];
    expect(rejection(columns, at("2026-11-22T12:00:01Z"))).toBe(
      "Response timestamp: must not be in the future",
    );
    expect(row(columns, at("2026-11-21T11:00:00Z")).ok).toBe(true);
    expect(rejection(columns, at("1999-12-31"))).toBe("Response timestamp: must not be before 2000");
    const typed = header(["Response ID", "Score", "Date", "Survey type"]);
    expect(rejection(typed, ["1", "4", "2025-01-01", "csat"])).toBe(
      "Survey type: is 'csat': only NPS answers are imported",
    );
    expect(row(typed, ["1", "4", "2025-01-01", "NPS"]).ok).toBe(true);
    const long = [...fields];
    long[7] = "x".repeat(201);
    expect(rejection(columns, long)).toBe("Tags: Too big: expected string to have <=200 characters");
    const comment = [...fields];
    comment[4] = "x".repeat(5001);
    expect(rejection(columns, comment)).toBe("Comment: must be at most 5000 characters");
  });
});

describe("answer times", () => {
  it.each([
    ["2025-03-31T14:05:00Z", "2025-03-31T14:05:00.000Z"],
    ["2025-03-31T14:05:00.123456Z", "2025-03-31T14:05:00.123Z"],
    ["2025-03-31T16:05:00+02:00", "2025-03-31T14:05:00.000Z"],
    ["2025-03-31 09:05:00 -0500", "2025-03-31T14:05:00.000Z"],
    ["2025-03-31 14:05:00 UTC", "2025-03-31T14:05:00.000Z"],
    ["2025-03-31 14:05", "2025-03-31T14:05:00.000Z"],
    ["2025-03-31", "2025-03-31T00:00:00.000Z"],
    ["1743429900", "2025-03-31T14:05:00.000Z"],
    ["1743429900000", "2025-03-31T14:05:00.000Z"],
  ])("reads %s", (text, iso) => {
    expect(parseAnswerTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    "2025-02-29",
    "2025-13-01",
    "2025-03-31 24:00:00",
    "31/03/2025",
    "yesterday",
    "2025-03-31T14:05:00+25:00",
  ])("refuses %s", (text) => {
    expect(parseAnswerTime(text)).toBeUndefined();
  });
});

describe("answers older than the retention window", () => {
  it("are past retention from retentionDays after they were given, and lose their personal data", () => {
    expect(isPastRetention("2024-11-20T12:00:00.000Z", NOW, 730)).toBe(true);
    expect(isPastRetention("2024-11-20T12:00:00.001Z", NOW, 730)).toBe(false);
    const parsed = row(header(DELIGHTED_HEADER), [
      "1",
      "ana@example.com",
      "Ana",
      "2",
      "slow",
      "2020-01-01",
      "",
      "",
      "",
      "north",
      "",
    ]);
    if (!parsed.ok) throw new Error("refused");
    expect(withoutPersonalData(parsed.value)).toEqual({
      ...parsed.value,
      email: "",
      name: null,
      properties: {},
      answer: { ...parsed.value.answer, comment: null },
    });
  });
});
