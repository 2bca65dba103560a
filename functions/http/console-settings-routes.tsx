import type { Campaign } from "../domain/campaign";
import { settingsMessagesFor } from "../domain/console-settings-messages";
import { ValidationError } from "../domain/errors";
import { type Delivery, isSuccessStatus, WEBHOOK_EVENT_TYPES } from "../domain/webhook";
import { loadCampaign } from "../use-cases/load-campaign";
import { createApiKey, listApiKeys, revokeApiKey } from "../use-cases/manage-api-keys";
import { CampaignChangedError, createCampaign, updateCampaign } from "../use-cases/manage-campaigns";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  updateWebhook,
} from "../use-cases/manage-webhooks";
import { retryWebhookDelivery } from "../use-cases/retry-webhook-delivery";
import { testWebhook } from "../use-cases/test-webhook";
import {
  campaignBody,
  campaignValues,
  newCampaignValues,
  postedValues,
  renderCampaignFormPage,
} from "./console-campaign-form";
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsolePorts,
  frame,
  requireSection,
} from "./console-context";
import { renderApiKeysPage } from "./console-settings-pages";
import {
  eventFieldName,
  renderDeleteWebhookPage,
  renderWebhookCreatedPage,
  renderWebhookPage,
  renderWebhooksPage,
  type WebhookFormValues,
} from "./console-webhook-pages";
import { readFormFields } from "./request-body";

/**
 * The console's routes for creating and editing campaigns with their alert rules, webhooks with their
 * delivery log, and API keys. Every change goes through the use case the API calls, so a form meets
 * the API's rules and messages; a refused form comes back (400) with each message at its field and
 * what was typed kept. A saved change redirects (303) to a page that says so; a secret (a webhook's,
 * an API key) is shown on the answer to the POST that made it, never in a URL, and never again.
 */
export function registerSettingsRoutes(app: ConsoleApp, ports: ConsolePorts): void {
  const sm = (c: ConsoleContext) => settingsMessagesFor(c.get("locale") ?? "en");
  const deliveryPorts = { ...ports, poster: ports.webhookPoster };

  /* Campaigns: create, edit (with the alert rules), pause, resume, archive. */

  const editPath = (id: string, notice?: string) =>
    `/app/campaigns/${encodeURIComponent(id)}/edit${notice ? `?notice=${notice}` : ""}`;

  app.get("/app/campaigns/new", (c) =>
    c.html(renderCampaignFormPage({ ...frame(c, "campaigns"), values: newCampaignValues(c.get("locale")) })),
  );

  app.post("/app/campaigns", async (c) => {
    const values = postedValues(await readFormFields(c));
    try {
      const created = await createCampaign(ports, campaignBody(values));
      return c.redirect(editPath(created.id, "created"), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return c.html(
        renderCampaignFormPage({ ...frame(c, "campaigns"), values, errors: error.details ?? [] }),
        400,
      );
    }
  });

  app.get("/app/campaigns/:campaignId/edit", async (c) => {
    const { campaign, version } = await loadCampaign(ports, c.req.param("campaignId"));
    return c.html(
      renderCampaignFormPage({
        ...frame(c, "campaigns"),
        campaign: { current: campaign, version },
        values: campaignValues(campaign),
        notice: campaignNotice(sm(c), c.req.query("notice")),
      }),
    );
  });

  app.post("/app/campaigns/:campaignId/edit", async (c) => {
    const { campaign } = await loadCampaign(ports, c.req.param("campaignId"));
    const fields = await readFormFields(c);
    const values = postedValues(fields);
    // The version the form was loaded with; a form without one cannot say what it edited.
    const posted =
      typeof fields.version === "string" && /^\d{1,12}$/.test(fields.version) ? Number(fields.version) : -1;
    const page = (extra: { errors?: ValidationError["details"]; stale?: boolean }) =>
      renderCampaignFormPage({
        ...frame(c, "campaigns"),
        campaign: { current: campaign, version: posted },
        values,
        ...extra,
      });
    try {
      await updateCampaign(ports, campaign.id, async () => campaignBody(values, campaign), posted);
      return c.redirect(editPath(campaign.id, "saved"), 303);
    } catch (error) {
      if (error instanceof ValidationError) return c.html(page({ errors: error.details ?? [] }), 400);
      if (error instanceof CampaignChangedError) return c.html(page({ stale: true }), 409);
      throw error;
    }
  });

  app.post("/app/campaigns/:campaignId/status", async (c) => {
    const fields = await readFormFields(c);
    const updated = await updateCampaign(ports, c.req.param("campaignId"), async () => ({
      status: fields.status,
    }));
    return c.redirect(editPath(updated.id, updated.status), 303);
  });

  /* Webhooks (admins only). */

  const webhooksPage = async (
    c: ConsoleContext,
    extra: { values?: WebhookFormValues; errors?: ValidationError["details"]; notice?: string } = {},
  ) => {
    const cursor = c.req.query("cursor");
    const page = await listWebhooks(ports, { limit: "50", ...(cursor === undefined ? {} : { cursor }) });
    return renderWebhooksPage({
      ...frame(c, "webhooks"),
      webhooks: page.items,
      nextCursor: page.nextCursor,
      paged: cursor !== undefined,
      ...extra,
    });
  };

  app.get("/app/webhooks", async (c) => {
    requireSection(c, "webhooks");
    const notice = c.req.query("notice") === "deleted" ? sm(c).webhookDeleted : undefined;
    return c.html(await webhooksPage(c, notice ? { notice } : {}));
  });

  app.post("/app/webhooks", async (c) => {
    requireSection(c, "webhooks");
    const fields = await readFormFields(c);
    const text = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : "");
    const values: WebhookFormValues = {
      url: text("url").trim(),
      description: text("description"),
      events: WEBHOOK_EVENT_TYPES.filter((type) => fields[eventFieldName(type)] === "on"),
    };
    try {
      const created = await createWebhook(ports, {
        url: values.url,
        events: values.events,
        ...(values.description.trim() ? { description: values.description } : {}),
      });
      return c.html(renderWebhookCreatedPage({ ...frame(c, "webhooks"), webhook: created }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return c.html(await webhooksPage(c, { values, errors: error.details ?? [] }), 400);
    }
  });

  const webhookPath = (id: string, query = "") => `/app/webhooks/${encodeURIComponent(id)}${query}`;

  app.get("/app/webhooks/:webhookId", async (c) => {
    requireSection(c, "webhooks");
    const id = c.req.param("webhookId");
    const webhook = await getWebhook(ports, id);
    const cursor = c.req.query("cursor");
    const page = await listWebhookDeliveries(ports, webhook.id, {
      limit: "25",
      ...(cursor === undefined ? {} : { cursor }),
    });
    const notice = webhookNotice(sm(c), c.req.query("notice"), c.req.query("code"));
    return c.html(
      renderWebhookPage({
        ...frame(c, "webhooks"),
        webhook,
        deliveries: page.items,
        nextCursor: page.nextCursor,
        paged: cursor !== undefined,
        ...notice,
      }),
    );
  });

  app.post("/app/webhooks/:webhookId/status", async (c) => {
    requireSection(c, "webhooks");
    const fields = await readFormFields(c);
    const updated = await updateWebhook(ports, c.req.param("webhookId"), async () => ({
      status: fields.status,
    }));
    return c.redirect(webhookPath(updated.id, `?notice=${updated.status}`), 303);
  });

  app.post("/app/webhooks/:webhookId/test", async (c) => {
    requireSection(c, "webhooks");
    const delivery = await testWebhook(deliveryPorts, c.req.param("webhookId"));
    return c.redirect(webhookPath(delivery.webhookId, outcomeQuery("test", delivery)), 303);
  });

  app.post("/app/webhooks/:webhookId/deliveries/:deliveryId/retry", async (c) => {
    requireSection(c, "webhooks");
    const delivery = await retryWebhookDelivery(
      deliveryPorts,
      c.req.param("webhookId"),
      c.req.param("deliveryId"),
    );
    return c.redirect(webhookPath(delivery.webhookId, outcomeQuery("retry", delivery)), 303);
  });

  app.get("/app/webhooks/:webhookId/delete", async (c) => {
    requireSection(c, "webhooks");
    const webhook = await getWebhook(ports, c.req.param("webhookId"));
    return c.html(renderDeleteWebhookPage({ ...frame(c, "webhooks"), webhook }));
  });

  app.post("/app/webhooks/:webhookId/delete", async (c) => {
    requireSection(c, "webhooks");
    await deleteWebhook(ports, c.req.param("webhookId"));
    return c.redirect("/app/webhooks?notice=deleted", 303);
  });

  /* API keys (admins only). */

  const keysPage = async (
    c: ConsoleContext,
    extra: Omit<Parameters<typeof renderApiKeysPage>[0], keyof ReturnType<typeof frame> | "keys"> = {},
  ) => renderApiKeysPage({ ...frame(c, "api-keys"), keys: await listApiKeys(ports), ...extra });

  app.get("/app/api-keys", async (c) => {
    requireSection(c, "api-keys");
    const keys = await listApiKeys(ports);
    const revoked = keys.find((key) => key.id === c.req.query("revoked"));
    return c.html(
      renderApiKeysPage({
        ...frame(c, "api-keys"),
        keys,
        ...(revoked ? { notice: sm(c).keyRevokedNotice(revoked.name) } : {}),
      }),
    );
  });

  app.post("/app/api-keys", async (c) => {
    requireSection(c, "api-keys");
    const fields = await readFormFields(c);
    const typed = typeof fields.name === "string" ? fields.name : "";
    try {
      const created = await createApiKey(ports, fields.name);
      // The key is in this answer alone (no-store, like every console page), never in a URL.
      return c.html(await keysPage(c, { created }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return c.html(await keysPage(c, { error: sm(c).keyNameInvalid, name: typed }), 400);
    }
  });

  app.post("/app/api-keys/:keyId/revoke", async (c) => {
    requireSection(c, "api-keys");
    const id = c.req.param("keyId");
    await revokeApiKey(ports, id);
    return c.redirect(`/app/api-keys?revoked=${encodeURIComponent(id)}`, 303);
  });
}

/** The notice a campaign page shows after a redirect. */
function campaignNotice(
  m: ReturnType<typeof settingsMessagesFor>,
  notice: string | undefined,
): string | undefined {
  if (notice === "created") return m.campaignCreated;
  if (notice === "saved") return m.campaignSaved;
  if (notice === "active" || notice === "paused" || notice === "archived") {
    return m.statusChanged[notice satisfies Campaign["status"]];
  }
  return undefined;
}

/** Where a test or retry redirects: its outcome and the endpoint's status code, nothing else. */
function outcomeQuery(kind: "test" | "retry", delivery: Delivery): string {
  const last = delivery.attempts.at(-1);
  const code = last?.responseCode ?? null;
  const outcome = isSuccessStatus(code) ? "ok" : "failed";
  return `?notice=${kind}-${outcome}${code === null ? "" : `&code=${code}`}`;
}

/** The notice a webhook's page shows after a redirect, and whether it reports a failure. */
function webhookNotice(
  m: ReturnType<typeof settingsMessagesFor>,
  notice: string | undefined,
  code: string | undefined,
): { notice?: string; failed?: boolean } {
  const what = code && /^\d{3}$/.test(code) ? `HTTP ${code}` : m.noAnswer;
  const status = code && /^\d{3}$/.test(code) ? code : m.noAnswer;
  switch (notice) {
    case "enabled":
      return { notice: m.webhookEnabled };
    case "disabled":
      return { notice: m.webhookDisabled };
    case "test-ok":
      return { notice: m.testDelivered(status) };
    case "test-failed":
      return { notice: m.testFailed(what), failed: true };
    case "retry-ok":
      return { notice: m.retryDelivered(status) };
    case "retry-failed":
      return { notice: m.retryFailed(what), failed: true };
    default:
      return {};
  }
}
