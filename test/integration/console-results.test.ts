import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { ResponsesPage } from "../../functions/domain/response-export";
import type { Results } from "../../functions/domain/results";
import { createConsoleApp } from "../../functions/http/console-app";
import { issueSignInLink, signIn } from "../../functions/use-cases/console-sign-in";
import { exportAllResponses } from "../../functions/use-cases/export-all-responses";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The console's results and responses pages through the local app: answers given on the emailed
 * survey links, a marketer signed in by an emailed link, and every figure on the page checked against
 * GET /v1/campaigns/{id}/results (and the responses against GET …/responses) for the same query.
 */

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const REGIONS = ["north", "台北門市", HOSTILE] as const;
const DAYS = ["2026-11-02", "2026-11-03"] as const;
const ADMIN = "results-admin@example.com";

type Customer = { name: string; region: string; day: string; score: number; comment: string | null };
const customers: Customer[] = Array.from({ length: 30 }, (_, i) => ({
  name: `r${i}`,
  region: REGIONS[i % 3] as string,
  day: i < 15 ? DAYS[0] : DAYS[1],
  // North is happier; the others spread over the scale.
  score: i % 3 === 0 ? 9 + (i % 2) : (i * 7) % 11,
  comment:
    i % 4 === 0 ? `送貨很快，謝謝！ ${HOSTILE}` : i % 4 === 1 ? `Order ${i}: box was "fine" & on time` : null,
}));

const en = (value: number, digits = 1) =>
  new Intl.NumberFormat("en", { maximumFractionDigits: digits }).format(value);
const signed = (value: number) =>
  new Intl.NumberFormat("en", { maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(value);
const percent = (value: number, digits = 2) =>
  new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: digits }).format(value);

const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
const textOf = (fragment: string) =>
  decode(fragment.replace(/<[^>]+>/g, " "))
    .replace(/\s+/g, " ")
    .trim();

/** The text of the element with this id. */
function byId(html: string, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  if (!match) throw new Error(`no #${id} in the page`);
  return textOf(match[1] ?? "");
}

/** The body rows of the table with this id, as the text of each cell. */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no table #${id}`);
  const table = html.slice(start, html.indexOf("</table>", start));
  const body = table.slice(table.indexOf("<tbody>"));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1] ?? "")),
  );
}

describe("the console's results and responses pages", () => {
  const clock = manualClock(`${DAYS[0]}T08:00:00.000Z`);
  let h: DeliveryHarness;
  let campaign: Campaign;
  let cookie: string;

  const page = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${h.baseUrl}${path}`, {
      headers: { cookie, ...headers },
      redirect: "manual",
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await h.api<T>("GET", path);
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    campaign = await h.createCampaign({
      name: `Spring ${HOSTILE} 春季`,
      delayDays: 0,
      segmentBy: ["region"],
      attributes: [
        { key: "delivery", label: "Delivery" },
        { key: "price", label: "價格" },
      ],
    });
    for (const day of DAYS) {
      clock.set(`${day}T08:00:00.000Z`);
      const wave = customers.filter((c) => c.day === day);
      await h.postPurchases(
        campaign.id,
        wave.map((c) => ({
          orderId: `order-${c.name}`,
          email: `${c.name}@example.com`,
          properties: { region: c.region },
        })),
      );
      await h.deliver();
      clock.set(`${day}T12:00:00.000Z`);
      for (const [index, c] of wave.entries()) {
        clock.advance({ minutes: 1 + index });
        const [email] = await h.inbox({ to: `${c.name}@example.com` });
        if (!email) throw new Error(`no email for ${c.name}`);
        const answered = await fetch(h.linksIn(email).survey, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams({
            score: String(c.score),
            csat: String(1 + (c.score % 5)),
            "attr.delivery": String(1 + (c.score % 5)),
            "attr.price": String(1 + ((c.score * 3) % 5)),
            ...(c.comment === null ? {} : { comment: c.comment }),
          }),
        });
        expect(answered.status, await answered.text()).toBe(200);
      }
    }
    clock.set(`${DAYS[1]}T18:00:00.000Z`);

    // Signed in as a marketer would be: the link from the emailed sign-in message, then its button.
    await h.stores.users.add(ADMIN, "admin", clock.now());
    const asked = await fetch(`${h.baseUrl}/app/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: h.baseUrl },
      body: new URLSearchParams({ email: ADMIN }),
    });
    expect(asked.status).toBe(200);
    const [mail] = await h.inbox({ to: ADMIN });
    const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(mail?.text ?? "")?.[0];
    if (!link) throw new Error("no sign-in link");
    const signedIn = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: h.baseUrl },
      redirect: "manual",
    });
    expect(signedIn.status).toBe(303);
    cookie =
      (signedIn.headers.getSetCookie().find((c) => c.startsWith("nps_session=")) ?? "").split(";")[0] ?? "";
    expect(cookie).not.toBe("");
  }, 180_000);

  afterAll(async () => h?.close());

  it("shows the figures of GET …/results exactly: NPS and margin, counts, rate, CSAT, trend, scores, segments, drivers", async () => {
    const query = `from=${DAYS[0]}&to=${DAYS[1]}&segment=region&interval=day`;
    const results = await api<Results>(`/v1/campaigns/${campaign.id}/results?${query}`);
    const { status, text } = await page(`/app/campaigns/${campaign.id}?${query}&lang=en`);
    expect(status).toBe(200);
    const o = results.overall;
    expect(o.responses).toBe(30);
    expect(o.nps).not.toBeNull();

    expect(byId(text, "nps")).toBe(en(o.nps as number));
    expect(byId(text, "nps-note")).toBe(`± ${en(o.npsMarginOfError as number)} points (95% confidence)`);
    expect(byId(text, "responses")).toBe(en(o.responses));
    expect(byId(text, "promoters")).toBe(en(o.promoters));
    expect(byId(text, "passives")).toBe(en(o.passives));
    expect(byId(text, "detractors")).toBe(en(o.detractors));
    expect(byId(text, "sent")).toBe(en(o.sent));
    expect(byId(text, "response-rate")).toBe(percent(o.responseRate as number));
    expect(byId(text, "csat-mean")).toBe(en(o.csat.mean as number, 2));
    expect(byId(text, "csat-satisfied")).toBe(`${en(o.csat.satisfiedPercent as number)}%`);

    expect(tableRows(text, "distribution-table").map((row) => [row[0], row[2]])).toEqual(
      o.scores.map((count, score) => [String(score), en(count)]),
    );
    expect(tableRows(text, "trend-table").map((row) => row.slice(1))).toEqual(
      results.trend.map((p) => [
        p.nps === null ? "–" : en(p.nps),
        p.npsMarginOfError === null ? "–" : en(p.npsMarginOfError),
        en(p.responses),
      ]),
    );

    const segments = results.segments ?? [];
    expect(segments.map((s) => s.value).sort()).toEqual([...REGIONS].map((r) => r.toLowerCase()).sort());
    // North (all promoters) is planted as different for real: the page must say so where the API does.
    expect(segments.find((s) => s.value === "north")?.vsRest.significant).toBe(true);
    expect(text).toContain("Real difference: higher");
    const rows = tableRows(text, "segment-table");
    expect(rows.map((row) => row[0])).toEqual(segments.map((s) => s.value));
    for (const [index, s] of segments.entries()) {
      const [, responses, nps, versus] = rows[index] ?? [];
      expect(responses).toBe(en(s.responses));
      expect(nps).toBe(
        `${en(s.nps as number)}${s.npsMarginOfError === null ? "" : ` ± ${en(s.npsMarginOfError)}`}`,
      );
      const verdict =
        s.vsRest.significant === null
          ? "Too few answers to tell"
          : s.vsRest.significant
            ? (s.vsRest.npsDifference ?? 0) > 0
              ? "▲ Real difference: higher"
              : "▼ Real difference: lower"
            : "Within the noise";
      expect(versus).toBe(
        `${s.vsRest.npsDifference === null ? "–" : signed(s.vsRest.npsDifference)} ${verdict}`,
      );
    }

    // Drivers: too few answers (under 30 that rated both? exactly 30) either way, the means are the API's.
    const drivers = results.drivers;
    expect(drivers).toBeDefined();
    const driverRows = tableRows(text, "drivers-table");
    expect(driverRows.map((row) => [row[0], row[2]])).toEqual(
      (drivers?.attributes ?? []).map((a, i) => [
        `${i + 1}. ${a.label}`,
        a.mean === null ? "–" : en(a.mean, 2),
      ]),
    );

    // Charts are images with a text alternative, one table of numbers after each.
    expect(text.match(/<svg[^>]*role="img"/g)?.length).toBeGreaterThanOrEqual(3);
    // Hostile names and values are text, never markup; Chinese is as typed.
    expect(text).not.toContain("<script>alert");
    expect(text).not.toContain("<img src=x");
    expect(text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(text).toContain("台北門市");
    expect(text).toContain(`href="/app/campaigns/${campaign.id}/edit"`);
    expect(text).toContain(`href="/app/campaigns/${campaign.id}/responses"`);
  });

  it("follows the filter: defaults to the API's range, changes interval, breakdown and comparison", async () => {
    const defaults = await api<Results>(`/v1/campaigns/${campaign.id}/results`);
    const plain = await page(`/app/campaigns/${campaign.id}`);
    expect(plain.status).toBe(200);
    expect(plain.text).toContain(`name="from" value="${defaults.from}"`);
    expect(plain.text).toContain(`name="to" value="${defaults.to}"`);
    expect(byId(plain.text, "nps")).toBe(en(defaults.overall.nps as number));
    expect(plain.text).not.toContain('id="segment-table"');

    // Only the second day, by week, compared with the day before.
    const query = `from=${DAYS[1]}&to=${DAYS[1]}&interval=week&compare=previous`;
    const one = await api<Results>(`/v1/campaigns/${campaign.id}/results?${query}`);
    const filtered = await page(`/app/campaigns/${campaign.id}?${query}&segment=`);
    expect(filtered.status).toBe(200);
    expect(byId(filtered.text, "responses")).toBe("15");
    expect(byId(filtered.text, "nps")).toBe(en(one.overall.nps as number));
    expect(byId(filtered.text, "change")).toBe(`${signed(one.change?.npsDifference as number)} NPS points`);
    expect(tableRows(filtered.text, "trend-table")).toHaveLength(one.trend.length);
    expect(filtered.text).toMatch(/<option value="week" selected="">/);
    expect(filtered.text).toMatch(/name="compare" value="previous" checked=""/);

    // A range without answers: sentences instead of charts.
    const empty = await page(`/app/campaigns/${campaign.id}?from=2026-10-01&to=2026-10-05`);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain("No answers yet in this range.");
    expect(empty.text).not.toContain('id="trend-title"');
    expect(empty.text).not.toContain('id="dist-title"');

    // In Chinese, the same numbers.
    const zh = await page(`/app/campaigns/${campaign.id}?from=${DAYS[0]}&to=${DAYS[1]}&lang=zh-Hant`);
    expect(zh.status).toBe(200);
    expect(zh.text).toContain("NPS 趨勢");
    expect(zh.text).toContain("誤差範圍 ±");
  });

  it("answers a bad filter with the form, the reason by the field and what was typed, status 400", async () => {
    const badDate = await page(`/app/campaigns/${campaign.id}?from=2026-13-01&interval=day`);
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain('id="from-error"');
    expect(badDate.text).toContain('value="2026-13-01"');
    expect(badDate.text).toMatch(/id="from"[^>]*aria-invalid="true"/);
    expect(badDate.text).not.toContain('id="nps"');

    const backwards = await page(`/app/campaigns/${campaign.id}?from=2026-11-05&to=2026-11-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('id="from-error"');

    const badSegment = await page(
      `/app/campaigns/${campaign.id}?segment=${encodeURIComponent("<b>nope</b>")}`,
    );
    expect(badSegment.status).toBe(400);
    expect(badSegment.text).toContain('id="segment-error"');
    expect(badSegment.text).not.toContain("<b>nope</b>");

    const badInterval = await page(`/app/campaigns/${campaign.id}?interval=year`);
    expect(badInterval.status).toBe(400);
    expect(badInterval.text).toContain('id="interval-error"');

    expect((await page("/app/campaigns/cmp_AAAAAAAAAAAAAAAA")).status).toBe(404);
    expect((await page("/app/campaigns/cmp_AAAAAAAAAAAAAAAA/responses")).status).toBe(404);
  });

  it("lists responses newest first with their comments, as GET …/responses does, 25 a page", async () => {
    const listed = await api<ResponsesPage>(`/v1/campaigns/${campaign.id}/responses?limit=25`);
    const first = await page(`/app/campaigns/${campaign.id}/responses`);
    expect(first.status).toBe(200);
    const times = [...first.text.matchAll(/<li class="response">[\s\S]*?<time datetime="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(times).toEqual(listed.items.map((item) => item.createdAt));
    // Comments are text: the hostile part escaped, the Chinese as typed, quotes and ampersands intact.
    expect(first.text).not.toContain("<script>alert");
    expect(first.text).toContain("送貨很快，謝謝！ &lt;script&gt;");
    expect(first.text).toContain("box was &quot;fine&quot; &amp; on time");
    const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1];
    expect(next).toBeDefined();
    const second = await page(decode(next ?? ""));
    expect(second.status).toBe(200);
    expect([...second.text.matchAll(/<li class="response">/g)]).toHaveLength(5);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain(`href="/app/campaigns/${campaign.id}/responses">`);

    const detractors = await page(`/app/campaigns/${campaign.id}/responses?group=detractors`);
    const apiDetractors = await api<ResponsesPage>(
      `/v1/campaigns/${campaign.id}/responses?maxScore=6&limit=25`,
    );
    const scores = [...detractors.text.matchAll(/<strong>Score (\d+)<\/strong>/g)].map((m) => Number(m[1]));
    expect(scores).toEqual(apiDetractors.items.map((item) => item.score));
    expect(scores.every((score) => score <= 6)).toBe(true);
    expect(detractors.text).toContain(`href="/app/campaigns/${campaign.id}/responses.csv?group=detractors"`);

    const bad = await page(`/app/campaigns/${campaign.id}/responses?group=nobody&from=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="group-error"');
    const badDate = await page(`/app/campaigns/${campaign.id}/responses?from=2026-02-30`);
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain('id="from-error"');
    expect(badDate.text).toContain('value="2026-02-30"');
    const badCursor = await page(`/app/campaigns/${campaign.id}/responses?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.text).toContain("This page link is no longer valid");
  });

  it("downloads the CSV of the filter as one attachment, the same rows as the API's export", async () => {
    const viaApi = async (query: string) => {
      const response = await fetch(`${h.baseUrl}/v1/campaigns/${campaign.id}/responses${query}`, {
        headers: { accept: "text/csv", authorization: `Bearer ${h.apiKey}` },
      });
      expect(response.headers.get("link")).toBeNull();
      return await response.text();
    };
    for (const [consoleQuery, apiQuery] of [
      ["", ""],
      ["?group=detractors", "?maxScore=6"],
      [`?group=promoters&from=${DAYS[1]}`, `?minScore=9&from=${DAYS[1]}`],
    ] as const) {
      const download = await fetch(`${h.baseUrl}/app/campaigns/${campaign.id}/responses.csv${consoleQuery}`, {
        headers: { cookie },
      });
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toContain("text/csv");
      expect(download.headers.get("content-disposition")).toBe(
        `attachment; filename="responses-${campaign.id}.csv"`,
      );
      expect(await download.text()).toBe(await viaApi(apiQuery));
    }
    const signedOut = await fetch(`${h.baseUrl}/app/campaigns/${campaign.id}/responses.csv`, {
      redirect: "manual",
    });
    expect(signedOut.status).toBe(303);
  });

  it("joins an export cut into many parts into one file with one header", async () => {
    const whole = await exportAllResponses(h.stores, campaign.id, {});
    const parts = await exportAllResponses(h.stores, campaign.id, {}, { pageSize: 4, maxPartBytes: 1200 });
    const collect = async (iterable: AsyncIterable<string>) => {
      const chunks: string[] = [];
      for await (const chunk of iterable) chunks.push(chunk);
      return chunks;
    };
    const one = await collect(whole.parts);
    const many = await collect(parts.parts);
    expect(one).toHaveLength(1);
    expect(many.length).toBeGreaterThan(3);
    expect(many.join("")).toBe(one.join(""));
    expect(many.join("").split("\uFEFF")).toHaveLength(2);
  });

  it("on a platform that cannot stream (Lambda), refuses a download of more than one part with a page that points at the API's export in parts", async () => {
    // A session of its own: the one above was signed out.
    const ports = { ...h.stores, clock: h.clock, publicBaseUrl: h.baseUrl };
    const token = (await issueSignInLink(ports, ADMIN)).split("/").at(-1) ?? "";
    const session = `nps_session=${(await signIn(ports, token)).sessionSecret}`;
    const lambdaLike = createConsoleApp({
      ...h.stores,
      clock: h.clock,
      signInMail: { sendSignInLink: async () => undefined },
      caseMail: { sendCaseReply: async () => "unused" },
      webhookPoster: { post: () => Promise.reject(new Error("unused")) },
      publicBaseUrl: h.baseUrl,
      export: { pageSize: 4, maxPartBytes: 1200 },
      onePartDownloads: true,
    });
    const download = (query: string) =>
      lambdaLike.fetch(
        new Request(`${h.baseUrl}/app/campaigns/${campaign.id}/responses.csv?${query}`, {
          headers: { cookie: session },
        }),
      );
    const refused = await download("lang=zh-Hant");
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toContain("回覆太多，無法一次下載");
    expect(page).toContain(`GET /v1/campaigns/${campaign.id}/responses.csv`);
    // An export that fits in one part is the same file as ever.
    const fits = await download("from=2000-01-01&to=2000-01-01");
    expect(fits.status).toBe(200);
    expect(fits.headers.get("content-type")).toMatch(/^text\/csv/);
  });
});
