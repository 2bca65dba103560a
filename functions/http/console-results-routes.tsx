import { getCampaign } from "../use-cases/manage-campaigns";
import { type ConsoleApp, type ConsolePorts, frame, messages } from "./console-context";
import { renderNotBuiltPage } from "./console-pages";

/** The console's routes for a campaign's results (figures and charts) and its responses (list, filters, CSV). */
export function registerResultsRoutes(app: ConsoleApp, ports: ConsolePorts): void {
  app.get("/app/campaigns/:campaignId", async (c) => {
    const campaign = await getCampaign(ports, c.req.param("campaignId"));
    return c.html(
      renderNotBuiltPage({
        ...frame(c, "campaigns"),
        title: campaign.name,
        planned: messages(c).plannedCampaignResults,
        backUrl: "/app/campaigns",
      }),
    );
  });
}
