import { campaignCreateSchema, campaignSchema, campaignUpdateSchema } from "../domain/campaign";
import { z } from "../domain/zod";

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

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Validation failed or the body is not JSON; `details` names each offending field.",
  401: "No API key, or an unknown or revoked one.",
  404: "No such campaign.",
  409: "The campaign changed meanwhile; read it again and retry.",
  413: "Body larger than 256 KB.",
  415: "Body not sent as application/json.",
  429: "Throttled; retry after a short wait.",
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
