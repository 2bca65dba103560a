import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Difference } from "../../functions/domain/insight";
import type { Stats } from "../../functions/domain/results";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/**
 * GET /v1/campaigns/{id}/results through the harness's real HTTP server over DynamoDB
 * Local, with answers made the way customers make them: purchases posted to the API, emails sent
 * through the SES emulator, forms posted to the emailed survey links at times a manual clock sets.
 * Every expected figure below is worked out by hand from the table of customers.
 *
 * 2026-03-27 is a Friday: the ISO weeks are those of 03-23, 03-30 (which crosses into April) and 04-06.
 */

type Segment = { value: string; vsRest: Difference } & Stats;
type Period = { period: string } & Stats;
type Results = {
  campaignId: string;
  from: string;
  to: string;
  interval: string;
  segment?: string;
  overall: Stats;
  segments?: Segment[];
  trend: Period[];
};
type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

type Form = { score: number; csat?: number; delivery?: number };
type Customer = {
  /** The purchase's `region` property as the order system sent it; undefined: not sent. */
  region: string | undefined;
  /** Which send wave: 1 on 2026-03-27, 2 on 2026-03-30. */
  wave: 1 | 2;
  /** The answer, when (the clock), or undefined: never answered. */
  answer?: { at: string; form: Form };
};

/**
 * The customers. Regions "North " and " north" and "NORTH" count as one value "north"; a purchase
 * without region and one with a blank region count as "(none)". c3's first answer (9, 5, 5) is edited
 * on 04-02 to the one below; it stays counted on 04-01, the day of the first answer.
 */
const CUSTOMERS: Record<string, Customer> = {
  c1: {
    region: "North ",
    wave: 1,
    answer: { at: "2026-03-27T15:00:00.000Z", form: { score: 10, csat: 5, delivery: 5 } },
  },
  c2: {
    region: "north",
    wave: 1,
    answer: { at: "2026-03-31T10:00:00.000Z", form: { score: 9, csat: 4, delivery: 4 } },
  },
  c3: {
    region: " NORTH",
    wave: 1,
    answer: { at: "2026-04-01T08:00:00.000Z", form: { score: 6, csat: 2, delivery: 2 } },
  },
  c4: { region: "South", wave: 1, answer: { at: "2026-03-31T20:00:00.000Z", form: { score: 8, csat: 3 } } },
  c5: {
    region: "south",
    wave: 1,
    answer: { at: "2026-04-06T00:00:00.000Z", form: { score: 0, csat: 1, delivery: 1 } },
  },
  c6: {
    region: undefined,
    wave: 2,
    answer: { at: "2026-04-01T23:59:59.999Z", form: { score: 9, delivery: 4 } },
  },
  c7: { region: "south", wave: 2 },
  c8: { region: "   ", wave: 2 },
};
const C3_FIRST: Form = { score: 9, csat: 5, delivery: 5 };
const FROM = "2026-03-27";
const TO = "2026-04-06";
const RANGE = `from=${FROM}&to=${TO}`;

/** A Stats with every figure named, the rest empty: how the expectations below read. */
function stats(fields: Partial<Omit<Stats, "csat">> & { csat?: Partial<Stats["csat"]> }): Stats {
  return {
    sent: 0,
    responses: 0,
    responseRate: null,
    promoters: 0,
    passives: 0,
    detractors: 0,
    nps: null,
    npsMarginOfError: null,
    scores: new Array(11).fill(0),
    attributes: {},
    ...fields,
    csat: { responses: 0, mean: null, satisfiedPercent: null, ...fields.csat },
  };
}

/** scores[n] for the listed scores (each once per mention). */
function histogram(...scores: number[]): number[] {
  const counts = new Array(11).fill(0);
  for (const score of scores) counts[score]++;
  return counts;
}

/**
 * Overall, 04-06 (after the edit): sent 8 (5 on 03-27, 3 on 03-30); 6 answers: 10, 9, 6, 8, 0, 9.
 * Promoters c1 c2 c6 = 3, passive c4 = 1, detractors c3 c5 = 2; NPS 100 × 1/6 = 16.7; margin of error
 * 196 × √(((3+2)·6 − 1²)/6³) = 196 × √(29/216) = 71.82 → 71.8. CSAT 5, 4, 2, 3, 1: mean 15/5 = 3, 4–5:
 * 2/5 = 40%. Delivery 5, 4, 2, 1, 4 = 16/5 = 3.2.
 */
const OVERALL = stats({
  sent: 8,
  responses: 6,
  responseRate: 0.75,
  promoters: 3,
  passives: 1,
  detractors: 2,
  nps: 16.7,
  npsMarginOfError: 71.8,
  csat: { responses: 5, mean: 3, satisfiedPercent: 40 },
  scores: histogram(10, 9, 6, 8, 0, 9),
  attributes: { delivery: { responses: 5, mean: 3.2 } },
});

/**
 * north: c1 c2 c3, all answered (10, 9, 6): NPS 100 × 1/3 = 33.3; MoE 196 × √((3·3 − 1)/27) = 106.69.
 * south: c4 c5 c7, two answered (8, 0): rate 2/3; NPS −50; MoE 196 × √((1·2 − 1)/8) = 69.30.
 * (none): c6 c8, one answered (9): NPS 100, no margin under 2 answers, no CSAT.
 * Sorted by responses, most first.
 */
const SEGMENTS: Omit<Segment, "vsRest">[] = [
  {
    value: "north",
    ...stats({
      sent: 3,
      responses: 3,
      responseRate: 1,
      promoters: 2,
      detractors: 1,
      nps: 33.3,
      npsMarginOfError: 106.7,
      csat: { responses: 3, mean: 3.67, satisfiedPercent: 66.7 },
      scores: histogram(10, 9, 6),
      attributes: { delivery: { responses: 3, mean: 3.67 } },
    }),
  },
  {
    value: "south",
    ...stats({
      sent: 3,
      responses: 2,
      responseRate: 0.6667,
      passives: 1,
      detractors: 1,
      nps: -50,
      npsMarginOfError: 69.3,
      csat: { responses: 2, mean: 2, satisfiedPercent: 0 },
      scores: histogram(8, 0),
      attributes: { delivery: { responses: 1, mean: 1 } },
    }),
  },
  {
    value: "(none)",
    ...stats({
      sent: 2,
      responses: 1,
      responseRate: 0.5,
      promoters: 1,
      nps: 100,
      scores: histogram(9),
      attributes: { delivery: { responses: 1, mean: 4 } },
    }),
  },
];

/** Every count of a Stats, by name: what must add up across segments and periods. */
function countsOf(s: Stats): Record<string, number> {
  return {
    sent: s.sent,
    responses: s.responses,
    promoters: s.promoters,
    passives: s.passives,
    detractors: s.detractors,
    "csat.responses": s.csat.responses,
    ...Object.fromEntries(s.scores.map((n, score) => [`scores.${score}`, n])),
    ...Object.fromEntries(
      Object.entries(s.attributes).map(([key, a]) => [`attributes.${key}.responses`, a.responses]),
    ),
  };
}

function sumOfCounts(parts: readonly Stats[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const part of parts) {
    for (const [name, n] of Object.entries(countsOf(part))) sums[name] = (sums[name] ?? 0) + n;
  }
  return sums;
}

/** The sums over `parts` equal `whole` for every count field (fields that are 0 everywhere may be absent). */
function expectCountsAddUp(parts: readonly Stats[], whole: Stats): void {
  const sums = sumOfCounts(parts);
  for (const [name, n] of Object.entries(countsOf(whole))) expect(sums[name] ?? 0, name).toBe(n);
  for (const [name, n] of Object.entries(sums)) expect(countsOf(whole)[name] ?? 0, name).toBe(n);
}

describe("results API", () => {
  const clock = manualClock("2026-03-27T10:00:00.000Z");
  let h: DeliveryHarness;
  let campaign: Campaign;
  /** The survey link of each customer. */
  const surveys: Record<string, string> = {};
  /** `?segment=region` over RANGE just before and just after c3's edit (at 04-02, before c5 answered). */
  let beforeEdit: Results;
  let afterEdit: Results;
  /** What the survey answered: the first answers, c1's identical repeat and c3's edit. */
  const outcomes: Record<string, string> = {};

  const results = (query = "", id = campaign.id) =>
    h.api<Results>("GET", `/v1/campaigns/${id}/results${query}`);
  const ok = async (query: string): Promise<Results> => {
    const response = await results(query);
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  /** Posts the survey form, as a browser does, asking for JSON to learn what it recorded. */
  const answer = async (name: string, form: Form): Promise<string> => {
    const body = new URLSearchParams({ score: String(form.score) });
    if (form.csat !== undefined) body.set("csat", String(form.csat));
    if (form.delivery !== undefined) body.set("attr.delivery", String(form.delivery));
    body.set("comment", "");
    const response = await fetch(surveys[name] ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return (JSON.parse(text) as { status: string }).status;
  };

  const sendWave = async (wave: 1 | 2) => {
    const names = Object.keys(CUSTOMERS).filter((name) => CUSTOMERS[name]?.wave === wave);
    const posted = await h.postPurchases(
      campaign.id,
      names.map((name) => {
        const region = CUSTOMERS[name]?.region;
        return {
          orderId: `order-${name}`,
          email: `${name}@example.com`,
          properties: (region === undefined ? { tier: "gold" } : { region, tier: "gold" }) as Record<
            string,
            string
          >,
        };
      }),
    );
    expect(posted.map((p) => p.status)).toEqual(names.map(() => "scheduled"));
    await h.deliver();
    for (const name of names) {
      const [email] = await h.inbox({ to: `${name}@example.com` });
      if (!email) throw new Error(`no email for ${name}`);
      surveys[name] = h.linksIn(email).survey;
    }
  };

  const answerAt = async (name: string, form: Form = CUSTOMERS[name]?.answer?.form ?? { score: -1 }) => {
    clock.set(CUSTOMERS[name]?.answer?.at ?? "");
    outcomes[name] = await answer(name, form);
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    campaign = await h.createCampaign({
      delayDays: 0,
      csat: true,
      segmentBy: ["region"],
      attributes: [{ key: "delivery", label: "Delivery" }],
    });
    await sendWave(1); // 2026-03-27 10:00
    await answerAt("c1");
    clock.set("2026-03-30T09:00:00.000Z");
    await sendWave(2);
    await answerAt("c2");
    await answerAt("c4");
    await answerAt("c3", C3_FIRST);
    await answerAt("c6");
    // c1 submits the same answer again (a double click, a retry): nothing changes.
    clock.set("2026-04-02T09:00:00.000Z");
    outcomes.c1Again = await answer("c1", CUSTOMERS.c1?.answer?.form ?? { score: -1 });
    beforeEdit = await ok(`?${RANGE}&segment=region`);
    clock.set("2026-04-02T12:00:00.000Z");
    outcomes.c3Edit = await answer("c3", CUSTOMERS.c3?.answer?.form ?? { score: -1 });
    afterEdit = await ok(`?${RANGE}&segment=region`);
    await answerAt("c5");
  }, 120_000);

  afterAll(async () => h?.close());

  it("records each answer once: a repeat is unchanged, an edit updates", () => {
    expect(outcomes).toEqual({
      c1: "created",
      c2: "created",
      c4: "created",
      c3: "created",
      c6: "created",
      c1Again: "unchanged",
      c3Edit: "updated",
      c5: "created",
    });
  });

  it("answers the overall figures, computed by hand", async () => {
    const body = await ok(`?${RANGE}`);
    expect(body).toMatchObject({ campaignId: campaign.id, from: FROM, to: TO, interval: "day" });
    expect(body.overall).toEqual(OVERALL);
    expect(body.segments).toBeUndefined();
  });

  it("answers one entry per region value seen, normalized, and they add up to the overall figures", async () => {
    const body = await ok(`?${RANGE}&segment=region`);
    expect(body.segment).toBe("region");
    expect(body.overall).toEqual(OVERALL);
    expect(body.segments?.map(({ vsRest, ...figures }) => figures)).toEqual(SEGMENTS);
    expectCountsAddUp(body.segments ?? [], body.overall);
    // north (10, 9, 6; CSAT 5, 4, 2) against the rest (8, 0, 9; CSAT 3, 1), each side's sample variance:
    // recodes {1, 1, −1}: mean 1/3, variance 4/3; {0, −1, 1}: mean 0, variance 1. z = (1/3) / √(4/9 + 1/3)
    // = 0.378, p = 0.7055. CSAT means 11/3 and 2, variances 7/3 and 2: z = (5/3) / √(7/9 + 1) = 1.25, p = 0.2113.
    expect(body.segments?.find((s) => s.value === "north")?.vsRest).toEqual({
      npsDifference: 33.3,
      pValue: 0.7055,
      significant: false,
      csat: { meanDifference: 1.67, pValue: 0.2113, significant: false },
    });
  });

  it("adds up per segment in any sub-range too", async () => {
    for (const range of [
      "from=2026-03-31&to=2026-04-01",
      "from=2026-03-30&to=2026-03-30",
      "from=2026-04-06&to=2026-04-06",
    ]) {
      const body = await ok(`?${range}&segment=region`);
      expectCountsAddUp(body.segments ?? [], body.overall);
    }
    // 03-31..04-01: c2 (north 9), c4 (south 8), c3 (north 6), c6 ((none) 9); nothing sent on those days.
    const body = await ok("?from=2026-03-31&to=2026-04-01&segment=region");
    expect(body.overall).toMatchObject({
      sent: 0,
      responses: 4,
      responseRate: null,
      promoters: 2,
      passives: 1,
      detractors: 1,
      nps: 25,
    });
    expect(body.segments?.map((s) => [s.value, s.responses, s.sent])).toEqual([
      ["north", 2, 0],
      ["(none)", 1, 0],
      ["south", 1, 0],
    ]);
  });

  it("moves the counts when an answer is edited, without counting it twice", () => {
    const delta = (before: Stats, after: Stats) => {
      const a = countsOf(after);
      return Object.fromEntries(
        Object.entries(countsOf(before))
          .map(([name, n]) => [name, (a[name] ?? 0) - n] as const)
          .filter(([, d]) => d !== 0),
      );
    };
    // c3: 9 → 6, CSAT 5 → 2, delivery 5 → 2; still one answer, on 04-01.
    const moved = { promoters: -1, detractors: 1, "scores.9": -1, "scores.6": 1 };
    expect(delta(beforeEdit.overall, afterEdit.overall)).toEqual(moved);
    expect(afterEdit.overall.responses).toBe(5);
    expect(beforeEdit.overall.csat).toEqual({ responses: 4, mean: 4.25, satisfiedPercent: 75 });
    expect(afterEdit.overall.csat).toEqual({ responses: 4, mean: 3.5, satisfiedPercent: 50 });
    expect(beforeEdit.overall.attributes.delivery).toEqual({ responses: 4, mean: 4.5 });
    expect(afterEdit.overall.attributes.delivery).toEqual({ responses: 4, mean: 3.75 });
    const north = (r: Results) => r.segments?.find((s) => s.value === "north") ?? stats({});
    expect(delta(north(beforeEdit), north(afterEdit))).toEqual(moved);
    expect(north(afterEdit)).toMatchObject({ responses: 3, nps: 33.3 });
    expect(north(beforeEdit)).toMatchObject({ responses: 3, nps: 100 });
    const day = (r: Results, period: string) => r.trend.find((p) => p.period === period) ?? stats({});
    expect(delta(day(beforeEdit, "2026-04-01"), day(afterEdit, "2026-04-01"))).toEqual(moved);
    expect(day(afterEdit, "2026-04-02").responses).toBe(0);
    expectCountsAddUp(afterEdit.segments ?? [], afterEdit.overall);
  });

  it("gives a daily trend with every day of the range, on the day of each send and first answer", async () => {
    const body = await ok(`?${RANGE}`);
    expect(body.trend.map((p) => p.period)).toEqual([
      "2026-03-27",
      "2026-03-28",
      "2026-03-29",
      "2026-03-30",
      "2026-03-31",
      "2026-04-01",
      "2026-04-02",
      "2026-04-03",
      "2026-04-04",
      "2026-04-05",
      "2026-04-06",
    ]);
    const byDay = Object.fromEntries(body.trend.map(({ period, ...s }) => [period, s]));
    expect(byDay["2026-03-27"]).toEqual(
      stats({
        sent: 5,
        responses: 1,
        responseRate: 0.2,
        promoters: 1,
        nps: 100,
        scores: histogram(10),
        csat: { responses: 1, mean: 5, satisfiedPercent: 100 },
        attributes: { delivery: { responses: 1, mean: 5 } },
      }),
    );
    expect(byDay["2026-03-28"]).toEqual(stats({}));
    expect(byDay["2026-03-30"]).toEqual(stats({ sent: 3, responseRate: 0 }));
    // c2 9, c4 8: NPS 50, MoE 196 × √((1·2 − 1)/8) = 69.3.
    expect(byDay["2026-03-31"]).toMatchObject({
      sent: 0,
      responses: 2,
      responseRate: null,
      promoters: 1,
      passives: 1,
      nps: 50,
      npsMarginOfError: 69.3,
    });
    // c3 6 (counted on its first day, 04-01, though edited 04-02) and c6 9 at 23:59:59.999.
    expect(byDay["2026-04-01"]).toMatchObject({
      responses: 2,
      promoters: 1,
      detractors: 1,
      nps: 0,
      scores: histogram(6, 9),
    });
    expect(byDay["2026-04-06"]).toMatchObject({
      responses: 1,
      detractors: 1,
      nps: -100,
      npsMarginOfError: null,
    });
    expectCountsAddUp(body.trend, body.overall);
  });

  it("gives weekly periods (ISO weeks, across the month boundary) that add up to the overall figures", async () => {
    const body = await ok(`?${RANGE}&interval=week`);
    expect(body.interval).toBe("week");
    expect(body.overall).toEqual(OVERALL);
    expect(body.trend.map((p) => [p.period, p.sent, p.responses])).toEqual([
      ["2026-03-23", 5, 1],
      ["2026-03-30", 3, 4],
      ["2026-04-06", 0, 1],
    ]);
    const [first, second, third] = body.trend;
    expect(first).toMatchObject({ responseRate: 0.2, promoters: 1, nps: 100 });
    // 03-31 and 04-01 answers, 2 promoters (c2, c6), 1 passive (c4), 1 detractor (c3): NPS 25; more
    // answers than sends in this week (wave 1 was sent the week before): the rate is reported as is.
    // MoE 196 × √(((2+1)·4 − 1²)/4³) = 196 × √(11/64) = 81.26.
    expect(second).toMatchObject({
      responseRate: 1.3333,
      promoters: 2,
      passives: 1,
      detractors: 1,
      nps: 25,
      npsMarginOfError: 81.3,
    });
    expect(second?.csat).toEqual({ responses: 3, mean: 3, satisfiedPercent: 33.3 });
    expect(second?.attributes).toEqual({ delivery: { responses: 3, mean: 3.33 } });
    expect(third).toMatchObject({ responseRate: null, detractors: 1, nps: -100 });
    expectCountsAddUp(body.trend, body.overall);

    // A range starting mid-week: the period is named by its Monday but counts only days in range.
    const partial = await ok("?from=2026-04-01&to=2026-04-06&interval=week");
    expect(partial.trend.map((p) => [p.period, p.sent, p.responses])).toEqual([
      ["2026-03-30", 0, 2],
      ["2026-04-06", 0, 1],
    ]);
    expectCountsAddUp(partial.trend, partial.overall);
  });

  it("gives monthly periods that add up to the overall figures", async () => {
    const body = await ok(`?${RANGE}&interval=month&segment=region`);
    expect(body.overall).toEqual(OVERALL);
    expect(body.segments?.map(({ vsRest, ...figures }) => figures)).toEqual(SEGMENTS);
    expect(body.trend.map((p) => [p.period, p.sent, p.responses])).toEqual([
      ["2026-03-01", 8, 3],
      ["2026-04-01", 0, 3],
    ]);
    // March: 10, 9, 8 → NPS 66.7, rate 3/8; April: 6, 9, 0 → NPS −33.3.
    expect(body.trend[0]).toMatchObject({
      responseRate: 0.375,
      promoters: 2,
      passives: 1,
      detractors: 0,
      nps: 66.7,
    });
    expect(body.trend[1]).toMatchObject({
      responseRate: null,
      promoters: 1,
      passives: 0,
      detractors: 2,
      nps: -33.3,
    });
    expectCountsAddUp(body.trend, body.overall);
  });

  it("defaults to the last 30 days (today, UTC, included) and daily periods", async () => {
    const body = await ok("");
    expect(body).toMatchObject({ from: "2026-03-08", to: "2026-04-06", interval: "day" });
    expect(body.overall).toEqual(OVERALL);
    expect(body.trend).toHaveLength(30);
    // An empty range is all zeros and nulls, not an error.
    const empty = await ok("?from=2026-01-01&to=2026-01-31&segment=region");
    expect(empty.overall).toEqual(stats({}));
    expect(empty.segments).toEqual([]);
  });

  it("accepts a range of exactly 366 days", async () => {
    const body = await ok("?from=2025-04-06&to=2026-04-06&interval=month");
    expect(body.overall).toEqual(OVERALL);
    expect(body.trend).toHaveLength(13);
  });

  it.each([
    ["from=2026-02-30", "from"],
    ["from=2026-3-1", "from"],
    ["to=yesterday", "to"],
    ["from=", "from"],
    ["from=2026-04-06&to=2026-04-01", "from"],
    ["from=2025-04-05&to=2026-04-06", "from"],
    ["interval=year", "interval"],
    ["interval=Day", "interval"],
    ["color=blue", "color"],
    ["segment=tier", "segment"],
    ["segment=region%20x", "segment"],
  ])("answers 400 naming the field for ?%s", async (query, field) => {
    const response = await h.api<ErrorBody>("GET", `/v1/campaigns/${campaign.id}/results?${query}`);
    expect(response.status, response.text).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.details?.map((d) => d.field)).toEqual([field]);
  });

  it("answers 404 for an unknown or malformed campaign id", async () => {
    for (const id of ["cmp_AAAAAAAAAAAAAAAA", "nope"]) {
      const response = await h.api<ErrorBody>("GET", `/v1/campaigns/${id}/results`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
  });

  it("answers 401 without a valid API key, saying nothing of the campaign", async () => {
    for (const authorization of [
      undefined,
      "Bearer nps_0000000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      h.apiKey,
    ]) {
      const response = await fetch(`${h.baseUrl}/v1/campaigns/${campaign.id}/results?${RANGE}`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      const body = (await response.json()) as ErrorBody;
      expect(response.status).toBe(401);
      expect(body.error.code).toBe("unauthorized");
      expect(JSON.stringify(body)).not.toContain("north");
    }
  });
});
