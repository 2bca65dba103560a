import {
  campaignCreateSchema,
  campaignIdSchema,
  campaignListQuerySchema,
  campaignPageSchema,
  campaignSchema,
  campaignUpdateSchema,
} from "../domain/campaign";
import { campaignDeletionSchema } from "../domain/campaign-deletion";
import {
  emailPreviewRequestSchema,
  emailPreviewSchema,
  TEST_SENDS_PER_HOUR,
  testEmailRequestSchema,
  testEmailResultSchema,
} from "../domain/email-preview";
import { errorBodySchema } from "../domain/error-body";
import { personEmailParamSchema, personErasureSchema, personExportSchema } from "../domain/person";
import {
  purchaseBatchBodySchema,
  purchaseResultSchema,
  purchaseResultsSchema,
  purchaseSchema,
  purchasesBodySchema,
} from "../domain/purchase";
import {
  invitationDeliverySchema,
  orderIdParamSchema,
  purchaseDeliverySchema,
} from "../domain/purchase-status";
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
import { CASES_SECTION } from "./openapi-cases";
import { ERROR_STATUSES, type ErrorStatus } from "./openapi-errors";
import type { OpenApiSection, Route } from "./openapi-route";
import { WEBHOOKS_SECTION } from "./openapi-webhooks";

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
const CORE_REQUEST_BODIES = {
  CampaignCreate: campaignCreateSchema,
  CampaignUpdate: campaignUpdateSchema,
  EmailPreviewRequest: emailPreviewRequestSchema,
  Purchase: purchaseSchema,
  PurchaseBatch: purchaseBatchBodySchema,
  PurchaseRequest: purchasesBodySchema,
  TestEmailRequest: testEmailRequestSchema,
};

/** Response bodies, by component name: shown as the API writes them. */
const CORE_RESPONSE_BODIES = {
  Campaign: campaignSchema,
  CampaignDeletion: campaignDeletionSchema,
  CampaignPage: campaignPageSchema,
  EmailPreview: emailPreviewSchema,
  Error: errorBodySchema,
  Health: healthSchema,
  InvitationDelivery: invitationDeliverySchema,
  OpenApiDocument: openApiDocumentSchema,
  PersonErasure: personErasureSchema,
  PersonExport: personExportSchema,
  PurchaseDelivery: purchaseDeliverySchema,
  PurchaseResult: purchaseResultSchema,
  PurchaseResults: purchaseResultsSchema,
  ResponseItem: responseItemSchema,
  ResponsesPage: responsesPageSchema,
  Results: resultsSchema,
  PeriodStats: periodStatsSchema,
  SegmentStats: segmentStatsSchema,
  Stats: statsSchema,
  TestEmailResult: testEmailResultSchema,
};

/** The schemas of the path parameters, by name. */
const CORE_PATH_PARAMETERS: Readonly<Record<string, z.core.$ZodType>> = {
  campaignId: campaignIdSchema,
  email: personEmailParamSchema,
  orderId: orderIdParamSchema,
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

/** The routes of campaigns, purchases, results, responses and people, in the order the document lists them. */
const CORE_ROUTES: readonly Route[] = [
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
    summary: "List campaigns, newest first, optionally only those of one status",
    description:
      "A page holds `limit` campaigns unless it is the last one (`nextCursor` null). With `status`, campaigns " +
      "of other statuses are skipped while the page fills; a page that had to skip thousands of them comes " +
      "back short (possibly empty) with a `nextCursor` to go on from. Unknown query parameters are refused (400).",
    query: campaignListQuerySchema,
    responses: { 200: { description: "A page of campaigns", json: campaignPageSchema } },
    errors: [400, 401, 429],
    errorDescriptions: {
      400: "`limit` or `status` is not valid, a parameter is unknown, or the cursor is not one this listing returned (it names a campaign that was deleted since, too); `details` names each offending field.",
    },
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
    method: "delete",
    path: "/v1/campaigns/{campaignId}",
    operationId: "deleteCampaign",
    summary: "Delete a campaign that never sent a survey (a test campaign), with all it holds",
    description:
      "Deletes the campaign, its purchases, their invitations (none sent), its segment values and its (zero) " +
      "counts. A campaign that sent at least one survey cannot be deleted (409): archive it instead, which " +
      "keeps its results and answers and sends nothing more. The campaign is archived first, so it sends and " +
      "takes nothing while it is being deleted; a deletion that is interrupted (a timeout, a 429) leaves it " +
      "archived, and the same DELETE finishes it. A large campaign (over 1,000 purchases) is deleted over " +
      "several requests: each answers 202 until the last answers 204. A purchase posted while the " +
      "deletion runs may be answered `scheduled` and then deleted, or kept unsent until its data expires.",
    responses: {
      204: { description: "Deleted, with everything it held." },
      202: {
        description: "Part of a large campaign deleted: send the same DELETE again.",
        json: campaignDeletionSchema,
      },
    },
    errors: [401, 404, 409, 429],
    errorDescriptions: {
      409: "The campaign sent a survey (it may even be sending one right now), so it is kept with its results and answers: archive it instead (PATCH `status`). Or it was changed by another request meanwhile: read it and retry.",
      429: "Throttled: part of the deletion may be done; send the same DELETE again after a short wait.",
    },
  },
  {
    method: "post",
    path: "/v1/campaigns/{campaignId}/preview",
    operationId: "previewEmail",
    summary: "Render the campaign's survey email as a customer would get it, without sending it",
    description:
      "The subject, HTML and text of the survey email (or of its reminder) exactly as the sender renders " +
      "them, in the language and with the greeting asked for, from the campaign's current settings. Nothing " +
      "is sent or written. The links use the placeholder token `preview`, which no survey link accepts: " +
      "opened, they show the page that says the link is not valid.",
    body: emailPreviewRequestSchema,
    responses: { 200: { description: "The rendered email", json: emailPreviewSchema } },
    errors: [400, 401, 404, 413, 415, 429],
  },
  {
    method: "post",
    path: "/v1/campaigns/{campaignId}/test-send",
    operationId: "sendTestEmail",
    summary: "Send the campaign's survey email to one address, as a test",
    description:
      "Sends the survey email, rendered exactly as the preview shows it, to the address given, through the " +
      "same mail path as real surveys (SES, with the campaign's sender name). A test email counts nowhere: " +
      "no purchase, invitation, throttle record or result count. Its score and unsubscribe links use the " +
      "placeholder token `preview`: they open the page that says the link is not valid, and record nothing, " +
      "so no test answer can reach the results. A suppressed address (unsubscribed, bounced, complained) is " +
      `refused. At most ${TEST_SENDS_PER_HOUR} test emails per campaign per UTC hour, so a script's loop ` +
      "cannot flood an inbox or hurt the sender's reputation.",
    body: testEmailRequestSchema,
    responses: { 202: { description: "Handed to SES for sending", json: testEmailResultSchema } },
    errors: [400, 401, 404, 409, 413, 415, 429],
    errorDescriptions: {
      400: "The body is not valid (`details` names each offending field), or SES refused the address (`email`), e.g. one not verified while the account is in the SES sandbox.",
      409: "The address is suppressed: it unsubscribed, bounced or complained, and gets no email at all; or SES refused the email for a reason every email of the campaign shares (its sender name, the sender's SES setup), which the message gives; nothing was sent.",
      429: `The campaign sent ${TEST_SENDS_PER_HOUR} test emails this UTC hour (\`Retry-After\` is the seconds until the next), or the table was busy (\`Retry-After: 1\`); nothing was sent.`,
    },
  },
  {
    method: "get",
    path: "/v1/campaigns/{campaignId}/purchases/{orderId}",
    operationId: "getPurchase",
    summary: "A purchase and where each of its survey emails stands, for support",
    description:
      'Answers "did this customer get the survey?": the purchase as posted, whether its address is suppressed, ' +
      "and per survey email its status (scheduled, sent, skipped, bounced, answered, unsubscribed) with its " +
      "times and, once answered, the id of the answer in the responses listing. The survey link itself is " +
      "never shown. Percent-encode the orderId as one path segment.",
    responses: { 200: { description: "The purchase and its survey emails", json: purchaseDeliverySchema } },
    errors: [401, 404, 429],
    errorDescriptions: { 404: "No such campaign, or no purchase with that orderId in it." },
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
    path: "/v1/people/{email}",
    operationId: "exportPerson",
    summary: "Everything held about one person (an email address), for a data access request",
    description:
      "The address's purchases in every campaign, each with its survey emails and their answers (comments " +
      "included), the address's suppression and its throttle record, as JSON. Survey links are never shown. " +
      "Purchases recorded before person links existed are found once `npm run person -- index` has run. After " +
      "an erasure it shows what is left: the purchases and answers without personal data.",
    responses: { 200: { description: "The person's data", json: personExportSchema } },
    errors: [400, 401, 429],
    errorDescriptions: { 400: "The path does not name an email address." },
  },
  {
    method: "delete",
    path: "/v1/people/{email}",
    operationId: "erasePerson",
    summary: "Erase a person's personal data everywhere, keeping the anonymous counts",
    description:
      "Removes the address, the name, the properties and the comments from the person's purchases, survey " +
      "emails and answers in every campaign; drops what was still to be sent to them; makes their survey links " +
      "answer like unknown ones; deletes the address's throttle and suppression records. Scores, ratings, " +
      "order ids and counts stay, so results do not change and reconcile still agrees. A suppression in force " +
      "(unsubscribed, bounced, complained) is kept under a hash of the address, so the address gets no survey " +
      "again. Idempotent: the same request again answers the same. Logged with the API key's id, never the " +
      "address.",
    responses: { 202: { description: "Erased", json: personErasureSchema } },
    errors: [400, 401, 409, 429],
    errorDescriptions: {
      400: "The path does not name an email address.",
      409: "A survey email to the person is being sent right now: everything else was erased; send the same request again in a few minutes to finish.",
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

/** Every part of the API, in the order the document lists its routes. */
const SECTIONS: readonly OpenApiSection[] = [
  {
    requestBodies: CORE_REQUEST_BODIES,
    responseBodies: CORE_RESPONSE_BODIES,
    pathParameters: CORE_PATH_PARAMETERS,
    routes: CORE_ROUTES,
  },
  CASES_SECTION,
  WEBHOOKS_SECTION,
];
const REQUEST_BODIES: Record<string, z.ZodMiniType> = Object.assign(
  {},
  ...SECTIONS.map((section) => section.requestBodies),
);
const RESPONSE_BODIES: Record<string, z.ZodMiniType> = Object.assign(
  {},
  ...SECTIONS.map((section) => section.responseBodies),
);
const PATH_PARAMETERS: Readonly<Record<string, z.core.$ZodType>> = Object.assign(
  {},
  ...SECTIONS.map((section) => section.pathParameters),
);
const ROUTES: readonly Route[] = SECTIONS.flatMap((section) => section.routes);

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
            // An answer without a body (204) has no content at all.
            ...(answer.json || answer.csv
              ? {
                  content: {
                    ...(answer.json ? { "application/json": { schema: ref(answer.json) } } : {}),
                    ...(answer.csv ? { "text/csv": { schema: jsonSchemaOf(answer.csv) } } : {}),
                  },
                }
              : {}),
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
