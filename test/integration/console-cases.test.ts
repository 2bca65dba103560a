import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Case } from "../../functions/domain/case";
import { type ConsoleRequest, sendToConsole, signInOverHttp } from "../support/console-http";
import {
  type DeliveryHarness,
  type ManualClock,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";

/**
 * The console's case inbox and case page, end to end through the local runtime: a detractor's answer
 * opens a case through the table's stream; signed-in users (session cookies carried by hand, no
 * redirects followed) find it in the inbox, read it, note, reply (the email lands in the SES emulator),
 * resolve and reopen it with plain form posts.
 */
describe("console cases", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;
  let campaign: Campaign;
  let opened: Case;
  let ownerCookie: string;
  let otherCookie: string;

  const OWNER = "owner@example.com";
  const OTHER = "other@example.com";
  const CUSTOMER = "kunde@example.com";
  const HOSTILE_COMMENT = `<script>globalThis.pwned=1</script> 包裹破損了，客服也聯絡不上 & "late"`;
  const HOSTILE_NAME = `<img src=x onerror=alert(1)> 王小明`;

  const send = (path: string, options: ConsoleRequest = {}) => sendToConsole(h.baseUrl, path, options);
  const signInAs = (email: string) =>
    signInOverHttp(h.baseUrl, email, async (to) => (await h.inbox({ to })).at(-1)?.text ?? "");
  const casePath = () => `/app/cases/${opened.id}`;
  const caseNow = async () => (await h.api<Case>("GET", `/v1/cases/${opened.id}`)).body;
  /** The page's rows' case links, in order. */
  const caseLinksIn = (html: string) =>
    [...html.matchAll(/href="\/app\/cases\/(case_[A-Za-z0-9_-]{22})"/g)].map((m) => m[1]);

  beforeAll(async () => {
    clock = manualClock("2026-11-02T09:00:00.000Z");
    h = await startDeliveryHarness({ events: true, clock: clock.now });
    await h.stores.users.add(OWNER, "member", clock.now());
    await h.stores.users.add(OTHER, "admin", clock.now());
    campaign = await h.createCampaign({
      name: "春季訂單 – 台北門市",
      senderName: "Acme Care",
      delayDays: 0,
      segmentBy: ["region"],
      followUp: {
        owners: [OWNER],
        maxScore: 6,
        maxCsat: null,
        targetHours: 4,
        slackWebhookUrl: null,
        only: null,
      },
    });
    await h.postPurchases(campaign.id, [
      {
        orderId: "order-1",
        email: CUSTOMER,
        name: HOSTILE_NAME,
        properties: { region: "TW", channel: "web" },
      },
    ]);
    await h.deliver();
    const [invitation] = await h.inbox({ to: CUSTOMER });
    if (!invitation) throw new Error("no survey email");
    const answered = await fetch(h.linksIn(invitation).survey, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ score: "2", comment: HOSTILE_COMMENT }),
    });
    expect(answered.status, await answered.text()).toBe(200);
    await h.react();
    const cases = await h.api<{ items: Case[] }>("GET", `/v1/cases?campaignId=${campaign.id}`);
    expect(cases.body.items).toHaveLength(1);
    opened = cases.body.items[0] as Case;
    ownerCookie = await signInAs(OWNER);
    otherCookie = await signInAs(OTHER);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("signed out, the inbox and a case redirect to sign-in, keeping where they were going", async () => {
    for (const path of ["/app/cases", casePath()]) {
      const page = await send(path);
      expect(page.status).toBe(303);
      expect(page.location).toBe(`/app/sign-in?next=${encodeURIComponent(path)}`);
    }
    const post = await send(`${casePath()}/notes`, { form: { text: "hi" } });
    expect(post.status).toBe(303);
    expect(post.location).toBe("/app/sign-in");
  });

  it("the case is in its owner's Mine and in everyone's All, not in someone else's Mine", async () => {
    const mine = await send("/app/cases", { cookie: ownerCookie });
    expect(mine.status).toBe(200);
    expect(caseLinksIn(mine.text)).toEqual([opened.id]);
    expect(mine.text).toMatch(/<a href="\/app\/cases" aria-current="page">Mine<\/a>/);
    expect(mine.text).toContain("Detractor");
    expect(mine.text).toContain("春季訂單 – 台北門市");
    // The name and comment are the customer's text: escaped, never markup.
    expect(mine.text).not.toContain("<script>globalThis");
    expect(mine.text).not.toContain("<img src=x");
    expect(mine.text).toContain("&lt;img src=x onerror=alert(1)&gt; 王小明");

    const othersMine = await send("/app/cases", { cookie: otherCookie });
    expect(caseLinksIn(othersMine.text)).toEqual([]);
    expect(othersMine.text).toContain("No cases are yours right now.");

    const all = await send("/app/cases?view=all", { cookie: otherCookie });
    expect(caseLinksIn(all.text)).toEqual([opened.id]);
    expect(all.text).toContain(OWNER);

    const resolvedOnly = await send(`/app/cases?view=all&status=resolved&campaign=${campaign.id}`, {
      cookie: otherCookie,
    });
    expect(caseLinksIn(resolvedOnly.text)).toEqual([]);
    expect(resolvedOnly.text).toContain("No cases match these filters.");
    const thisCampaign = await send(`/app/cases?view=all&status=open&campaign=${campaign.id}`, {
      cookie: otherCookie,
    });
    expect(caseLinksIn(thisCampaign.text)).toEqual([opened.id]);

    const zh = await send("/app/cases?view=all&lang=zh-Hant", { cookie: otherCookie });
    expect(zh.text).toContain("<h1>案件</h1>");
    expect(zh.text).toContain("批評者");
  });

  it("the case page shows the answer escaped, the customer, campaign, owner, due time and the timeline", async () => {
    const page = await send(casePath(), { cookie: ownerCookie });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<script>globalThis");
    expect(page.text).toContain(
      "&lt;script&gt;globalThis.pwned=1&lt;/script&gt; 包裹破損了，客服也聯絡不上 &amp; &quot;late&quot;",
    );
    expect(page.text).toContain("&lt;img src=x onerror=alert(1)&gt; 王小明");
    expect(page.text).toContain(CUSTOMER);
    expect(page.text).toContain(`href="/app/campaigns/${campaign.id}"`);
    expect(page.text).toMatch(/region<\/span><span class="muted"> \(segment\)<\/span>: <span>TW/);
    expect(page.text).toContain("Case opened");
    expect(page.text).toContain(`datetime="${opened.dueAt}"`);
    expect(page.text).toContain("No reply yet");
  });

  it("a note goes on the timeline as the signed-in user's", async () => {
    clock.advance({ minutes: 1 });
    const posted = await send(`${casePath()}/notes`, {
      cookie: ownerCookie,
      form: { text: "Called the courier <b>today</b>; 已致電。" },
    });
    expect(posted.status, posted.text).toBe(303);
    expect(posted.location).toBe(`${casePath()}?done=note`);
    const page = await send(posted.location as string, { cookie: ownerCookie });
    expect(page.text).toContain('<p class="notice" role="status">Note added.</p>');
    expect(page.text).toContain("Called the courier &lt;b&gt;today&lt;/b&gt;; 已致電。");
    const timeline = (await caseNow()).timeline;
    expect(timeline.at(-1)).toMatchObject({ type: "note", by: `user:${OWNER}` });
    // Shown as the address, not the internal `user:` form.
    expect(page.text).toContain(`${OWNER} · <time`);
    expect(page.text).not.toContain(`user:${OWNER}`);
  });

  it("a reply is emailed to the customer from the campaign's sender, reply-to the owner", async () => {
    clock.advance({ minutes: 30 });
    const posted = await send(`${casePath()}/replies`, {
      cookie: otherCookie,
      form: { subject: "關於您的訂單", text: "We are sorry.\nA new box is on its way." },
    });
    expect(posted.status, posted.text).toBe(303);
    expect(posted.location).toBe(`${casePath()}?done=reply`);
    const toCustomer = (await h.inbox({ to: CUSTOMER })).filter((e) => e.text.includes("new box"));
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0]?.subject).toBe("關於您的訂單");
    expect(toCustomer[0]?.from).toContain("surveys@example.com");
    const stored = (await (await fetch(`${h.sesUrl}/store`)).json()) as {
      emails: { messageId: string; replyTo?: string[] }[];
    };
    expect(stored.emails.find((e) => e.messageId === toCustomer[0]?.messageId)?.replyTo).toEqual([OWNER]);

    const now = await caseNow();
    expect(now.firstResponseAt).toBe(clock.now().toISOString());
    expect(now.timeline.at(-1)).toMatchObject({ type: "reply", by: `user:${OTHER}` });
    const page = await send(casePath(), { cookie: ownerCookie });
    expect(page.text).toContain("Reply emailed to the customer");
    expect(page.text).toContain("after 31 minutes (on time)");
  });

  it("bad input comes back on the page with the message by its field and what was typed (400)", async () => {
    const unresolved = await send(`${casePath()}/status`, {
      cookie: ownerCookie,
      form: { status: "resolved", resolution: "   ", version: String((await caseNow()).version) },
    });
    expect(unresolved.status).toBe(400);
    expect(unresolved.text).toContain(
      '<p class="error" id="resolution-error">Say what was done before resolving the case.</p>',
    );
    expect(unresolved.text).toMatch(
      /<textarea id="resolution" name="resolution" required="" aria-invalid="true"/,
    );

    const badOwner = await send(`${casePath()}/owner`, {
      cookie: ownerCookie,
      form: { owner: "not <an> address", version: String((await caseNow()).version) },
    });
    expect(badOwner.status).toBe(400);
    expect(badOwner.text).toContain("Enter an email address, like name@example.com.");
    expect(badOwner.text).toContain('value="not &lt;an&gt; address"');
    // Its language links lead to the case page, not to the form's address.
    expect(badOwner.text).toContain(`href="${casePath()}?lang=zh-Hant"`);

    const long = `長${"x".repeat(5000)}`;
    const tooLong = await send(`${casePath()}/notes`, { cookie: ownerCookie, form: { text: long } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain("Keep it to 5000 characters or fewer.");
    expect(tooLong.text).toContain(`>${long}</textarea>`);

    const emptyZh = await send(`${casePath()}/notes?lang=zh-Hant`, {
      cookie: ownerCookie,
      form: { text: "" },
    });
    expect(emptyZh.status).toBe(400);
    expect(emptyZh.text).toContain("請先輸入內容。");

    const emptyReply = await send(`${casePath()}/replies`, {
      cookie: ownerCookie,
      form: { subject: "Kept subject", text: " " },
    });
    expect(emptyReply.status).toBe(400);
    expect(emptyReply.text).toContain('value="Kept subject"');
    expect(emptyReply.text).toContain("Write something first.");
    expect((await caseNow()).timeline.filter((e) => e.type === "reply")).toHaveLength(1);
  });

  it("a change to a case someone else changed meanwhile is refused with a clear message (409), text kept", async () => {
    const stale = await send(`${casePath()}/status`, {
      cookie: ownerCookie,
      form: { status: "resolved", resolution: "Sent a new box.", version: "0" },
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone else changed this case while you had it open.");
    expect(stale.text).toContain(">Sent a new box.</textarea>");
    expect((await caseNow()).status).toBe("open");
  });

  it("resolves with a resolution, reopens, and changes owner", async () => {
    clock.advance({ minutes: 1 });
    const resolved = await send(`${casePath()}/status`, {
      cookie: ownerCookie,
      form: {
        status: "resolved",
        resolution: "Sent a new box; 已補寄。",
        version: String((await caseNow()).version),
      },
    });
    expect(resolved.status, resolved.text).toBe(303);
    expect(resolved.location).toBe(`${casePath()}?done=resolved`);
    expect(await caseNow()).toMatchObject({ status: "resolved", resolution: "Sent a new box; 已補寄。" });
    const page = await send(resolved.location as string, { cookie: ownerCookie });
    expect(page.text).toContain("Case resolved.");
    expect(page.text).toContain("Sent a new box; 已補寄。");
    expect(page.text).toContain("Reopen case");
    expect(page.text).toContain("Status changed to Resolved");

    clock.advance({ minutes: 1 });
    const reopened = await send(`${casePath()}/status`, {
      cookie: ownerCookie,
      form: { status: "open", version: String((await caseNow()).version) },
    });
    expect(reopened.status).toBe(303);
    expect(reopened.location).toBe(`${casePath()}?done=reopened`);
    expect(await caseNow()).toMatchObject({ status: "open", resolution: null });
    // The case drops its resolution; its timeline keeps what was done, and the page shows it.
    expect((await caseNow()).timeline.filter((e) => e.type === "status_changed")).toEqual([
      expect.objectContaining({ text: "resolved", resolution: "Sent a new box; 已補寄。" }),
      expect.not.objectContaining({ resolution: expect.anything() }),
    ]);
    const reopenedPage = await send(reopened.location as string, { cookie: ownerCookie });
    expect(reopenedPage.text).toContain('<p class="case-entry-text">Sent a new box; 已補寄。</p>');

    clock.advance({ minutes: 1 });
    const assigned = await send(`${casePath()}/owner`, {
      cookie: otherCookie,
      form: { owner: OTHER, version: String((await caseNow()).version) },
    });
    expect(assigned.status).toBe(303);
    expect((await caseNow()).owner).toBe(OTHER);
    const othersMine = await send("/app/cases", { cookie: otherCookie });
    expect(caseLinksIn(othersMine.text)).toEqual([opened.id]);
    expect((await caseNow()).timeline.at(-1)).toMatchObject({ type: "owner_changed", by: `user:${OTHER}` });
  });

  it("an unresolved case past its due time is in Overdue, marked in words", async () => {
    const before = await send("/app/cases?view=overdue", { cookie: otherCookie });
    expect(caseLinksIn(before.text)).toEqual([]);
    expect(before.text).toContain("Nothing is overdue.");
    clock.advance({ hours: 4 });
    const overdue = await send("/app/cases?view=overdue", { cookie: otherCookie });
    expect(caseLinksIn(overdue.text)).toEqual([opened.id]);
    expect(overdue.text).toContain('<strong class="case-block">Overdue</strong>');
    const page = await send(casePath(), { cookie: otherCookie });
    expect(page.text).toContain("<strong>Overdue </strong>");
  });

  it("refuses a form posted from another site (403) and answers an unknown case with the 404 page", async () => {
    const crossSite = await send(`${casePath()}/notes`, {
      cookie: ownerCookie,
      form: { text: "from elsewhere" },
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
    expect((await caseNow()).timeline.some((e) => e.text === "from elsewhere")).toBe(false);

    for (const path of ["/app/cases/case_AAAAAAAAAAAAAAAAAAAAAA", "/app/cases/not-a-case"]) {
      const missing = await send(path, { cookie: ownerCookie });
      expect(missing.status, path).toBe(404);
      expect(missing.text).toContain("<h1>");
    }
    const badCursor = await send("/app/cases?view=all&cursor=not-a-cursor", { cookie: ownerCookie });
    expect(badCursor.status).toBe(400);
    const noteOnMissing = await send("/app/cases/case_AAAAAAAAAAAAAAAAAAAAAA/notes", {
      cookie: ownerCookie,
      form: { text: "hello" },
    });
    expect(noteOnMissing.status).toBe(404);
  });
});
