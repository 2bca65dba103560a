import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Case } from "../../functions/domain/case";
import type { Results } from "../../functions/domain/results";
import type { StreamBatchHandler } from "../../local/table-stream-loop";
import {
  type DeliveryHarness,
  type ManualClock,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";
import { type LoopbackReceiver, startLoopbackReceiver } from "../support/loopback-receiver";
import { answerSurvey } from "../support/survey-form";

/**
 * Close the loop end to end, without a browser: an answer commits, DynamoDB Local's stream carries it
 * to the events handler (the same code as the Lambda function), which opens a case, emails its owners
 * through the SES emulator, posts to a Slack receiver on loopback and delivers signed webhooks to a
 * subscriber on loopback; the case is then worked over the API and its reply lands in the inbox.
 */
describe("close the loop", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;
  let slack: LoopbackReceiver;
  let subscriber: LoopbackReceiver;
  let secret: string;
  let campaign: Campaign;
  /** Batches the events handler was given, to hand one to it again (a replay, as Lambda may). */
  const batches: Parameters<StreamBatchHandler>[0][] = [];
  let eventsHandler: StreamBatchHandler;

  const OWNERS = ["owner@example.com", "second@example.com"];

  const answer = (link: string, fields: Record<string, string>) => answerSurvey(link, fields, { json: true });
  const surveyLinkFor = async (orderId: string, email: string) => {
    await h.postPurchases(campaign.id, [{ orderId, email, name: "Ann Lee", properties: { region: "EU" } }]);
    await h.deliver();
    const [invitation] = await h.inbox({ to: email });
    if (!invitation) throw new Error(`no survey email to ${email}`);
    return h.linksIn(invitation).survey;
  };
  const casesOf = async (query = "") => {
    const page = await h.api<{ items: Case[] }>("GET", `/v1/cases?campaignId=${campaign.id}${query}`);
    expect(page.status, page.text).toBe(200);
    return page.body.items;
  };
  const eventsReceived = () =>
    subscriber.received.map((r) => {
      // Verified as a receiver would, with the Standard Webhooks reference package.
      const verified = new Webhook(secret).verify(r.body, {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      }) as { type: string; data: Record<string, unknown> };
      return verified;
    });

  beforeAll(async () => {
    clock = manualClock();
    slack = await startLoopbackReceiver();
    subscriber = await startLoopbackReceiver();
    h = await startDeliveryHarness({
      events: true,
      clock: clock.now,
      wrapEventsHandler: (handler) => {
        eventsHandler = handler;
        return async (event) => {
          batches.push(event);
          return await handler(event);
        };
      },
    });
    const created = await h.api<{ secret: string }>("POST", "/v1/webhooks", {
      url: subscriber.url,
      events: ["response.created", "response.updated", "case.opened", "case.updated"],
    });
    expect(created.status, created.text).toBe(201);
    secret = created.body.secret;
    campaign = await h.createCampaign({
      delayDays: 0,
      segmentBy: ["region"],
      followUp: {
        owners: OWNERS,
        maxScore: 6,
        maxCsat: null,
        targetHours: 24,
        slackWebhookUrl: slack.url,
        only: null,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await slack?.close();
    await subscriber?.close();
  });

  let detractorLink: string;
  let opened: Case;

  it("a detractor's answer opens one case, emails each owner once, posts to Slack once and signs one webhook per event", async () => {
    detractorLink = await surveyLinkFor("order-1", "ann@example.com");
    await answer(detractorLink, { score: "3", csat: "2", comment: "The box arrived <crushed> & late" });
    await h.react();

    const cases = await casesOf();
    expect(cases).toHaveLength(1);
    opened = cases[0] as Case;
    expect(opened).toMatchObject({
      status: "open",
      owner: OWNERS[0],
      score: 3,
      csat: 2,
      comment: "The box arrived <crushed> & late",
      email: "ann@example.com",
      properties: { region: "EU" },
      firstResponseAt: null,
    });
    expect(Date.parse(opened.dueAt) - Date.parse(opened.openedAt)).toBe(24 * 3_600_000);

    for (const owner of OWNERS) {
      const alerts = await h.inbox({ to: owner });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.subject).toContain("Score 3");
      expect(alerts[0]?.text).toContain("The box arrived <crushed> & late");
      expect(alerts[0]?.text).toContain("region: EU");
      expect(alerts[0]?.text).toContain(`/app/cases/${opened.id}`);
      // Escaped in the HTML part: the comment is the customer's text.
      expect(alerts[0]?.html).toContain("&lt;crushed&gt; &amp; late");
    }
    expect(slack.received).toHaveLength(1);
    expect(JSON.parse(slack.received[0]?.body ?? "{}").text).toContain("&lt;crushed&gt; &amp; late");

    const events = eventsReceived();
    expect(events.map((e) => e.type).sort()).toEqual(["case.opened", "response.created"]);
    expect(events.find((e) => e.type === "case.opened")?.data).toMatchObject({ id: opened.id, score: 3 });
  });

  it("a replayed stream batch and a second pass change nothing", async () => {
    const before = {
      emails: (await h.inbox()).length,
      slack: slack.received.length,
      hooks: subscriber.received.length,
    };
    for (const batch of [...batches]) {
      expect((await eventsHandler(batch)).batchItemFailures).toEqual([]);
    }
    await h.react();
    expect(await casesOf()).toHaveLength(1);
    expect((await h.inbox()).length).toBe(before.emails);
    expect(slack.received.length).toBe(before.slack);
    expect(subscriber.received.length).toBe(before.hooks);
  });

  it("an edit updates the case (never a second one) and sends response.updated", async () => {
    clock.advance({ minutes: 5 });
    await answer(detractorLink, { score: "8", comment: "Support sorted it out" });
    await h.react();
    const cases = await casesOf();
    expect(cases).toHaveLength(1);
    const updated = await h.api<Case>("GET", `/v1/cases/${opened.id}`);
    expect(updated.body).toMatchObject({ score: 8, comment: "Support sorted it out", status: "open" });
    // Edited back above the rule: noted on the case, which stays for a person to close.
    expect(updated.body.timeline.map((e) => e.type)).toEqual(["opened", "alerted", "rule_no_longer_met"]);
    expect(eventsReceived().filter((e) => e.type === "response.updated")).toHaveLength(1);
    expect(eventsReceived().filter((e) => e.type === "case.updated").length).toBeGreaterThanOrEqual(1);
    // No second alert for an edit.
    expect(await h.inbox({ to: OWNERS[0] as string })).toHaveLength(1);
  });

  it("a reply reaches the customer from the campaign's sender, reply-to the owner, and is the counted first response", async () => {
    clock.advance({ hours: 2 });
    const replied = await h.api<Case>("POST", `/v1/cases/${opened.id}/replies`, {
      text: "We are sorry: a new box is on its way.",
    });
    expect(replied.status, replied.text).toBe(201);
    expect(replied.body.firstResponseAt).toBe(clock.now().toISOString());
    expect(replied.body.timeline.at(-1)).toMatchObject({
      type: "reply",
      text: "We are sorry: a new box is on its way.",
    });

    const toCustomer = (await h.inbox({ to: "ann@example.com" })).filter((e) => e.text.includes("new box"));
    expect(toCustomer).toHaveLength(1);
    const stored = (await (await fetch(`${h.sesUrl}/store`)).json()) as {
      emails: { messageId: string; replyTo?: string[] }[];
    };
    expect(stored.emails.find((e) => e.messageId === toCustomer[0]?.messageId)?.replyTo).toEqual([OWNERS[0]]);

    // A second reply is a reply, not a second first response.
    clock.advance({ hours: 1 });
    await h.api("POST", `/v1/cases/${opened.id}/replies`, { text: "It shipped today." });
    const results = await h.api<Results>("GET", `/v1/campaigns/${campaign.id}/results`);
    expect(results.status, results.text).toBe(200);
    expect(results.body.cases).toEqual({
      opened: 1,
      resolved: 0,
      firstResponseWithinTarget: 1,
      meanHoursToFirstResponse: 2.08,
    });
  });

  it("resolving needs a resolution, and a stale version is refused", async () => {
    const missing = await h.api("PATCH", `/v1/cases/${opened.id}`, { status: "resolved" });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("resolution");
    const current = (await h.api<Case>("GET", `/v1/cases/${opened.id}`)).body;
    const stale = await h.api("PATCH", `/v1/cases/${opened.id}`, {
      status: "in_progress",
      version: current.version - 1,
    });
    expect(stale.status).toBe(409);
    const resolved = await h.api<Case>("PATCH", `/v1/cases/${opened.id}`, {
      status: "resolved",
      resolution: "Replacement sent",
      version: current.version,
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", resolution: "Replacement sent" });
    const results = await h.api<Results>("GET", `/v1/campaigns/${campaign.id}/results`);
    expect(results.body.cases?.resolved).toBe(1);

    // Resolving it again with the same words is a repeat; with others, a 409 rather than words lost.
    const repeat = await h.api<Case>("PATCH", `/v1/cases/${opened.id}`, {
      status: "resolved",
      resolution: "Replacement sent",
    });
    expect(repeat.status, repeat.text).toBe(200);
    expect(repeat.body.version).toBe(resolved.body.version);
    const other = await h.api("PATCH", `/v1/cases/${opened.id}`, {
      status: "resolved",
      resolution: "Refunded instead",
    });
    expect(other.status, other.text).toBe(409);
    // A resolution with any other status would be dropped: refused, naming the field.
    const misplaced = await h.api<{ error: { details: { field: string; message: string }[] } }>(
      "PATCH",
      `/v1/cases/${opened.id}`,
      { status: "in_progress", resolution: "Refunded instead" },
    );
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.error.details).toEqual([
      { field: "resolution", message: 'goes only with status "resolved"' },
    ]);
    expect((await h.api<Case>("GET", `/v1/cases/${opened.id}`)).body).toMatchObject({
      status: "resolved",
      resolution: "Replacement sent",
    });
  });

  it("the inbox filters by status, owner and overdue", async () => {
    const link = await surveyLinkFor("order-2", "bob@example.com");
    await answer(link, { score: "0" });
    await h.react();
    expect(await casesOf("&status=open")).toHaveLength(1);
    expect(await casesOf("&status=resolved")).toHaveLength(1);
    expect(await casesOf(`&owner=${OWNERS[0]}`)).toHaveLength(2);
    expect(await casesOf("&owner=nobody@example.com")).toHaveLength(0);
    expect(await casesOf("&overdue=true")).toHaveLength(0);
    clock.advance({ hours: 25 });
    expect((await casesOf("&overdue=true")).map((c) => c.email)).toEqual(["bob@example.com"]);
    const bad = await h.api("GET", "/v1/cases?status=closed");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("status");
    expect((await h.api("GET", "/v1/cases/case_doesnotexistdoesnotexi")).status).toBe(404);
  });

  it("sends each owner one digest a day: new and overdue cases, and NPS against the week before", async () => {
    const digestsTo = async (owner: string) =>
      (await h.inbox({ to: owner })).filter((e) => e.subject.startsWith("Your cases today"));
    // The clock started at the real time, so an earlier test's delivery may have passed 08:00 UTC and
    // sent that day's digest already: count from here.
    const before = new Map<string, number>();
    for (const owner of OWNERS) before.set(owner, (await digestsTo(owner)).length);
    const next = new Date(clock.now().getTime() + 86_400_000);
    clock.set(`${next.toISOString().slice(0, 10)}T07:59:00.000Z`);
    await h.deliver();
    expect(await digestsTo(OWNERS[0] as string)).toHaveLength(before.get(OWNERS[0] as string) ?? 0);
    clock.set(`${next.toISOString().slice(0, 10)}T08:01:00.000Z`);
    await h.deliver();
    await h.deliver();
    for (const owner of OWNERS) {
      const digests = await digestsTo(owner);
      expect(digests).toHaveLength((before.get(owner) ?? 0) + 1);
    }
    const digest = (await digestsTo(OWNERS[0] as string)).at(-1);
    // Bob's case is overdue (due 24 hours after his answer); Ann's is resolved and more than a day old.
    expect(digest?.text).toContain("Overdue (1)");
    expect(digest?.text).toContain("bob@example.com");
    expect(digest?.text).not.toContain("ann@example.com");
    expect(digest?.text).toMatch(/NPS -?\d+ over the last 7 days/);
    expect(digest?.text).toContain(`/app/cases?owner=${encodeURIComponent(OWNERS[0] as string)}`);
  });

  it("a promoter opens no case", async () => {
    const link = await surveyLinkFor("order-3", "cy@example.com");
    await answer(link, { score: "10" });
    await h.react();
    expect((await casesOf()).map((c) => c.email)).not.toContain("cy@example.com");
  });
});
