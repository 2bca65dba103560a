import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { schedulePurchases } from "../delivery/schedule-purchases";
import {
  applyCampaignUpdate,
  campaignCreateSchema,
  campaignRuleViolations,
  campaignSettingsFromCreate,
  campaignUpdateSchema,
} from "../domain/campaign";
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from "../domain/errors";
import { CAMPAIGN_ID_PATTERN } from "../domain/ids";
import { purchaseBatchSchema } from "../domain/purchase";
import * as z from "../domain/zod";
import { countMetric, flushMetrics } from "../metrics";
import type { ApiKeyStore } from "../store/api-key-store";
import type { CampaignStore } from "../store/campaign-store";
import type { InvitationStore } from "../store/invitation-store";
import type { PurchaseStore } from "../store/purchase-store";
import type { ResponseStore } from "../store/response-store";
import type { ResultsStore } from "../store/results-store";
import { errorResponse } from "./error-response";
import { openApiDocument } from "./openapi";
import { registerResponseRoutes } from "./responses-routes";
import { registerResultsRoutes } from "./results-routes";
import { parseWith, readJsonBody } from "./validation";

export const MAX_BODY_BYTES = 256 * 1024;

export type ApiDependencies = {
  readonly campaigns: CampaignStore;
  readonly apiKeys: ApiKeyStore;
  readonly purchases: PurchaseStore;
  readonly invitations: InvitationStore;
  readonly responses: ResponseStore;
  readonly results: ResultsStore;
  readonly clock?: () => Date;
};

export const listQuerySchema = z.strictObject({
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")),
      z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(100))),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** The marketer API (`/v1`, bearer API key). The same app runs in Lambda and in the local runtime. */
export function createApiApp(deps: ApiDependencies): Hono {
  const app = new Hono();
  app.onError(errorResponse);
  app.use("*", async (_c, next) => {
    await next();
    flushMetrics();
  });
  app.notFound((c) => errorResponse(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));

  app.get("/health", (c) => c.json({ status: "ok" }));
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
    const match = /^Bearer ([^\s]+)$/.exec(c.req.header("authorization") ?? "");
    if (!match?.[1] || !(await deps.apiKeys.verify(match[1]))) throw new UnauthorizedError();
    await next();
  });

  const loadCampaign = async (id: string) => {
    const found = CAMPAIGN_ID_PATTERN.test(id) ? await deps.campaigns.getVersioned(id) : undefined;
    if (!found) throw new NotFoundError(`No campaign has the id '${id.slice(0, 64)}'.`);
    return found;
  };

  app.post("/v1/campaigns", async (c) => {
    const input = parseWith(campaignCreateSchema, await readJsonBody(c), "campaign");
    const settings = campaignSettingsFromCreate(input);
    rejectRuleViolations(settings);
    return c.json(await deps.campaigns.create(settings), 201);
  });

  app.get("/v1/campaigns", async (c) => {
    const query = parseWith(listQuerySchema, c.req.query(), "query");
    return c.json(await deps.campaigns.list(query.limit ?? 25, query.cursor));
  });

  app.get("/v1/campaigns/:campaignId", async (c) => {
    const { campaign } = await loadCampaign(c.req.param("campaignId"));
    return c.json(campaign);
  });

  app.patch("/v1/campaigns/:campaignId", async (c) => {
    const { campaign, version } = await loadCampaign(c.req.param("campaignId"));
    const update = parseWith(campaignUpdateSchema, await readJsonBody(c), "campaign update");
    const settings = applyCampaignUpdate(campaign, update);
    rejectRuleViolations(settings);
    if (Object.keys(update).length === 0) return c.json(campaign);
    return c.json(await deps.campaigns.update(campaign, version, settings));
  });

  app.post("/v1/campaigns/:campaignId/purchases", async (c) => {
    const { campaign } = await loadCampaign(c.req.param("campaignId"));
    const body = await readJsonBody(c);
    // One purchase, or a batch under `purchases`; items are then validated one by one.
    const items =
      typeof body === "object" && body !== null && !Array.isArray(body) && "purchases" in body
        ? parseWith(purchaseBatchSchema, body, "purchase batch").purchases
        : [body];
    if (campaign.status === "archived") {
      throw new ConflictError(
        "The campaign is archived: reactivate it (PATCH status) before posting purchases.",
      );
    }
    const now = (deps.clock ?? (() => new Date()))();
    const results = await schedulePurchases(deps, campaign, items, now);
    for (const [status, metric] of Object.entries(PURCHASE_METRICS)) {
      countMetric(metric, results.filter((r) => r.status === status).length);
    }
    return c.json({ results }, 202);
  });

  registerResultsRoutes(app, {
    results: deps.results,
    loadCampaign,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  registerResponseRoutes(app, { responses: deps.responses, loadCampaign });

  return app;
}

function rejectRuleViolations(settings: Parameters<typeof campaignRuleViolations>[0]): void {
  const violations = campaignRuleViolations(settings);
  if (violations.length > 0) {
    throw new ValidationError(
      `The campaign is not valid: ${violations.map((v) => v.field).join(", ")}.`,
      violations,
    );
  }
}

const PURCHASE_METRICS = {
  scheduled: "PurchasesScheduled",
  duplicate: "PurchasesDuplicate",
  suppressed: "PurchasesSuppressed",
  throttled: "PurchasesThrottled",
  invalid: "PurchasesInvalid",
} as const;
