import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type Clock, systemClock } from "../domain/clock";
import { NotFoundError, PayloadTooLargeError } from "../domain/errors";
import type { PurchaseStatus } from "../domain/purchase";
import { countMetric, flushMetrics } from "../platform/metrics";
import { type AuthenticatePorts, authenticate } from "../use-cases/authenticate";
import {
  type DeleteCampaignOptions,
  type DeleteCampaignPorts,
  deleteCampaign,
} from "../use-cases/delete-campaign";
import { type ErasePersonPorts, erasePerson } from "../use-cases/erase-person";
import { type ExportPersonPorts, exportPerson } from "../use-cases/export-person";
import { type ExportOptions, exportResponses } from "../use-cases/export-responses";
import { type CampaignListPorts, listCampaigns } from "../use-cases/list-campaigns";
import type { ResponseListPorts } from "../use-cases/list-responses";
import { listResponses } from "../use-cases/list-responses";
import {
  type CampaignPorts,
  createCampaign,
  getCampaign,
  updateCampaign,
} from "../use-cases/manage-campaigns";
import { type PreviewEmailPorts, previewEmail } from "../use-cases/preview-email";
import { type ReadPurchasePorts, readPurchase } from "../use-cases/read-purchase";
import { type ReadResultsPorts, readResults } from "../use-cases/read-results";
import { type SchedulePurchasesPorts, schedulePurchases } from "../use-cases/schedule-purchases";
import { type SendTestEmailPorts, sendTestEmail } from "../use-cases/send-test-email";
import { API_KEY_ID } from "./api-key-variable";
import { type CaseRouteDependencies, registerCaseRoutes } from "./case-routes";
import { respondWithCsv, wantsCsv } from "./csv-response";
import { createDelightedApp, type DelightedDependencies } from "./delighted-app";
import { jsonErrorResponse } from "./error-response";
import { openApiDocument } from "./openapi";
import { readJsonBody } from "./request-body";
import { registerWebhookRoutes, type WebhookRouteDependencies } from "./webhook-routes";

export const MAX_BODY_BYTES = 256 * 1024;

/** What the marketer API works with: the stores (or fakes) behind its use cases. */
export type ApiDependencies = Omit<
  AuthenticatePorts &
    CampaignPorts &
    CampaignListPorts &
    DeleteCampaignPorts &
    SchedulePurchasesPorts &
    ReadPurchasePorts &
    ReadResultsPorts &
    ResponseListPorts &
    Omit<SendTestEmailPorts, "mail" | "publicBaseUrl"> &
    ExportPersonPorts &
    ErasePersonPorts &
    DelightedDependencies &
    Omit<CaseRouteDependencies, "caseMail"> &
    WebhookRouteDependencies,
  "clock"
> & {
  readonly clock?: Clock;
  /** How the CSV export is cut (defaults suit Lambda); tests lower them to get several parts. */
  readonly export?: ExportOptions;
  /** How much one DELETE of a campaign deletes (the default suits Lambda); tests lower it. */
  readonly deletion?: DeleteCampaignOptions;
  /**
   * The mail adapter and the survey links' origin, for email previews and test sends. The Lambda
   * handler and the local runtime always give them; an app built without them (a test of other routes)
   * answers those two routes 500.
   */
  readonly mail?: PreviewEmailPorts["mail"] & SendTestEmailPorts["mail"];
  readonly publicBaseUrl?: string;
  /** The mailer of case replies to customers (the same SES sender). */
  readonly caseMail?: CaseRouteDependencies["caseMail"];
};

/**
 * The marketer API (`/v1`, bearer API key), and beside it the Delighted-compatible API
 * (`/delighted/{campaignId}/v1`, delighted-app.ts). Each route parses the request, calls one use case
 * and renders its result as JSON; errors are rendered by the one mapper. The same app runs in Lambda
 * and in the local runtime.
 */
export function createApiApp(deps: ApiDependencies): Hono {
  const ports = { ...deps, clock: deps.clock ?? systemClock };
  const mailPorts = () => {
    if (!deps.mail || deps.publicBaseUrl === undefined) {
      throw new Error("The API app was built without a mailer: email previews and test sends need one.");
    }
    return { ...ports, mail: deps.mail, publicBaseUrl: deps.publicBaseUrl };
  };
  const app = new Hono();
  app.onError(jsonErrorResponse);
  app.use("*", async (_c, next) => {
    await next();
    flushMetrics();
  });
  app.notFound((c) => jsonErrorResponse(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.route("/delighted/:campaignId/v1", createDelightedApp(ports, { maxBodyBytes: MAX_BODY_BYTES }));
  app.get("/v1/openapi.json", (c) => c.json(openApiDocument()));

  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_BODY_BYTES);
      },
    }),
  );
  app.use("/v1/*", async (c, next) => {
    // Auth schemes are case-insensitive (RFC 9110, 11.1).
    const keyId = await authenticate(
      ports,
      /^Bearer +(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1],
    );
    c.set(API_KEY_ID, keyId);
    await next();
  });

  app.post("/v1/campaigns", async (c) => c.json(await createCampaign(ports, await readJsonBody(c)), 201));
  app.get("/v1/campaigns", async (c) => c.json(await listCampaigns(ports, c.req.query())));
  app.get("/v1/campaigns/:campaignId", async (c) =>
    c.json(await getCampaign(ports, c.req.param("campaignId"))),
  );
  app.patch("/v1/campaigns/:campaignId", async (c) =>
    c.json(await updateCampaign(ports, c.req.param("campaignId"), () => readJsonBody(c))),
  );
  app.delete("/v1/campaigns/:campaignId", async (c) => {
    const result = await deleteCampaign(ports, c.req.param("campaignId"), deps.deletion);
    return result === "deleted" ? c.body(null, 204) : c.json(result, 202);
  });

  app.post("/v1/campaigns/:campaignId/preview", async (c) =>
    c.json(await previewEmail(mailPorts(), c.req.param("campaignId"), () => readJsonBody(c))),
  );
  app.post("/v1/campaigns/:campaignId/test-send", async (c) =>
    c.json(await sendTestEmail(mailPorts(), c.req.param("campaignId"), () => readJsonBody(c)), 202),
  );

  app.post("/v1/campaigns/:campaignId/purchases", async (c) => {
    const results = await schedulePurchases(ports, c.req.param("campaignId"), () => readJsonBody(c));
    for (const [status, metric] of Object.entries(PURCHASE_METRICS)) {
      countMetric(metric, results.filter((r) => r.status === status).length);
    }
    return c.json({ results }, 202);
  });

  app.get("/v1/campaigns/:campaignId/purchases/:orderId", async (c) =>
    c.json(await readPurchase(ports, c.req.param("campaignId"), c.req.param("orderId"))),
  );

  app.get("/v1/campaigns/:campaignId/results", async (c) =>
    c.json(await readResults(ports, c.req.param("campaignId"), c.req.query())),
  );

  app.get("/v1/campaigns/:campaignId/responses", async (c) => {
    const csv = wantsCsv(c);
    const result = csv
      ? await exportResponses(ports, c.req.param("campaignId"), c.req.query(), deps.export)
      : await listResponses(ports, c.req.param("campaignId"), c.req.query());
    c.header("Cache-Control", "no-store");
    c.header("Vary", "Accept");
    return "body" in result
      ? respondWithCsv(c, `responses-${result.campaign.id}.csv`, result)
      : c.json(result);
  });

  // A person's data: exported (never cached: it is personal data) and erased, by address.
  app.get("/v1/people/:email", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await exportPerson(ports, c.req.param("email")));
  });
  app.delete("/v1/people/:email", async (c) =>
    c.json(await erasePerson(ports, c.req.param("email"), c.get(API_KEY_ID)), 202),
  );

  registerCaseRoutes(app, ports);
  registerWebhookRoutes(app, ports);

  return app;
}

const PURCHASE_METRICS = {
  scheduled: "PurchasesScheduled",
  duplicate: "PurchasesDuplicate",
  suppressed: "PurchasesSuppressed",
  throttled: "PurchasesThrottled",
  invalid: "PurchasesInvalid",
  failed: "PurchasesFailed",
} as const satisfies Record<PurchaseStatus, string>;
