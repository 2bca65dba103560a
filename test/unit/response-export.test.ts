import { describe, expect, it } from "vitest";
import {
  CSV_BOM,
  csvHeader,
  csvLines,
  csvRow,
  type ExportableResponse,
  exportColumns,
  neutralizeCell,
  responseId,
  toResponseItem,
} from "../../functions/domain/response-export";

const TOKEN = "AbCdEfGhIjKlMnOpQrStUv_-";

const response = (overrides: Partial<ExportableResponse> = {}): ExportableResponse => ({
  token: TOKEN,
  campaignId: "cmp_AAAAAAAAAAAAAAAA",
  orderId: "o-1",
  email: "ann@example.com",
  name: "Ann",
  locale: "en",
  properties: { region: "north", tier: 2, vip: true },
  score: 9,
  csat: 4,
  attributes: { delivery: 5 },
  comment: "Great",
  createdAt: "2026-03-01T10:00:00.000Z",
  updatedAt: "2026-03-02T11:00:00.000Z",
  ...overrides,
});

const columns = exportColumns({
  attributes: [
    { key: "delivery", label: "Delivery" },
    { key: "price", label: "Price" },
  ],
  segmentBy: ["region", "tier"],
});

describe("neutralizeCell", () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["=", "'="],
  ])("prefixes %j with a single quote", (value, expected) => {
    expect(neutralizeCell(value)).toBe(expected);
  });

  it.each(["", "plain", "a=b", " =1", "1+1", "很好，谢谢", "'already quoted", "\n=1", "ann@example.com"])(
    "leaves %j alone",
    (value) => {
      expect(neutralizeCell(value)).toBe(value);
    },
  );
});

describe("responseId", () => {
  it("is stable, opaque, and does not reveal the token", () => {
    const id = responseId(TOKEN);
    expect(id).toBe(responseId(TOKEN));
    expect(id).toMatch(/^rsp_[A-Za-z0-9_-]{22}$/);
    expect(id).not.toContain(TOKEN);
    expect(id).not.toContain(TOKEN.slice(0, 8));
    expect(responseId("BbCdEfGhIjKlMnOpQrStUv_-")).not.toBe(id);
  });
});

describe("toResponseItem", () => {
  it("has exactly the documented fields and never the token", () => {
    const item = toResponseItem(response());
    expect(Object.keys(item).sort()).toEqual(
      [
        "id",
        "orderId",
        "email",
        "name",
        "score",
        "csat",
        "attributes",
        "comment",
        "properties",
        "locale",
        "createdAt",
        "updatedAt",
      ].sort(),
    );
    expect(item.id).toBe(responseId(TOKEN));
    expect(JSON.stringify(item)).not.toContain(TOKEN);
  });
});

describe("CSV rows", () => {
  it("has the fixed columns, one per attribute, one per segment property, then properties", () => {
    expect(csvHeader(columns)).toEqual([
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
      "properties.tier",
      "properties",
    ]);
  });

  it("shapes a row under the header: empty cells for missing values, properties as JSON", () => {
    const row = csvRow(response({ csat: null, name: null, locale: null }), columns);
    expect(row).toEqual([
      responseId(TOKEN),
      "2026-03-01T10:00:00.000Z",
      "2026-03-02T11:00:00.000Z",
      "o-1",
      "ann@example.com",
      "",
      "",
      "9",
      "",
      "Great",
      "5",
      "",
      "north",
      "2",
      '{"region":"north","tier":2,"vip":true}',
    ]);
    expect(row).toHaveLength(csvHeader(columns).length);
  });

  it("neutralizes every text cell a customer or an order system controls, but not numbers", () => {
    const row = csvRow(
      response({
        orderId: "=1+1",
        email: "+evil@example.com",
        name: "@admin",
        comment: "-2",
        properties: { region: "=cmd|' /C calc'!A0", tier: -5 },
      }),
      columns,
    );
    const at = (name: string) => row[csvHeader(columns).indexOf(name)];
    expect(at("orderId")).toBe("'=1+1");
    expect(at("email")).toBe("'+evil@example.com");
    expect(at("name")).toBe("'@admin");
    expect(at("comment")).toBe("'-2");
    expect(at("properties.region")).toBe("'=cmd|' /C calc'!A0");
    // A number from typed data cannot be a formula: it stays a number for the spreadsheet.
    expect(at("properties.tier")).toBe("-5");
    // The JSON column starts with "{", so its content is inert.
    expect(at("properties")).toBe(`{"region":"=cmd|' /C calc'!A0","tier":-5}`);
  });
});

describe("csvLines (RFC 4180)", () => {
  it("ends every record with CRLF and quotes only what needs it, doubling quotes", () => {
    expect(
      csvLines([
        ["plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "crlf\r\nhere", "中文", ""],
        ["second", "", "", "", "", "", "", ""],
      ]),
    ).toBe(
      'plain,"a,b","say ""hi""","line\nbreak","cr\rhere","crlf\r\nhere",中文,\r\n' + "second,,,,,,,\r\n",
    );
  });

  it("writes nothing for no rows", () => {
    expect(csvLines([])).toBe("");
  });

  it("uses the UTF-8 byte-order mark", () => {
    expect(Buffer.from(CSV_BOM, "utf8")).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
