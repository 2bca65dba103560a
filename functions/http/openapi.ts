import { campaignCreateSchema, campaignSchema, campaignUpdateSchema } from "../domain/campaign";
import { MAX_BATCH, purchaseSchema } from "../domain/purchase";
import * as z from "../domain/zod";
import { errorResponses } from "./openapi-errors";
import { responsesOpenApiPaths } from "./responses-openapi";

/**
 * The OpenAPI 3.1 document, built from the same zod schemas that validate requests, so the two cannot
 * drift. Built on first request, not at cold start.
 */
let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  cached ??= buildDocument();
  return cached;
}

const schemaOf = (schema: z.ZodMiniType) => {
  const { $schema: _drop, ...jsonSchema } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return jsonSchema;
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          description: "Machine-readable code, e.g. validation_failed, unauthorized, not_found.",
        },
        message: { type: "string", description: "A sentence for humans." },
        details: {
          type: "array",
          description: "For validation errors: one entry per offending field.",
          items: {
            type: "object",
            required: ["field", "message"],
            properties: { field: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
};

const nullableNumber = { type: ["number", "null"] };
const statsSchema = {
  type: "object",
  properties: {
    sent: { type: "integer" },
    responses: { type: "integer" },
    responseRate: { ...nullableNumber, description: "responses / sent; null when nothing was sent" },
    promoters: { type: "integer", description: "scores 9-10" },
    passives: { type: "integer", description: "scores 7-8" },
    detractors: { type: "integer", description: "scores 0-6" },
    nps: { ...nullableNumber, description: "100 × (promoters − detractors) / responses, 1 decimal" },
    npsMarginOfError: { ...nullableNumber, description: "95% half-width, 1 decimal; null below 2 responses" },
    csat: {
      type: "object",
      properties: {
        responses: { type: "integer" },
        mean: nullableNumber,
        satisfiedPercent: { ...nullableNumber, description: "% of CSAT answers that are 4 or 5" },
      },
    },
    scores: { type: "array", items: { type: "integer" }, minItems: 11, maxItems: 11 },
    attributes: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: { responses: { type: "integer" }, mean: nullableNumber },
      },
    },
  },
};

const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
const campaignIdParameter = {
  name: "campaignId",
  in: "path",
  required: true,
  schema: { type: "string" },
};

function buildDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "NPS survey platform API",
      version: "1.0.0",
      description:
        "Marketer API. Authenticate with `Authorization: Bearer <api key>`. Errors share one shape: " +
        '`{"error": {"code", "message", "details"?}}`. Bodies are JSON, at most 256 KB.',
    },
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer" } },
      schemas: {
        Campaign: schemaOf(campaignSchema),
        CampaignCreate: schemaOf(campaignCreateSchema),
        CampaignUpdate: schemaOf(campaignUpdateSchema),
        CampaignPage: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: {
            items: { type: "array", items: { $ref: "#/components/schemas/Campaign" } },
            nextCursor: {
              type: ["string", "null"],
              description: "Pass as `cursor` for the next page; null at the end.",
            },
          },
        },
        Error: errorSchema,
        Purchase: schemaOf(purchaseSchema),
        PurchaseResults: {
          type: "object",
          required: ["results"],
          properties: {
            results: {
              type: "array",
              items: {
                type: "object",
                required: ["orderId", "status"],
                properties: {
                  orderId: { type: ["string", "null"] },
                  status: {
                    type: "string",
                    enum: ["scheduled", "duplicate", "suppressed", "throttled", "invalid"],
                  },
                  sendAt: { type: "string", format: "date-time" },
                  error: { type: "string", description: "With `invalid`: the offending field and why." },
                },
              },
            },
          },
        },
        Stats: statsSchema,
        Results: {
          type: "object",
          required: ["campaignId", "from", "to", "interval", "overall", "trend"],
          properties: {
            campaignId: { type: "string" },
            from: { type: "string", format: "date" },
            to: { type: "string", format: "date" },
            interval: { type: "string", enum: ["day", "week", "month"] },
            segment: { type: "string" },
            overall: { $ref: "#/components/schemas/Stats" },
            segments: {
              type: "array",
              description: "Only with ?segment=: one entry per value seen; their counts add up to `overall`.",
              items: {
                allOf: [
                  { $ref: "#/components/schemas/Stats" },
                  { type: "object", properties: { value: { type: "string" } } },
                ],
              },
            },
            trend: {
              type: "array",
              description: "Every period in the range (named by its first day), zeros included.",
              items: {
                allOf: [
                  { $ref: "#/components/schemas/Stats" },
                  { type: "object", properties: { period: { type: "string", format: "date" } } },
                ],
              },
            },
          },
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      "/health": {
        get: {
          summary: "Liveness check",
          security: [],
          responses: { "200": { description: "The service is up." } },
        },
      },
      "/v1/campaigns": {
        post: {
          summary: "Create a campaign",
          requestBody: { required: true, content: json("CampaignCreate") },
          responses: {
            "201": { description: "Created", content: json("Campaign") },
            ...errorResponses(400, 401, 413, 415, 429),
          },
        },
        get: {
          summary: "List campaigns, newest first",
          parameters: [
            {
              name: "limit",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 100, default: 25 },
            },
            {
              name: "cursor",
              in: "query",
              schema: { type: "string" },
              description: "`nextCursor` of the previous page.",
            },
          ],
          responses: {
            "200": { description: "A page of campaigns", content: json("CampaignPage") },
            ...errorResponses(400, 401, 429),
          },
        },
      },
      "/v1/campaigns/{campaignId}": {
        parameters: [campaignIdParameter],
        get: {
          summary: "Get a campaign",
          responses: {
            "200": { description: "The campaign", content: json("Campaign") },
            ...errorResponses(401, 404, 429),
          },
        },
        patch: {
          summary: "Change a campaign's settings or status (active, paused, archived)",
          requestBody: { required: true, content: json("CampaignUpdate") },
          responses: {
            "200": { description: "The updated campaign", content: json("Campaign") },
            ...errorResponses(400, 401, 404, 409, 413, 415, 429),
          },
        },
      },
      "/v1/campaigns/{campaignId}/purchases": {
        parameters: [campaignIdParameter],
        post: {
          summary: "Post one purchase, or up to 500 under `purchases`; each becomes a scheduled survey",
          description:
            "Idempotent per orderId within the campaign. One result per input, in order; an invalid item " +
            "is reported and the rest of the batch still goes through. 409 when the campaign is archived.",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { $ref: "#/components/schemas/Purchase" },
                    {
                      type: "object",
                      required: ["purchases"],
                      additionalProperties: false,
                      properties: {
                        purchases: {
                          type: "array",
                          minItems: 1,
                          maxItems: MAX_BATCH,
                          items: { $ref: "#/components/schemas/Purchase" },
                        },
                      },
                    },
                  ],
                },
              },
            },
          },
          responses: {
            "202": { description: "Per-purchase outcomes", content: json("PurchaseResults") },
            ...errorResponses(400, 401, 404, 409, 413, 415, 429),
          },
        },
      },
      "/v1/campaigns/{campaignId}/results": {
        parameters: [campaignIdParameter],
        get: {
          summary: "NPS, satisfaction and attribute figures: overall, per segment value, and as a trend",
          description:
            "Counts are exact and read from day aggregates: the cost does not grow with the number of answers. " +
            "Dates are UTC days, inclusive, by response date (sent counts by send date); at most 366 days.",
          parameters: [
            {
              name: "from",
              in: "query",
              schema: { type: "string", format: "date" },
              description: "Default: 29 days before `to`.",
            },
            {
              name: "to",
              in: "query",
              schema: { type: "string", format: "date" },
              description: "Default: today (UTC).",
            },
            {
              name: "segment",
              in: "query",
              schema: { type: "string" },
              description: "One of the campaign's segmentBy properties.",
            },
            {
              name: "interval",
              in: "query",
              schema: { type: "string", enum: ["day", "week", "month"], default: "day" },
            },
          ],
          responses: {
            "200": { description: "Results", content: json("Results") },
            ...errorResponses(400, 401, 404, 429),
          },
        },
      },
      ...responsesOpenApiPaths,
      "/v1/openapi.json": {
        get: {
          summary: "This document",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1 document" } },
        },
      },
    },
  };
}
