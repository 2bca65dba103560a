import { type ConsoleApp, type ConsolePorts, frame, messages, requireSection } from "./console-context";
import { renderNotBuiltPage } from "./console-pages";

/**
 * The console's routes for creating and editing campaigns with their alert rules, webhooks with their
 * delivery log, and API keys.
 */
export function registerSettingsRoutes(app: ConsoleApp, _ports: ConsolePorts): void {
  app.get("/app/webhooks", (c) => {
    requireSection(c, "webhooks");
    const m = messages(c);
    return c.html(
      renderNotBuiltPage({ ...frame(c, "webhooks"), title: m.navWebhooks, planned: m.plannedWebhooks }),
    );
  });
  app.get("/app/api-keys", (c) => {
    requireSection(c, "api-keys");
    const m = messages(c);
    return c.html(
      renderNotBuiltPage({ ...frame(c, "api-keys"), title: m.navApiKeys, planned: m.plannedApiKeys }),
    );
  });
}
