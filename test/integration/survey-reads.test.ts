import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { postForm } from "../support/survey-form";

/**
 * The path a customer waits on reads the table once: a survey page view is one Query (the invitation
 * and its answer share a partition, and the invitation carries the survey it was emailed with), and an
 * answer is that Query plus its one transaction. Every command the stores' client sends is recorded.
 * The survey a page shows is the one emailed: a campaign edited after an email changes the pages of
 * later emails only.
 */

describe("survey link reads", () => {
  const clock = manualClock("2026-10-05T09:00:00.000Z");
  let h: DeliveryHarness;
  let campaign: Campaign;
  /** Commands sent while `recording` is set. */
  let recording: string[] | undefined;

  const recorded = async <T>(action: () => Promise<T>): Promise<{ result: T; commands: string[] }> => {
    const commands: string[] = [];
    recording = commands;
    try {
      return { result: await action(), commands };
    } finally {
      recording = undefined;
    }
  };

  const linkOf = async (email: string): Promise<string> => {
    const [message] = await h.inbox({ to: email });
    if (!message) throw new Error(`no email to ${email}`);
    return h.linksIn(message).survey;
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    h.table.db.middlewareStack.add(
      (next, context) => async (args) => {
        recording?.push(context.commandName ?? "?");
        return await next(args);
      },
      { step: "initialize", name: "surveyReadRecorder" },
    );
    campaign = await h.createCampaign({
      delayDays: 0,
      brandName: "Brand at sending",
      segmentBy: ["region"],
      attributes: [{ key: "delivery", label: "Delivery" }],
    });
    await h.postPurchases(campaign.id, [
      { orderId: "o-1", email: "first@example.com", properties: { region: "north" } },
    ]);
    await h.deliver();
  }, 60_000);

  afterAll(async () => h?.close());

  it("shows the survey page with one Query, and records an answer with one Query and one transaction", async () => {
    const link = await linkOf("first@example.com");
    const page = await recorded(async () => {
      const response = await fetch(`${link}?score=9`);
      return { status: response.status, text: await response.text() };
    });
    expect(page.result.status, page.result.text).toBe(200);
    expect(page.result.text).toContain("Brand at sending");
    expect(page.commands).toEqual(["QueryCommand"]);

    const answer = await recorded(async () => {
      return (await postForm(link, { score: "9", "attr.delivery": "4" })).status;
    });
    expect(answer.result).toBe(200);
    expect(answer.commands).toEqual(["QueryCommand", "TransactWriteItemsCommand"]);

    // An edit too: the answer read with the invitation is the one the transaction replaces.
    const edit = await recorded(async () => {
      return (await postForm(link, { score: "6", "attr.delivery": "2" })).status;
    });
    expect(edit.result).toBe(200);
    expect(edit.commands).toEqual(["QueryCommand", "TransactWriteItemsCommand"]);
    const results = await h.api<{ overall: { responses: number; detractors: number } }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results?from=2026-10-05&to=2026-10-05`,
    );
    expect(results.body.overall).toMatchObject({ responses: 1, detractors: 1 });
  });

  it("shows the survey that was emailed: an edit of the campaign reaches only later emails", async () => {
    const edited = await h.api("PATCH", `/v1/campaigns/${campaign.id}`, {
      brandName: "Brand after editing",
      attributes: [{ key: "speed", label: "Speed" }],
    });
    expect(edited.status, edited.text).toBe(200);
    const first = await (await fetch(await linkOf("first@example.com"))).text();
    expect(first).toContain("Brand at sending");
    expect(first).toContain("Delivery");
    expect(first).not.toContain("Speed");

    await h.postPurchases(campaign.id, [{ orderId: "o-2", email: "second@example.com" }]);
    await h.deliver();
    const second = await (await fetch(await linkOf("second@example.com"))).text();
    expect(second).toContain("Brand after editing");
    expect(second).toContain("Speed");
    // The earlier survey's answer is checked against the questions it asked.
    const refused = await postForm(
      await linkOf("first@example.com"),
      { score: "8", "attr.speed": "4" },
      { json: true },
    );
    expect(refused.status).toBe(400);
  });
});
