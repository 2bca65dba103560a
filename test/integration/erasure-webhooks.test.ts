import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { PersonErasure } from "../../functions/domain/person";
import type { Delivery } from "../../functions/domain/webhook";
import { deliverDueWebhooks } from "../../functions/use-cases/deliver-due-webhooks";
import { HttpWebhookPoster } from "../../functions/webhooks/http-webhook-poster";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { everyItem } from "../support/dynamo";
import {
  type LoopbackReceiver,
  type ReceiverAnswer,
  startLoopbackReceiver,
} from "../support/loopback-receiver";
import { answerSurvey, unsubscribeInOneClick } from "../support/survey-form";

/**
 * A person's erasure reaches the webhook deliveries of events about them, through the real server,
 * the table's stream over DynamoDB Local and receivers on loopback: every stored delivery loses their
 * data, a delivery waiting for a retry is never sent again, erasing again changes nothing, and a
 * change committed before the erasure but read from the stream after it announces nothing.
 */

const START = "2026-06-01T10:00:00.000Z";
const FOLLOW_UP = {
  owners: ["care@example.com"],
  maxScore: 6,
  maxCsat: null,
  targetHours: 24,
  slackWebhookUrl: null,
  only: null,
};

describe("erasing a person from webhook deliveries", () => {
  const clock = manualClock(START);
  let h: DeliveryHarness;
  let campaign: Campaign;
  const receivers: LoopbackReceiver[] = [];
  const poster = new HttpWebhookPoster({ allowHttp: true, allowPrivateTargets: true });

  const receiver = async (answer?: ReceiverAnswer) => {
    const started = await startLoopbackReceiver(answer);
    receivers.push(started);
    return started;
  };
  const erase = (email: string) => h.api<PersonErasure>("DELETE", `/v1/people/${encodeURIComponent(email)}`);
  const storedItems = () => everyItem(h.table);
  const storedDeliveries = async () =>
    (await storedItems()).filter((item) => item.type === "webhookDelivery");
  const holding = (items: Record<string, unknown>[], marks: readonly string[]) =>
    items.filter((item) => {
      const text = JSON.stringify(item).toLowerCase();
      return marks.some((mark) => text.includes(mark.toLowerCase()));
    });
  /** A purchase surveyed at once, answered through its link; the link, to answer again. */
  const answered = async (orderId: string, email: string, name: string, form: Record<string, string>) => {
    expect(
      await h.postPurchases(campaign.id, [{ orderId, email, name, properties: { customer: `${name}-id` } }]),
    ).toMatchObject([{ status: "scheduled" }]);
    await h.deliver();
    const [mail] = await h.inbox({ to: email });
    if (!mail) throw new Error(`no survey sent to ${email}`);
    const links = h.linksIn(mail);
    await answerSurvey(links.survey, form);
    return links;
  };
  /** Two passes of the stream: the answer's, then the case it opened. */
  const reactFully = async () => {
    await h.react();
    await h.react();
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now, events: true });
    campaign = await h.createCampaign({ name: "Shop", delayDays: 0, followUp: FOLLOW_UP });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  it("erases her data from every delivery of her events, sends a pending one never again, and changes nothing when erasing again", async () => {
    const ANA = "ana@example.com";
    const HERS = [ANA, "Ana Lee", "Parcel crushed, onyx-heron-5521", "Ana Lee-id"];
    const failing = await receiver(() => 500);
    const working = await receiver();
    const retried = await h.subscribe(failing.url, [
      "response.created",
      "case.opened",
      "person.unsubscribed",
    ]);
    const delivered = await h.subscribe(working.url, ["response.created"]);

    const links = await answered("A-1", ANA, "Ana Lee", { score: "3", comment: HERS[2] ?? "" });
    const unsubscribed = await unsubscribeInOneClick(links.unsubscribe);
    expect(unsubscribed.status).toBe(200);
    await reactFully();
    // Her answer, her case and her unsubscribe wait for a retry; her answer reached the other endpoint.
    expect((await h.deliveriesOf(retried.id)).map((d) => [d.eventType, d.status]).sort()).toEqual([
      ["case.opened", "pending"],
      ["person.unsubscribed", "pending"],
      ["response.created", "pending"],
    ]);
    expect((await h.deliveriesOf(delivered.id)).map((d) => d.status)).toEqual(["delivered"]);
    // What the scan finds before, or finding nothing after would prove nothing.
    const ours = new Set([retried.id, delivered.id]);
    const storedOfOurs = (await storedDeliveries()).filter((item) => ours.has(String(item.webhookId)));
    expect(holding(storedOfOurs, HERS)).toHaveLength(4);
    const sentBefore = failing.received.length;

    const erased = await erase(ANA);
    expect(erased.status, erased.text).toBe(202);
    expect(holding(await storedDeliveries(), HERS)).toEqual([]);
    // The log still says what happened: pending ones are cancelled, the delivered one stays delivered.
    const log = [...(await h.deliveriesOf(retried.id)), ...(await h.deliveriesOf(delivered.id))];
    expect(log.map((d) => [d.eventType, d.status, d.nextAttemptAt]).sort()).toEqual([
      ["case.opened", "cancelled", null],
      ["person.unsubscribed", "cancelled", null],
      ["response.created", "cancelled", null],
      ["response.created", "delivered", null],
    ]);
    for (const delivery of log) {
      expect(delivery.erasedAt).toBe(clock.now().toISOString());
      expect(delivery.attempts.length).toBeGreaterThan(0);
    }

    // Past every retry: nothing more is sent, and a retry by hand is refused.
    clock.advance({ days: 3 });
    const webhookPorts = { webhooks: h.stores.webhooks, poster, clock: clock.now };
    expect(await deliverDueWebhooks(webhookPorts)).toBe(0);
    await h.deliver();
    expect(failing.received).toHaveLength(sentBefore);
    const refused = await h.api("POST", `/v1/webhooks/${retried.id}/deliveries/${log[0]?.id}/retry`);
    expect(refused.status, refused.text).toBe(409);
    expect(failing.received).toHaveLength(sentBefore);

    // Erasing again answers the same and writes nothing.
    const stored = await storedDeliveries();
    clock.advance({ minutes: 5 });
    const again = await erase(ANA);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(erased.body);
    expect(await storedDeliveries()).toEqual(stored);
  });

  it("announces nothing of a change committed before the erasure and read from the stream after it", async () => {
    const BO = "bo@example.com";
    const HIS = [BO, "Bo Quill", "cobalt-wren-0417", "gannet-moss-8830", "Bo Quill-id"];
    const endpoint = await receiver();
    const webhook = await h.subscribe(endpoint.url, [
      "response.created",
      "response.updated",
      "case.opened",
      "case.updated",
    ]);
    const links = await answered("B-1", BO, "Bo Quill", { score: "2", comment: "cobalt-wren-0417" });
    // His answer is announced and opens his case, announced too.
    await reactFully();
    const before = new Set((await h.deliveriesOf(webhook.id)).map((d: Delivery) => d.id));
    expect(before.size).toBeGreaterThanOrEqual(2);
    // Committed before the erasure, read from the stream after it: his edit, and his case taken on.
    await answerSurvey(links.survey, { score: "4", comment: "gannet-moss-8830" });
    const cases = await h.api<{ items: { id: string; email: string }[] }>(
      "GET",
      `/v1/cases?campaignId=${campaign.id}`,
    );
    const caseId = cases.body.items.find((c) => c.email === BO)?.id;
    const read = await h.api<{ version: number }>("GET", `/v1/cases/${caseId}`);
    const taken = await h.api("PATCH", `/v1/cases/${caseId}`, {
      status: "in_progress",
      version: read.body.version,
    });
    expect(taken.status, taken.text).toBe(200);

    const erased = await erase(BO);
    expect(erased.status, erased.text).toBe(202);
    const requestsBefore = endpoint.received.length;
    await reactFully();

    // The erasure's own change of his case (it holds nothing of his) is the only event announced.
    const added = (await h.deliveriesOf(webhook.id)).filter((d) => !before.has(d.id));
    expect(added.map((d) => d.eventType)).toEqual(["case.updated"]);
    expect(holding(await storedDeliveries(), HIS)).toEqual([]);
    const sent = endpoint.received.slice(requestsBefore);
    expect(sent).toHaveLength(1);
    for (const request of sent) {
      const text = request.body.toLowerCase();
      for (const mark of HIS) expect(text).not.toContain(mark.toLowerCase());
    }
  });

  it("reaches the deliveries of a subscription deleted before the erasure, whose tombstone hides it everywhere else", async () => {
    const CY = "cy@example.com";
    const HERS = [CY, "Cy Mora", "heron-quartz-7310", "Cy Mora-id"];
    const endpoint = await receiver();
    const webhook = await h.subscribe(endpoint.url, ["response.created"]);
    await answered("C-1", CY, "Cy Mora", { score: "9", comment: "heron-quartz-7310" });
    await h.react();
    expect((await h.deliveriesOf(webhook.id)).map((d) => d.status)).toEqual(["delivered"]);
    const ofWebhook = async () => (await storedDeliveries()).filter((item) => item.webhookId === webhook.id);
    expect(holding(await ofWebhook(), HERS)).toHaveLength(1);

    const deleted = await h.api("DELETE", `/v1/webhooks/${webhook.id}`);
    expect(deleted.status, deleted.text).toBe(204);
    // Gone for the API: not listed, not found, not changed, not deleted twice.
    const listed = await h.api<{ items: { id: string }[] }>("GET", "/v1/webhooks");
    expect(listed.body.items.map((w) => w.id)).not.toContain(webhook.id);
    expect((await h.api("GET", `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    expect((await h.api("PATCH", `/v1/webhooks/${webhook.id}`, { status: "disabled" })).status).toBe(404);
    expect((await h.api("DELETE", `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    // Its tombstone keeps neither the URL nor the secret.
    const tombstone = (await storedItems()).find(
      (item) => item.id === webhook.id && item.type !== "webhookDelivery",
    );
    expect(tombstone).toMatchObject({ type: "deletedWebhook", id: webhook.id });
    expect(tombstone).not.toHaveProperty("secret");
    expect(tombstone).not.toHaveProperty("url");

    const erased = await erase(CY);
    expect(erased.status, erased.text).toBe(202);
    expect(holding(await ofWebhook(), HERS)).toEqual([]);
    expect(await ofWebhook()).toHaveLength(1);
  });
});
