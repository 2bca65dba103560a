// `npm run screenshots [-- <folder>]`: the README's pictures of the console, taken again. It starts the
// local runtime on free ports with a fresh in-memory table, fills one campaign with six weeks of
// answers through the real paths (API purchases, the sender, survey POSTs, the events loop), signs in
// through an emailed link in Debian's Chromium and shoots the main pages at desktop and phone width.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import type { Campaign } from "../functions/domain/campaign";
import type { Case } from "../functions/domain/case";
import { issueSignInLink } from "../functions/use-cases/console-sign-in";
import { ensureUser } from "../functions/use-cases/manage-users";
import { startLocalRuntime } from "../local/runtime";

const CHROMIUM_PATH = "/usr/bin/chromium";
const ADMIN = "maria@example.com";
const DAY = 86_400_000;
const WEEKS = 6;

// The seeding's own log lines (one per email and answer) would bury the list of pictures.
process.env.LOG_LEVEL ??= "warn";
process.env.METRICS_DISABLED ??= "true";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const outDir = resolve(process.argv[2] ?? "docs/screenshots");
mkdirSync(outDir, { recursive: true });

// The seeded answers are dated over the past weeks: the runtime's clock is moved as they are made.
const realStart = Date.now();
let now = realStart - WEEKS * 7 * DAY;
const runtime = await startLocalRuntime({
  tableName: "screenshots",
  deliveryIntervalMs: null,
  eventsIntervalMs: null,
  clock: () => new Date(now),
  onDeliveryError: () => undefined,
  onEventsError: () => undefined,
});

try {
  const { stores, baseUrl } = runtime;
  const clock = () => new Date(now);
  const { apiKey } = await stores.apiKeys.create("order system", new Date(now));
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };

  await ensureUser({ ...stores, clock }, { email: ADMIN, role: "admin" });
  const campaign = await api<Campaign>("POST", "/v1/campaigns", {
    name: "Online orders – spring",
    brandName: "Northwind Coffee",
    delayDays: 0,
    segmentBy: ["store", "plan"],
    attributes: [
      { key: "delivery", label: { en: "Delivery", "zh-Hant": "配送", "zh-Hans": "配送" } },
      { key: "taste", label: { en: "Taste", "zh-Hant": "口味", "zh-Hans": "口味" } },
      { key: "price", label: { en: "Price", "zh-Hant": "價格", "zh-Hans": "价格" } },
    ],
    followUp: { maxScore: 6, owners: [ADMIN], targetHours: 24 },
  });
  await api<Campaign>("POST", "/v1/campaigns", { name: "Café visits", brandName: "Northwind Coffee" });
  await api<Campaign>("POST", "/v1/campaigns", {
    name: "台北門市 – 會員回饋",
    brandName: "Northwind Coffee",
  });

  const STORE_NAMES = ["Taipei", "Lisbon", "Online"];
  const comments = [
    "Arrived a day late and the box was crushed.",
    "Great beans, will order again!",
    "咖啡很香，但配送太慢了。",
    "Price went up again.",
    null,
    null,
  ];
  let customer = 0;
  for (let week = 0; week < WEEKS; week++) {
    for (let day = 0; day < 7; day += 2) {
      now = realStart - (WEEKS * 7 - week * 7 - day) * DAY;
      const batch = Array.from({ length: 3 }, () => {
        customer += 1;
        return {
          orderId: `order-${customer}`,
          email: `customer${customer}@example.com`,
          name: `Customer ${customer}`,
          properties: {
            store: STORE_NAMES[customer % 3] ?? "Online",
            plan: customer % 4 === 0 ? "subscription" : "one-off",
          },
        };
      });
      await api("POST", `/v1/campaigns/${campaign.id}/purchases`, { purchases: batch });
      await runtime.deliver();
      const tokens = await stores.purchases.tokensOf(campaign.id);
      const sent = (await stores.invitations.getMany(tokens)).filter(
        (i) => i.sentAt !== null && !i.answeredAt,
      );
      for (const invitation of sent) {
        const n = Number(invitation.orderId.slice("order-".length));
        if (n % 5 === 4) continue; // some never answer: the response rate is not 100%
        // Delivery drives the score, and later weeks do a little better: what the drivers chart should find.
        const delivery = 1 + ((n * 7 + week) % 5);
        const score = Math.min(10, 3 + delivery + (n % 3) + Math.floor(week / 3));
        await fetch(`${baseUrl}/s/${invitation.token}`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({
            score,
            csat: Math.max(1, Math.min(5, Math.round(score / 2))),
            comment: comments[n % comments.length] ?? null,
            attributes: { delivery, taste: 3 + (n % 3), price: 2 + (n % 4) },
          }),
        });
      }
      await runtime.react();
    }
  }
  now = realStart;
  await runtime.react();

  const cases = await api<{ items: Case[] }>("GET", "/v1/cases?status=open");
  const firstCase = cases.items[0];
  if (firstCase) {
    await api("POST", `/v1/cases/${firstCase.id}/notes`, {
      text: "Called the customer; a new box is on its way.",
    });
    // A case worked once and reopened: its timeline keeps the first resolution.
    now += 20 * 60_000;
    await api("PATCH", `/v1/cases/${firstCase.id}`, {
      status: "resolved",
      resolution: "Replacement shipped with tracking; refunded the delivery fee.",
    });
    now += 3 * 60 * 60_000;
    await api("PATCH", `/v1/cases/${firstCase.id}`, { status: "in_progress" });
  }
  await api("POST", "/v1/webhooks", {
    url: "https://hooks.example.com/open-nps",
    events: ["response.created", "case.opened"],
  }).catch(() => undefined);

  const link = await issueSignInLink({ ...stores, clock, publicBaseUrl: baseUrl }, ADMIN);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const signInPage = await context.newPage();
    await signInPage.goto(link);
    await Promise.all([signInPage.waitForURL(/\/app\/campaigns/), signInPage.click("button[type=submit]")]);
    await signInPage.close();

    const shots: { name: string; path: string; widths: number[]; locale?: string }[] = [
      { name: "campaigns", path: "/app/campaigns", widths: [1280] },
      { name: "results", path: `/app/campaigns/${campaign.id}?segment=store`, widths: [1280, 390] },
      { name: "results-zh-hant", path: `/app/campaigns/${campaign.id}`, widths: [1280], locale: "zh-Hant" },
      { name: "responses", path: `/app/campaigns/${campaign.id}/responses`, widths: [1280] },
      { name: "cases", path: "/app/cases?view=all", widths: [1280, 390] },
      ...(firstCase ? [{ name: "case", path: `/app/cases/${firstCase.id}`, widths: [1280, 390] }] : []),
      { name: "campaign-edit", path: `/app/campaigns/${campaign.id}/edit`, widths: [1280] },
      { name: "webhooks", path: "/app/webhooks", widths: [1280] },
      { name: "api-keys", path: "/app/api-keys", widths: [1280] },
    ];
    const failed: string[] = [];
    for (const shot of shots) {
      for (const width of shot.widths) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: 900 });
        const url = new URL(shot.path, baseUrl);
        url.searchParams.set("lang", shot.locale ?? "en");
        const response = await page.goto(url.toString());
        const file = join(outDir, `${shot.name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${response?.status() ?? "?"} ${file}`);
        if (response?.status() !== 200) failed.push(`${shot.path} answered ${response?.status()}`);
        await page.close();
      }
    }
    if (failed.length > 0) throw new Error(`Pages that did not open: ${failed.join("; ")}`);
  } finally {
    await browser.close();
  }
} finally {
  await runtime.stop();
}
