import {
  campaignCreateSchema,
  campaignIdSchema,
  campaignListQuerySchema,
  campaignPageSchema,
  campaignSchema,
  campaignUpdateSchema,
} from "../domain/campaign";
import { errorBodySchema } from "../domain/errors";
import {
  purchaseBatchBodySchema,
  purchaseResultSchema,
  purchaseResultsSchema,
  purchaseSchema,
  purchasesBodySchema,
} from "../domain/purchase";
import {
  responseItemSchema,
  responsesCsvSchema,
  responsesPageSchema,
  responsesQuerySchema,
} from "../domain/response-export";
import {
  periodStatsSchema,
  resultsQuerySchema,
  resultsSchema,
  segmentStatsSchema,
  statsSchema,
} from "../domain/results";
import * as z from "../domain/zod";
import { ERROR_STATUSES, type ErrorStatus } from "./openapi-errors";

/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests and type responses
 * (descriptions included), so the contract and the code cannot drift. Built on first request, not at
 * cold start.
 */
let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  cached ??= buildDocument();
  return cached;
}

const healthSchema = z
  .object({
    status: z.literal("ok").check(z.describe("Always `ok`: any answer at all means the service is up.")),
  })
  .check(z.describe("The answer of the liveness check."));

const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().check(z.describe("The OpenAPI version the document follows: 3.1.0.")),
    info: z
      .looseObject({
        title: z.string().check(z.describe("The API's name.")),
        version: z.string().check(z.describe("The version of the API's contract.")),
      })
      .check(z.describe("What the document describes.")),
    paths: z
      .record(z.string(), z.looseObject({}))
      .check(z.describe("Every route of the API, by path template.")),
  })
  .check(z.describe("An OpenAPI 3.1 document: this one."));

/** Request bodies, by component name: shown as the API reads them. */
const REQUEST_BODIES = {
  CampaignCreate: campaignCreateSchema,
  CampaignUpdate: campaignUpdateSchema,
  Purchase: purchaseSchema,
  PurchaseBatch: purchaseBatchBodySchema,
  PurchaseRequest: purchasesBodySchema,
};

/** Response bodies, by component name: shown as the API writes them. */
const RESPONSE_BODIES = {
  Campaign: campaignSchema,
  CampaignPage: campaignPageSchema,
  Error: errorBodySchema,
  Health: healthSchema,
  OpenApiDocument: openApiDocumentSchema,
  PurchaseResult: purchaseResultSchema,
  PurchaseResults: purchaseResultsSchema,
  ResponseItem: responseItemSchema,
  ResponsesPage: responsesPageSchema,
  Results: resultsSchema,
  PeriodStats: periodStatsSchema,
  SegmentStats: segmentStatsSchema,
  Stats: statsSchema,
};

/** The schemas of the path parameters, by name. */
const PATH_PARAMETERS: Readonly<Record<string, z.core.$ZodType>> = { campaignId: campaignIdSchema };

type Answer = {
  readonly description: string;
  readonly json?: z.ZodMiniType;
  readonly csv?: z.ZodMiniType;
  readonly headers?: Readonly<Record<string, z.ZodMiniType>>;
};

type Route = {
  readonly method: "get" | "post" | "patch";
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** Served without an API key. */
  readonly public?: true;
  readonly query?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  readonly responses: Readonly<Record<number, Answer>>;
  readonly errors?: readonly ErrorStatus[];
  /** A route's own wording of an error status, where the common one would mislead. */
  readonly errorDescriptions?: Readonly<Partial<Record<ErrorStatus, string>>>;
};

const CSV_DESCRIPTION =
  "CSV export: every response matching from/to/minScore/maxScore, newest first, as a download " +
  '(`Content-Disposition: attachment; filename="responses-<campaignId>.csv"`); `limit` is ignored. ' +
  "An export over 5 MB comes in parts (the platform caps a response at 6 MB): a part that is not the " +
  'last carries `Link: <…&cursor=…>; rel="next"`; fetch that URL for the next part. Each part is a ' +
  "complete CSV with its own byte-order mark and header row, and together they hold every row once. " +
  "With a score filter that matches few of many responses, a part may also end early (even without " +
  "rows) to stay within the time limit; follow `Link` until there is none. " +
  "RFC 4180: a header row, CRLF line ends, fields with a comma, double quote or " +
  "line break quoted, quotes doubled. UTF-8 starting with a byte-order mark (EF BB BF) so that Excel " +
  "reads non-ASCII text such as Chinese correctly; most CSV parsers skip it. Columns: id, createdAt, " +
  "updatedAt, orderId, email, name, locale, score, csat, comment, then `attr.<key>` per campaign " +
  "attribute, `properties.<name>` per `segmentBy` property, and `properties` (JSON of all the " +
  "purchase's properties). Empty cell = no value. Formula injection: a text cell starting with `=`, `+`, " +
  "`-`, `@`, tab or carriage return is prefixed with `'` so spreadsheets show it as text.";

const linkHeaderSchema = z
  .string()
  .check(
    z.describe(
      'CSV only, on a part that is not the last: `<path?…&cursor=…>; rel="next"`, relative to the request.',
    ),
  );

/** Every route the API serves, in the order the document lists them. */
const ROUTES: readonly Route[] = [
  {
    method: "get",
    path: "/health",
    operationId: "health",
    summary: "Liveness check",
    public: true,
    responses: { 200: { description: "The service is up.", json: healthSchema } },
  },
  {
    method: "post",
    path: "/v1/campaigns",
    operationId: "createCampaign",
    summary: "Create a campaign",
    body: campaignCreateSchema,
    responses: { 201: { description: "Created", json: campaignSchema } },
    errors: [400, 401, 413, 415, 429],
  },
  {
    method: "get",
    path: "/v1/campaigns",
    operationId: "listCampaigns",
    summary: "List campaigns, newest first",
    query: campaignListQuerySchema,
    responses: { 200: { description: "A page of campaigns", json: campaignPageSchema } },
    errors: [400, 401, 429],
  },
  {
    method: "get",
    path: "/v1/campaigns/{campaignId}",
    operationId: "getCampaign",
    summary: "Get a campaign",
    responses: { 200: { description: "The campaign", json: campaignSchema } },
    errors: [401, 404, 429],
  },
  {
    method: "patch",
    path: "/v1/campaigns/{campaignId}",
    operationId: "updateCampaign",
    summary: "Change a campaign's settings or status (active, paused, archived)",
    body: campaignUpdateSchema,
    responses: { 200: { description: "The updated campaign", json: campaignSchema } },
    errors: [400, 401, 404, 409, 413, 415, 429],
  },
  {
    method: "post",
    path: "/v1/campaigns/{campaignId}/purchases",
    operationId: "postPurchases",
    summary: "Post one purchase, or up to 500 under `purchases`; each becomes a scheduled survey",
    description:
      "Idempotent per orderId within the campaign. One result per input, in order; an invalid item " +
      "is reported and the rest of the batch still goes through. 409 when the campaign is archived.",
    body: purchasesBodySchema,
    responses: { 202: { description: "Per-purchase outcomes", json: purchaseResultsSchema } },
    errors: [400, 401, 404, 409, 413, 415, 429],
    errorDescriptions: {
      409: "The campaign is archived: reactivate it (PATCH `status`) before posting purchases.",
    },
  },
  {
    method: "get",
    path: "/v1/campaigns/{campaignId}/results",
    operationId: "getResults",
    summary: "NPS, satisfaction and attribute figures: overall, per segment value, and as a trend",
    description:
      "Counts are exact and read from day aggregates: the cost does not grow with the number of answers. " +
      "Dates are UTC days, inclusive, by response date (sent counts by send date); at most 366 days.",
    query: resultsQuerySchema,
    responses: { 200: { description: "Results", json: resultsSchema } },
    errors: [400, 401, 404, 429],
  },
  {
    method: "get",
    path: "/v1/campaigns/{campaignId}/responses",
    operationId: "listResponses",
    summary: "List a campaign's responses, newest first, or export them as CSV",
    description:
      "Responses ordered by when the customer first answered, newest first. A page holds `limit` rows " +
      "unless it is the last one (`nextCursor` null), or unless a score filter skipped 20,000 rows " +
      "while filling it: then it is short (possibly empty) and `nextCursor` goes on. Unknown query " +
      "parameters are refused (400). " +
      "Send `Accept: text/csv` for a CSV export of every matching row. " +
      CSV_DESCRIPTION,
    query: responsesQuerySchema,
    responses: {
      200: {
        description:
          'A page of responses (JSON), or the matching responses as CSV: all of them, or one part with a `Link: rel="next"` header to the next.',
        json: responsesPageSchema,
        csv: responsesCsvSchema,
        headers: { Link: linkHeaderSchema },
      },
    },
    errors: [400, 401, 404, 429],
    errorDescriptions: {
      400: "A query parameter is not valid or unknown, or the cursor is not one this listing returned; `details` names each offending field.",
    },
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    public: true,
    responses: { 200: { description: "OpenAPI 3.1 document", json: openApiDocumentSchema } },
  },
];

const COMPONENTS = "#/components/schemas/";

/** The components of one registry: JSON Schemas that refer to each other by `$ref`. */
function componentsOf(bodies: Record<string, z.ZodMiniType>, io: "input" | "output") {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(bodies)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `${COMPONENTS}${id}` });
  // Zod puts a schema that several components share and that has no id of its own under `__shared`,
  // which a `$ref` into components cannot reach: give such a schema an id instead.
  if ("__shared" in schemas) throw new Error("A shared schema needs an id of its own.");
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

/** One schema on its own, as the API writes it. */
function jsonSchemaOf(schema: z.core.$ZodType): Record<string, unknown> {
  const { $schema: _schema, ...json } = z.toJSONSchema(schema, { io: "output" });
  return json;
}

/** A parameter's or header's schema, its description lifted out to where OpenAPI shows it. */
function describedSchema(schema: z.core.$ZodType): { description?: string; schema: Record<string, unknown> } {
  const { description, ...json } = jsonSchemaOf(schema);
  return { ...(typeof description === "string" ? { description } : {}), schema: json };
}

function buildDocument(): Record<string, unknown> {
  const names = new Map<z.ZodMiniType, string>();
  for (const bodies of [REQUEST_BODIES, RESPONSE_BODIES]) {
    for (const [id, schema] of Object.entries(bodies)) names.set(schema, id);
  }
  const ref = (schema: z.ZodMiniType) => {
    const id = names.get(schema);
    if (id === undefined) throw new Error("Every body in ROUTES must be a named component.");
    return { $ref: `${COMPONENTS}${id}` };
  };

  const errorResponse = (status: ErrorStatus, route: Route) => {
    const { description, headers } = ERROR_STATUSES[status];
    return {
      description: route.errorDescriptions?.[status] ?? description,
      ...(headers ? { headers: headersOf(headers) } : {}),
      content: { "application/json": { schema: ref(errorBodySchema) } },
    };
  };

  const operation = (route: Route) => ({
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.public ? { security: [] } : {}),
    ...(route.query ? { parameters: queryParameters(route.query) } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: ref(route.body) } } } }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, answer]) => [
          status,
          {
            description: answer.description,
            ...(answer.headers ? { headers: headersOf(answer.headers) } : {}),
            content: {
              ...(answer.json ? { "application/json": { schema: ref(answer.json) } } : {}),
              ...(answer.csv ? { "text/csv": { schema: jsonSchemaOf(answer.csv) } } : {}),
            },
          },
        ]),
      ),
      ...Object.fromEntries((route.errors ?? []).map((status) => [status, errorResponse(status, route)])),
    },
  });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= pathParameters(route.path);
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }

  const requests = componentsOf(REQUEST_BODIES, "input");
  const responses = componentsOf(RESPONSE_BODIES, "output");
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
      schemas: Object.fromEntries(
        Object.entries({ ...requests, ...responses }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    },
    security: [{ apiKey: [] }],
    paths,
  };
}

/** The parameters of a path template, declared once on its path item. */
function pathParameters(path: string): Record<string, unknown> {
  const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name = ""]) => {
    const schema = PATH_PARAMETERS[name];
    if (!schema) throw new Error(`No schema for the path parameter ${name}.`);
    return { name, in: "path", required: true, ...describedSchema(schema) };
  });
  return parameters.length > 0 ? { parameters } : {};
}

/**
 * One parameter per property of the query schema: its schema as the API reads it once parsed (a
 * `limit` is an integer 1..100, not the string the query carries), required as the schema says.
 */
function queryParameters(query: z.ZodMiniObject): Record<string, unknown>[] {
  const required = z.toJSONSchema(query, { io: "input" }).required ?? [];
  return Object.entries(query.shape).map(([name, schema]) => ({
    name,
    in: "query",
    required: required.includes(name),
    ...describedSchema(schema),
  }));
}

function headersOf(headers: Readonly<Record<string, z.ZodMiniType>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, schema]) => [name, describedSchema(schema)]));
}
