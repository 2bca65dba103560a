import { describe, expect, it } from "vitest";
import { CAMPAIGN_DEFAULTS } from "../../functions/domain/campaign";
import { PURCHASE_STATUSES } from "../../functions/domain/purchase";
import { RESPONSES_DEFAULT_LIMIT, RESPONSES_MAX_LIMIT } from "../../functions/domain/response-export";
import { createApiApp } from "../../functions/http/api-app";
import { openApiDocument } from "../../functions/http/openapi";

type JsonSchema = {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  [keyword: string]: unknown;
};
type Parameter = { name: string; in: string; required: boolean; description?: string; schema: JsonSchema };
type Operation = {
  parameters?: Parameter[];
  responses: Record<string, { headers?: Record<string, { description?: string; schema: JsonSchema }> }>;
};
type Document = {
  components: { schemas: Record<string, JsonSchema> };
  paths: Record<string, Record<string, Operation> & { parameters?: Parameter[] }>;
};

const METHODS = ["get", "post", "patch", "put", "delete"];

describe("the OpenAPI document", () => {
  const document = openApiDocument() as unknown as Document;
  const schemas = document.components.schemas;
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => METHODS.includes(key))
      .map(([method, operation]) => ({ method, path, operation: operation as Operation })),
  );
  const parametersOf = (method: string, path: string) => {
    const item = document.paths[path];
    return [...(item?.parameters ?? []), ...((item?.[method] as Operation | undefined)?.parameters ?? [])];
  };
  // Routes are registered without touching the stores, so none are needed to list them.
  const app = createApiApp({} as never);
  // The Delighted-compatible API follows Delighted's contract, not this document (README, "Switching
  // from Delighted"), and is tested with Delighted's own client instead.
  const routes = app.routes
    .filter((route) => route.method !== "ALL" && !route.path.startsWith("/delighted/"))
    .map((route) => ({ method: route.method.toLowerCase(), path: route.path.replace(/:(\w+)/g, "{$1}") }));

  it("documents every route the API serves, and nothing it does not", () => {
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const documented = new Set(operations.map((o) => `${o.method} ${o.path}`));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it("describes request bodies with the schemas that validate them", () => {
    expect(schemas.CampaignCreate?.required).toEqual(["name", "brandName"]);
    expect(Object.keys(schemas.CampaignCreate?.properties ?? {})).toContain("delayDays");
    expect(schemas.Purchase?.required).toEqual(["orderId", "email"]);
    expect(schemas.PurchaseRequest?.anyOf).toEqual([
      { $ref: "#/components/schemas/Purchase" },
      { $ref: "#/components/schemas/PurchaseBatch" },
    ]);
  });

  it("generates the response bodies, each component once and referred to by $ref", () => {
    expect(schemas.PurchaseResult?.properties?.status?.enum).toEqual([...PURCHASE_STATUSES]);
    expect(schemas.CampaignPage?.properties?.items?.items).toEqual({ $ref: "#/components/schemas/Campaign" });
    expect(schemas.Results?.properties?.overall?.$ref).toBe("#/components/schemas/Stats");
    expect(schemas.Results?.properties?.trend?.items).toEqual({ $ref: "#/components/schemas/PeriodStats" });
    expect(schemas.ResponsesPage?.properties?.items?.items).toEqual({
      $ref: "#/components/schemas/ResponseItem",
    });
    // What the API writes is closed, so the contract test also catches a field the document lacks.
    expect(schemas.Stats?.additionalProperties).toBe(false);
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema, name).not.toHaveProperty("$id");
      expect(schema, name).not.toHaveProperty("$schema");
    }
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? "");
    for (const ref of refs) expect(Object.keys(schemas)).toContain(ref.replace("#/components/schemas/", ""));
  });

  it("gives every field, parameter and header a description", () => {
    const undescribed: string[] = [];
    const visit = (schema: JsonSchema | boolean | undefined, at: string): void => {
      if (typeof schema !== "object") return;
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (!property.description?.trim()) undescribed.push(`${at}.${name}`);
        visit(property, `${at}.${name}`);
      }
      visit(schema.items, `${at}[]`);
      visit(schema.additionalProperties, `${at}{}`);
      for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
        visit(branch, at);
      }
    };
    for (const [name, schema] of Object.entries(schemas)) {
      if (!schema.description?.trim()) undescribed.push(name);
      visit(schema, name);
    }
    for (const { method, path, operation } of operations) {
      for (const parameter of parametersOf(method, path)) {
        if (!parameter.description?.trim()) undescribed.push(`${method} ${path} ${parameter.name}`);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [name, header] of Object.entries(response.headers ?? {})) {
          if (!header.description?.trim()) undescribed.push(`${method} ${path} ${status} ${name}`);
        }
      }
    }
    expect(undescribed).toEqual([]);
  });

  it("states each campaign default as the code applies it", () => {
    const properties = schemas.CampaignCreate?.properties ?? {};
    for (const [field, value] of Object.entries(CAMPAIGN_DEFAULTS)) {
      const said = Array.isArray(value)
        ? "Default none"
        : `Default ${typeof value === "string" ? `\`${value}\`` : value}`;
      expect(properties[field]?.description, field).toContain(said);
    }
  });

  it("draws query parameters as the API reads them once parsed, and the campaign id with its pattern", () => {
    const campaignsLimit = parametersOf("get", "/v1/campaigns").find((p) => p.name === "limit");
    expect(campaignsLimit).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 100, default: 25 },
    });
    const responses = parametersOf("get", "/v1/campaigns/{campaignId}/responses");
    expect(responses.map((p) => p.name)).toEqual([
      "campaignId",
      "from",
      "to",
      "minScore",
      "maxScore",
      "limit",
      "cursor",
    ]);
    expect(responses.find((p) => p.name === "limit")?.schema).toMatchObject({
      type: "integer",
      maximum: RESPONSES_MAX_LIMIT,
      default: RESPONSES_DEFAULT_LIMIT,
    });
    expect(responses.find((p) => p.name === "maxScore")?.schema).toMatchObject({
      type: "integer",
      minimum: 0,
      maximum: 10,
    });
    const results = parametersOf("get", "/v1/campaigns/{campaignId}/results");
    expect(results.find((p) => p.name === "from")?.schema).toMatchObject({ type: "string", format: "date" });
    expect(results.find((p) => p.name === "interval")?.schema).toMatchObject({
      enum: ["day", "week", "month"],
      default: "day",
    });
    expect(results.find((p) => p.name === "campaignId")).toMatchObject({
      in: "path",
      required: true,
      schema: { type: "string", pattern: "^cmp_[A-Za-z0-9_-]{16}$" },
    });
  });

  it("keeps the CSV export, its Link header and the route's own 400 wording", () => {
    const listing = document.paths["/v1/campaigns/{campaignId}/responses"]?.get as unknown as {
      description: string;
      responses: Record<string, { description: string; headers?: object; content: Record<string, unknown> }>;
    };
    expect(Object.keys(listing.responses["200"]?.content ?? {})).toEqual(["application/json", "text/csv"]);
    expect(listing.responses["200"]?.headers).toHaveProperty("Link");
    expect(listing.description).toContain("byte-order mark");
    expect(listing.responses["400"]?.description).toContain("cursor");
  });
});
