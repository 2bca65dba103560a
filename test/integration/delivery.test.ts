import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CapacityExceededError } from "../../functions/domain/errors";
import { messagesFor } from "../../functions/domain/messages";
import type { PurchaseResult } from "../../functions/domain/purchase";
import { createSesNotificationHandler } from "../../functions/events/ses-notifications";
import type { InvitationStore } from "../../functions/store/invitation-store";
import {
  invitationKey,
  legacyDueListing,
  parkedPartition,
  RESUMING_PARTITION,
  WORK_INDEX,
} from "../../functions/store/keys";
import { LocalWorkQueue } from "../../local/delivery-loop";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { sesRejection, sesThrottling, startFaultProxy } from "../support/fault-proxy";

/** Issue #3's "done when", against DynamoDB Local and the SES emulator through the real HTTP API. */
describe("purchases become emails", () => {
  let h: DeliveryHarness;
  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(async () => h?.close());

  it("sends exactly one email per scheduled purchase of a batch with duplicates, invalid items and a suppressed address", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
    await h.stores.invitations.suppress("gone@example.com", "unsubscribed", new Date(), "test");
    const response = await h.api<{ results: PurchaseResult[] }>(
      "POST",
      `/v1/campaigns/${campaign.id}/purchases`,
      {
        purchases: [
          { orderId: "b-1", email: "one@example.com", name: "One" },
          { orderId: "b-2", email: "two@example.com" },
          { orderId: "b-1", email: "one@example.com" },
          { orderId: "b-3", email: "not an email" },
          { orderId: "b-4", email: "GONE@example.com" },
          { email: "three@example.com" },
          { orderId: "b-5", email: "five@example.com", properties: { tier: { nested: 1 } } },
          "not even an object",
        ],
      },
    );
    expect(response.status).toBe(202);
    expect(response.body.results.map((r) => [r.orderId, r.status])).toEqual([
      ["b-1", "scheduled"],
      ["b-2", "scheduled"],
      ["b-1", "duplicate"],
      ["b-3", "invalid"],
      ["b-4", "suppressed"],
      [null, "invalid"],
      ["b-5", "invalid"],
      [null, "invalid"],
    ]);
    expect(response.body.results[3]?.error).toContain("email");
    expect(response.body.results[5]?.error).toContain("orderId");
    expect(response.body.results[6]?.error).toContain("properties.tier");

    await h.deliver();
    const sent = await h.inbox();
    expect(sent.map((e) => e.to[0]).sort()).toEqual(["one@example.com", "two@example.com"]);

    // Delivering again sends nothing more: every invitation was marked sent once.
    await h.deliver();
    expect(await h.inbox()).toHaveLength(2);
  });

  it("builds each email with both parts, eleven score links and both List-Unsubscribe headers", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, brandName: "Acme <Shop>" });
    await h.postPurchases(campaign.id, [
      { orderId: "e-1", email: "parts@example.com", name: '<img src=x onerror="alert(1)">' },
    ]);
    await h.deliver();
    const [email] = await h.inbox({ to: "parts@example.com" });
    if (!email) throw new Error("no email");
    expect(email.html).toContain("<!doctype html>");
    expect(email.text.length).toBeGreaterThan(100);
    for (const part of ["html", "text"] as const) {
      const links = h.linksIn(email, part);
      expect(links.scores.map((url) => new URL(url).searchParams.get("score"))).toEqual(
        Array.from({ length: 11 }, (_, i) => String(i)),
      );
    }
    const { token } = h.linksIn(email);
    expect(email.headers["list-unsubscribe"]).toBe(`<${h.baseUrl}/u/${token}>`);
    expect(email.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(email.html).not.toContain('<img src=x onerror="alert(1)">');
    expect(email.html).not.toContain("Acme <Shop>");
    expect(email.from).toContain("surveys@example.com");
  });

  it("records nothing when a mail scanner fetches every link of the email", async () => {
    const campaign = await h.createCampaign({ delayDays: 0 });
    await h.postPurchases(campaign.id, [{ orderId: "scan-1", email: "scanned@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "scanned@example.com" });
    if (!email) throw new Error("no email");
    const links = h.linksIn(email);
    for (const url of links.all) {
      const response = await fetch(url, { method: "GET" });
      expect(response.status).toBe(200);
      await response.text();
      await fetch(url, { method: "HEAD" });
    }
    expect(await h.stores.responses.get(links.token)).toBeUndefined();
    expect(await h.stores.invitations.isSuppressed("scanned@example.com")).toBe(false);
    expect((await h.stores.invitations.get(links.token))?.answeredAt).toBeNull();
  });

  it("stores an answer posted twice once, and an edit replaces it", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, attributes: [{ key: "price", label: "Price" }] });
    await h.postPurchases(campaign.id, [{ orderId: "ans-1", email: "answer@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "answer@example.com" });
    if (!email) throw new Error("no email");
    const { survey, token } = h.linksIn(email);
    const post = (body: Record<string, string>) =>
      fetch(survey, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string } }));

    const twice = await Promise.all([post({ score: "9", csat: "5" }), post({ score: "9", csat: "5" })]);
    expect(twice.map((r) => r.status)).toEqual([200, 200]);
    expect(twice.map((r) => r.body.status).sort()).toEqual(["created", "unchanged"]);
    expect(await h.stores.responses.get(token)).toMatchObject({ score: 9, csat: 5, version: 1 });

    const edit = await post({ score: "4", csat: "2", "attr.price": "1", comment: "Too expensive" });
    expect(edit.body.status).toBe("updated");
    expect(await h.stores.responses.get(token)).toMatchObject({
      score: 4,
      csat: 2,
      attributes: { price: 1 },
      comment: "Too expensive",
      version: 2,
    });
    expect((await h.stores.invitations.get(token))?.answeredAt).not.toBeNull();
  });

  it("settles a burst of different answers to one link: each 200 or 429, one answer kept, counted once", async () => {
    const campaign = await h.createCampaign({ delayDays: 0 });
    await h.postPurchases(campaign.id, [{ orderId: "burst-1", email: "burst@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "burst@example.com" });
    if (!email) throw new Error("no email");
    const { survey, token } = h.linksIn(email);
    // Twelve different scores at once: each overtakes the others' reads, so some may give up after
    // their retries. Those must say "send it again" (429), never 500, and leave nothing behind.
    const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1];
    const answers = await Promise.all(
      scores.map((score, i) =>
        fetch(survey, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ score, comment: `burst ${i}` }),
        }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get("retry-after"),
          text: await r.text(),
        })),
      ),
    );
    for (const answer of answers) {
      expect([200, 429], answer.text).toContain(answer.status);
      if (answer.status === 429) expect(answer.retryAfter).toBe("1");
    }
    const stored = await h.stores.responses.get(token);
    const acknowledged = answers.flatMap((a, i) => (a.status === 200 ? [`burst ${i}`] : []));
    expect(acknowledged).toContain(stored?.comment);
    const results = await h.api<{ overall: { responses: number; scores: number[] } }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results`,
    );
    expect(results.body.overall.responses).toBe(1);
    expect(results.body.overall.scores.reduce((a, b) => a + b, 0)).toBe(1);
    expect(results.body.overall.scores[stored?.score ?? -1]).toBe(1);
  });

  it.each([
    [{ score: "11" }, "score"],
    [{ score: "9", csat: "9" }, "csat"],
    [{ score: "9", "attr.nope": "3" }, "attr.nope"],
    [{ score: "9", comment: "x".repeat(5001) }, "comment"],
  ])("answers 400 naming the field for %j and stores nothing", async (body, field) => {
    const campaign = await h.createCampaign({ delayDays: 0 });
    const address = `bad-${field}@example.com`;
    await h.postPurchases(campaign.id, [{ orderId: `bad-${field}`, email: address }]);
    await h.deliver();
    const [email] = await h.inbox({ to: address });
    if (!email) throw new Error("no email");
    const { survey, token } = h.linksIn(email);
    const json = await fetch(survey, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(json.status).toBe(400);
    expect(
      ((await json.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field),
    ).toContain(field);
    const form = await fetch(survey, { method: "POST", body: new URLSearchParams(body) });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('role="alert"');
    expect(await h.stores.responses.get(token)).toBeUndefined();
  });

  it("answers 404 for unknown and malformed tokens without saying which", async () => {
    for (const path of [
      "/s/AAAAAAAAAAAAAAAAAAAAAAAA",
      "/s/short",
      "/u/AAAAAAAAAAAAAAAAAAAAAAAA",
      "/s/%3Cscript%3E",
    ]) {
      const get = await fetch(`${h.baseUrl}${path}`);
      expect(get.status).toBe(404);
      const post = await fetch(`${h.baseUrl}${path}`, {
        method: "POST",
        body: new URLSearchParams({ score: "9" }),
      });
      expect(post.status).toBe(404);
    }
  });

  it("answers the 404 page in the language the browser asks for, since no invitation says which", async () => {
    const page = async (acceptLanguage?: string) => {
      const response = await fetch(`${h.baseUrl}/s/AAAAAAAAAAAAAAAAAAAAAAAA`, {
        headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get("vary") ?? "").toMatch(/(?:^|,)\s*accept-language\s*(?:,|$)/i);
      return response.text();
    };
    const traditional = await page("zh-TW,zh;q=0.9");
    expect(traditional).toContain('<html lang="zh-Hant"');
    expect(traditional).toContain(messagesFor("zh-Hant").notFoundTitle);
    const simplified = await page("zh-CN");
    expect(simplified).toContain('<html lang="zh-Hans"');
    expect(simplified).toContain(messagesFor("zh-Hans").notFoundTitle);
    // Node's fetch sends "accept-language: *" unless told otherwise; an empty header is as good as none.
    for (const english of [await page(), await page("")]) {
      expect(english).toContain('<html lang="en"');
      expect(english).toContain(messagesFor("en").notFoundTitle);
    }
    // JSON callers get the same English error body whatever the header.
    const json = await fetch(`${h.baseUrl}/s/short`, {
      headers: { accept: "application/json", "accept-language": "zh-TW" },
    });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: { code: "not_found", message: "This link is not valid." } });
  });

  it("answers a body it cannot read with a page in the link's language, and the API's codes to JSON callers", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, locale: "zh-Hant" });
    await h.postPurchases(campaign.id, [{ orderId: "body-1", email: "body@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "body@example.com" });
    if (!email) throw new Error("no email");
    const { survey, token } = h.linksIn(email);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(survey, { method: "POST", headers: { "accept-language": "en", ...headers }, body });

    const plain = await post({ "content-type": "text/plain" }, "score=9");
    expect(plain.status).toBe(415);
    const plainPage = await plain.text();
    expect(plainPage).toContain('<html lang="zh-Hant"');
    expect(plainPage).toContain(messagesFor("zh-Hant").notAFormTitle);
    const broken = await post({ "content-type": "multipart/form-data; boundary=x" }, "--y\r\nnot a form");
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain(messagesFor("zh-Hant").notAFormTitle);

    const json = async (headers: Record<string, string>, body: string) => {
      const response = await post({ accept: "application/json", ...headers }, body);
      return {
        status: response.status,
        code: ((await response.json()) as { error: { code: string } }).error.code,
      };
    };
    expect(await json({ "content-type": "text/plain" }, "score=9")).toEqual({
      status: 415,
      code: "unsupported_media_type",
    });
    expect(await json({ "content-type": "application/json" }, "{not json")).toEqual({
      status: 400,
      code: "malformed_body",
    });
    expect(await json({ "content-type": "application/json" }, "[9]")).toEqual({
      status: 400,
      code: "malformed_body",
    });
    expect(await h.stores.responses.get(token)).toBeUndefined();
  });

  it("sends no further email to an unsubscribed address, and reports later purchases as suppressed", async () => {
    // Its own harness on a clock it moves: the follow-up falls due 30 days after the purchase.
    const clock = manualClock("2026-09-01T09:00:00.000Z");
    const u = await startDeliveryHarness({ clock: clock.now });
    try {
      const campaign = await u.createCampaign({ delayDays: 0, followUpDays: 30, throttleDays: 0 });
      expect(await u.postPurchases(campaign.id, [{ orderId: "u-1", email: "leaver@example.com" }])).toEqual([
        expect.objectContaining({ orderId: "u-1", status: "scheduled" }),
      ]);
      await u.deliver();
      const [email] = await u.inbox({ to: "leaver@example.com" });
      if (!email) throw new Error("no email");
      // The one-click POST mail providers send (RFC 8058).
      const oneClick = await fetch(u.linksIn(email).unsubscribe, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect(oneClick.status).toBe(200);
      expect(await u.stores.invitations.isSuppressed("leaver@example.com")).toBe(true);

      const other = await u.createCampaign({ delayDays: 0, throttleDays: 0 });
      expect(await u.postPurchases(other.id, [{ orderId: "u-2", email: "Leaver@Example.com" }])).toEqual([
        { orderId: "u-2", status: "suppressed" },
      ]);

      // The follow-up scheduled before the unsubscribe is skipped when it falls due.
      const invitations = await Promise.all(
        (await u.stores.purchases.tokensOf(campaign.id)).map((token) => u.stores.invitations.get(token)),
      );
      const followUp = invitations.find((i) => i?.orderId === "u-1" && i.kind === "followUp");
      if (!followUp) throw new Error("no follow-up invitation was scheduled");
      expect(followUp).toMatchObject({ campaignId: campaign.id, status: "scheduled" });
      clock.advance({ days: 31 });
      expect(clock.now().toISOString() > followUp.sendAt).toBe(true);
      await u.deliver();
      expect(await u.stores.invitations.get(followUp.token)).toMatchObject({
        campaignId: campaign.id,
        orderId: "u-1",
        kind: "followUp",
        status: "skipped",
        skipReason: "suppressed",
        nextAction: null,
      });
      expect(await u.inbox({ to: "leaver@example.com" })).toHaveLength(1);
      expect(await u.inbox()).toHaveLength(1);
    } finally {
      await u.close();
    }
  });

  it("reports a purchase inside another survey's throttle window as throttled", async () => {
    const first = await h.createCampaign({ delayDays: 0, throttleDays: 30 });
    const second = await h.createCampaign({ delayDays: 2, throttleDays: 30 });
    expect(
      (await h.postPurchases(first.id, [{ orderId: "t-1", email: "often@example.com" }]))[0]?.status,
    ).toBe("scheduled");
    expect(
      (await h.postPurchases(second.id, [{ orderId: "t-2", email: "often@example.com" }]))[0]?.status,
    ).toBe("throttled");
    // Reposting the throttled order stays a duplicate: nothing changes.
    expect(
      (await h.postPurchases(second.id, [{ orderId: "t-2", email: "often@example.com" }]))[0]?.status,
    ).toBe("duplicate");
  });

  it("parks a paused campaign's emails out of the due index until it is resumed, and refuses purchases for an archived one", async () => {
    // Its own harness on a clock it moves: weeks of leases pass while the campaign is paused.
    const clock = manualClock("2026-10-01T09:00:00.000Z");
    const p = await startDeliveryHarness({ clock: clock.now });
    const workPartition = async (partition: string) =>
      (
        await p.table.db.send(
          new QueryCommand({
            TableName: p.table.tableName,
            IndexName: WORK_INDEX,
            KeyConditionExpression: "gsi2pk = :partition",
            ExpressionAttributeValues: { ":partition": partition },
          }),
        )
      ).Items ?? [];
    try {
      const campaign = await p.createCampaign({ delayDays: 0 });
      const paused = await p.api("PATCH", `/v1/campaigns/${campaign.id}`, { status: "paused" });
      expect(paused.status, paused.text).toBe(200);
      await p.postPurchases(campaign.id, [{ orderId: "p-1", email: "paused@example.com" }]);
      await p.deliver();
      expect(await p.inbox({ to: "paused@example.com" })).toHaveLength(0);
      // Parked, with only what the dispatcher reads projected: nothing of it is due any more, however
      // many leases pass, so a paused campaign never cycles through the queue.
      const parked = await workPartition(parkedPartition(campaign.id));
      expect(parked).toHaveLength(1);
      expect(Object.keys(parked[0] ?? {}).sort()).toEqual(
        ["gsi2pk", "gsi2sk", "nextAction", "pk", "sk", "token"].sort(),
      );
      for (let week = 0; week < 3; week++) {
        clock.advance({ days: 7 });
        expect(await p.stores.invitations.findDue(clock.now(), 100)).toEqual([]);
      }

      const active = await p.api("PATCH", `/v1/campaigns/${campaign.id}`, { status: "active" });
      expect(active.status, active.text).toBe(200);
      expect(await workPartition(RESUMING_PARTITION)).toHaveLength(1);
      await p.deliver();
      // Put back and sent in the dispatcher's next run; the mark is gone.
      expect(await workPartition(parkedPartition(campaign.id))).toEqual([]);
      expect(await workPartition(RESUMING_PARTITION)).toEqual([]);
      const inbox = await p.inbox({ to: "paused@example.com" });
      expect(inbox).toHaveLength(1);
      expect(await p.stores.invitations.get(p.linksIn(inbox[0] as never).token)).toMatchObject({
        campaignId: campaign.id,
        orderId: "p-1",
        status: "sent",
      });

      // Archived while paused: its parked invitations are put back, and skipped as archived.
      const shelved = await p.createCampaign({ delayDays: 0 });
      await p.api("PATCH", `/v1/campaigns/${shelved.id}`, { status: "paused" });
      await p.postPurchases(shelved.id, [{ orderId: "p-3", email: "shelved@example.com" }]);
      await p.deliver();
      expect(await workPartition(parkedPartition(shelved.id))).toHaveLength(1);
      await p.api("PATCH", `/v1/campaigns/${shelved.id}`, { status: "archived" });
      await p.deliver();
      expect(await workPartition(parkedPartition(shelved.id))).toEqual([]);
      expect(await p.inbox({ to: "shelved@example.com" })).toHaveLength(0);
      const [token] = await p.stores.purchases.tokensOf(shelved.id);
      expect(await p.stores.invitations.get(token ?? "")).toMatchObject({
        status: "skipped",
        skipReason: "archived",
      });

      // An invitation in the single due partition of a table written before the work index: still
      // found, moved to the work index as it is claimed, and sent.
      const legacy = await p.createCampaign({ delayDays: 0 });
      await p.postPurchases(legacy.id, [{ orderId: "p-4", email: "legacy@example.com" }]);
      const [legacyToken = ""] = await p.stores.purchases.tokensOf(legacy.id);
      const due = legacyDueListing(clock.now().toISOString(), legacyToken);
      await p.table.db.send(
        new UpdateCommand({
          TableName: p.table.tableName,
          Key: invitationKey(legacyToken),
          UpdateExpression: "SET gsi1pk = :pk, gsi1sk = :sk REMOVE gsi2pk, gsi2sk",
          ExpressionAttributeValues: { ":pk": due.gsi1pk, ":sk": due.gsi1sk },
        }),
      );
      await p.deliver();
      expect(await p.inbox({ to: "legacy@example.com" })).toHaveLength(1);
      expect(await p.stores.invitations.get(legacyToken)).toMatchObject({ status: "sent" });

      const other = await p.createCampaign({ delayDays: 0 });
      const archived = await p.api("PATCH", `/v1/campaigns/${other.id}`, { status: "archived" });
      expect(archived.status, archived.text).toBe(200);
      const refused = await p.api("POST", `/v1/campaigns/${other.id}/purchases`, {
        orderId: "p-2",
        email: "x@example.com",
      });
      expect(refused.status).toBe(409);
    } finally {
      await p.close();
    }
  });

  it("suppresses permanently bounced and complaining addresses from SES events", async () => {
    const handler = createSesNotificationHandler({ invitations: h.stores.invitations, clock: h.clock });
    const message = (body: unknown) => ({ Sns: { Message: JSON.stringify(body) } }) as never;
    const repeatBounce = message({
      eventType: "Bounce",
      mail: { messageId: "m4" },
      bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "bounced@example.com" }] },
    });
    const first = await handler({
      Records: [
        message({
          eventType: "Bounce",
          mail: { messageId: "m1" },
          bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "bounced@example.com" }] },
        }),
        message({
          eventType: "Complaint",
          mail: { messageId: "m2" },
          complaint: { complainedRecipients: [{ emailAddress: "angry@example.com" }] },
        }),
        message({
          eventType: "Bounce",
          mail: { messageId: "m3" },
          bounce: { bounceType: "Transient", bouncedRecipients: [{ emailAddress: "full@example.com" }] },
        }),
      ],
    });
    expect(first.suppressed).toBe(2);
    // A second bounce of an address already suppressed is not counted again.
    expect((await handler({ Records: [repeatBounce] })).suppressed).toBe(0);
    const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
    const results = await h.postPurchases(campaign.id, [
      { orderId: "ev-1", email: "bounced@example.com" },
      { orderId: "ev-2", email: "angry@example.com" },
      { orderId: "ev-3", email: "full@example.com" },
    ]);
    expect(results.map((r) => r.status)).toEqual(["suppressed", "suppressed", "scheduled"]);
  });

  it("lets an address lift only its own unsubscribe through its link, never a bounce, and unsubscribe again after", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
    await h.postPurchases(campaign.id, [
      { orderId: "re-1", email: "changed-mind@example.com" },
      { orderId: "re-2", email: "bounces@example.com" },
    ]);
    await h.deliver();
    const linkOf = async (to: string) => {
      const [email] = await h.inbox({ to });
      if (!email) throw new Error(`no email to ${to}`);
      return h.linksIn(email).unsubscribe;
    };
    const post = async (url: string) =>
      (
        (await (await fetch(url, { method: "POST", headers: { accept: "application/json" } })).json()) as {
          status: string;
        }
      ).status;
    const purchase = async (orderId: string, email: string) =>
      (await h.postPurchases(campaign.id, [{ orderId, email }]))[0]?.status;

    const mind = await linkOf("changed-mind@example.com");
    expect(await post(mind)).toBe("unsubscribed");
    expect(await (await fetch(mind)).text()).toContain(`action="${new URL(mind).pathname}/resubscribe"`);
    expect(await purchase("re-3", "changed-mind@example.com")).toBe("suppressed");
    expect(await post(`${mind}/resubscribe`)).toBe("subscribed");
    expect(await post(`${mind}/resubscribe`)).toBe("subscribed");
    expect(await purchase("re-4", "changed-mind@example.com")).toBe("scheduled");
    expect(await post(mind)).toBe("unsubscribed");
    expect(await purchase("re-5", "changed-mind@example.com")).toBe("suppressed");

    const bounced = await linkOf("bounces@example.com");
    await h.stores.invitations.suppress("bounces@example.com", "bounced", h.clock(), "ses:test");
    const page = (await (await fetch(bounced)).text()).replaceAll("&#39;", "'");
    expect(page).toContain(messagesFor("en").unsubscribedTitle);
    expect(page).not.toContain("/resubscribe");
    expect(await post(`${bounced}/resubscribe`)).toBe("suppressed");
    expect(await purchase("re-6", "bounces@example.com")).toBe("suppressed");
  });
});

describe("reminders", () => {
  it("reminds once who has not answered, and never who answered or unsubscribed", async () => {
    const clock = manualClock("2026-11-01T09:00:00.000Z");
    const h = await startDeliveryHarness({ clock: clock.now });
    try {
      const campaign = await h.createCampaign({ delayDays: 0, reminderDays: 3, throttleDays: 0 });
      await h.postPurchases(campaign.id, [
        { orderId: "r-1", email: "silent@example.com" },
        { orderId: "r-2", email: "answers@example.com" },
        { orderId: "r-3", email: "leaves@example.com" },
      ]);
      await h.deliver();
      const answers = (await h.inbox({ to: "answers@example.com" }))[0];
      const leaves = (await h.inbox({ to: "leaves@example.com" }))[0];
      if (!answers || !leaves) throw new Error("missing email");
      await fetch(h.linksIn(answers).survey, { method: "POST", body: new URLSearchParams({ score: "10" }) });
      await fetch(h.linksIn(leaves).unsubscribe, { method: "POST" });

      clock.advance({ days: 2 });
      await h.deliver();
      expect(await h.inbox({ to: "silent@example.com" })).toHaveLength(1);
      clock.advance({ days: 2 });
      await h.deliver();
      clock.advance({ days: 10 });
      await h.deliver();
      expect(await h.inbox({ to: "silent@example.com" })).toHaveLength(2);
      expect(await h.inbox({ to: "answers@example.com" })).toHaveLength(1);
      expect(await h.inbox({ to: "leaves@example.com" })).toHaveLength(1);

      // The link closes 30 days after the first email.
      clock.advance({ days: 20 });
      const silent = (await h.inbox({ to: "silent@example.com" }))[0];
      if (!silent) throw new Error("missing email");
      expect((await fetch(h.linksIn(silent).scores[5] ?? "")).status).toBe(410);
      expect(
        (await fetch(h.linksIn(silent).survey, { method: "POST", body: new URLSearchParams({ score: "5" }) }))
          .status,
      ).toBe(410);
    } finally {
      await h.close();
    }
  });
});

describe("faults", () => {
  it.each([
    ["retried inside one send by the SDK", 3, 6, 0],
    // Two attempts fail, the message goes back to the queue once; its redelivery is throttled once more
    // and the SDK's retry gets it through.
    ["outlasting the SDK's retries, so the queue retries the message", 3, 2, 1],
  ])(
    "SES throttling %s delays the email without losing or doubling it",
    async (_case, failures, maxAttempts, queueRetries) => {
      let throttled = 0;
      const proxy = await startFaultProxy("", () => (throttled++ < failures ? sesThrottling() : undefined));
      const h = await startDeliveryHarness({ sesEndpoint: proxy.url, sesMaxAttempts: maxAttempts });
      // The sender logs each message that fails (and goes back to the queue) as a JSON line on stderr.
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const throttledFailures = () =>
        errors.mock.calls.flatMap(([line]) => {
          try {
            const entry = JSON.parse(String(line)) as { message?: unknown; error?: unknown };
            return entry.message === "delivery message failed" &&
              typeof entry.error === "string" &&
              entry.error.startsWith("TooManyRequestsException")
              ? [entry]
              : [];
          } catch {
            return [];
          }
        });
      try {
        proxy.target.url = h.sesUrl;
        const campaign = await h.createCampaign({ delayDays: 0 });
        await h.postPurchases(campaign.id, [{ orderId: "slow-1", email: "throttled-ses@example.com" }]);
        await h.deliver();
        expect(proxy.requests()).toBe(failures + 1);
        expect(throttledFailures()).toHaveLength(queueRetries);
        const inbox = await h.inbox({ to: "throttled-ses@example.com" });
        expect(inbox).toHaveLength(1);
        const invitation = await h.stores.invitations.get(h.linksIn(inbox[0] as never).token);
        expect(invitation).toMatchObject({ status: "sent", nextAction: null });
        expect(h.queue.deadLetters).toHaveLength(0);
        await h.deliver();
        expect(await h.inbox({ to: "throttled-ses@example.com" })).toHaveLength(1);
      } finally {
        errors.mockRestore();
        await h.close();
        await proxy.close();
      }
    },
  );

  it("does not give up invitations over an SES setup error: the message retries into the dead-letter queue", async () => {
    // A configuration set that does not exist fails every send alike: it is the operator's to fix.
    const proxy = await startFaultProxy("", () => ({
      kind: "SesSetup",
      status: 404,
      headers: { "content-type": "application/json", "x-amzn-errortype": "NotFoundException" },
      body: JSON.stringify({ message: "Configuration set <nps> does not exist." }),
    }));
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const h = await startDeliveryHarness({ sesEndpoint: proxy.url, queue: new LocalWorkQueue(2) });
    try {
      proxy.target.url = h.sesUrl;
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "setup-1", email: "setup@example.com" }]);
      await h.deliver();
      expect(h.queue.deadLetters).toHaveLength(1);
      const [token = ""] = await h.stores.purchases.tokensOf(campaign.id);
      expect(await h.stores.invitations.get(token)).toMatchObject({ status: "scheduled", skipReason: null });
      expect(logged).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
      await h.close();
      await proxy.close();
    }
  });

  it("waits out a busy table after sending: the mark is retried, one email goes out, counted once", async () => {
    let conflicts = 0;
    const h = await startDeliveryHarness({
      // The first two marks meet transactions that keep conflicting past sendTransaction's retries.
      wrapSendPorts: (deps) => {
        const markSent: InvitationStore["markSent"] = async (...args) => {
          if (conflicts < 2) {
            conflicts++;
            // As the store reports it (its client translates DynamoDB's exception).
            throw new CapacityExceededError(
              true,
              new TransactionCanceledException({
                message: "Transaction cancelled",
                $metadata: {},
                CancellationReasons: [{ Code: "TransactionConflict" }, { Code: "None" }],
              }),
            );
          }
          return deps.invitations.markSent(...args);
        };
        return { ...deps, invitations: Object.create(deps.invitations, { markSent: { value: markSent } }) };
      },
    });
    try {
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "busy-mark-1", email: "busy-mark@example.com" }]);
      await h.deliver();
      expect(conflicts).toBe(2);
      const inbox = await h.inbox({ to: "busy-mark@example.com" });
      expect(inbox).toHaveLength(1);
      const invitation = await h.stores.invitations.get(h.linksIn(inbox[0] as never).token);
      expect(invitation).toMatchObject({ status: "sent" });
      const results = await h.api<{ overall: { sent: number } }>(
        "GET",
        `/v1/campaigns/${campaign.id}/results`,
      );
      expect(results.body.overall.sent).toBe(1);
    } finally {
      await h.close();
    }
  });

  it("moves poison messages to the dead-letter queue and still handles the rest of the batch", async () => {
    const h = await startDeliveryHarness({ queue: new LocalWorkQueue(3) });
    try {
      const campaign = await h.createCampaign({ delayDays: 0 });
      h.queue.push("this is not JSON");
      h.queue.push(JSON.stringify({ token: "../../etc/passwd", action: "send" }));
      await h.postPurchases(campaign.id, [{ orderId: "ok-1", email: "fine@example.com" }]);
      await h.deliver();
      expect(h.queue.deadLetters.map((m) => [m.body.slice(0, 16), m.receiveCount])).toEqual([
        ["this is not JSON", 3],
        ['{"token":"../../', 3],
      ]);
      expect(await h.inbox({ to: "fine@example.com" })).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("gives an SES rejection up without retrying it", async () => {
    const proxy = await startFaultProxy("", () => sesRejection());
    const h = await startDeliveryHarness({ sesEndpoint: proxy.url });
    try {
      proxy.target.url = h.sesUrl;
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "rej-1", email: "rejected@example.com" }]);
      await h.deliver();
      expect(proxy.faults()).toEqual({ SesRejection: 1 });
      const due = await h.stores.invitations.findDue(new Date(Date.now() + 3_600_000), 100);
      expect(due).toHaveLength(0);
      expect(h.queue.deadLetters).toHaveLength(0);
      const [purchase] = await h.stores.purchases.tokensOf(campaign.id);
      expect(await h.stores.invitations.get(purchase ?? "")).toMatchObject({
        status: "skipped",
        skipReason: "rejected",
      });
    } finally {
      await h.close();
      await proxy.close();
    }
  });
});
