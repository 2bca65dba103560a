import { describe, expect, it } from "vitest";
import type { Answer } from "../../functions/domain/answer";
import {
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  normalizeSegmentValue,
} from "../../functions/domain/counters";
import type { PurchaseInput } from "../../functions/domain/purchase";
import { type Stats, statsOf } from "../../functions/domain/results";
import { reconcileCampaign } from "../../functions/results/reconcile-campaign";
import { startDeliveryHarness } from "../support/delivery-harness";

/**
 * Issue #4's concurrency proof: many clients answer at once, with retries, double posts, edits and
 * racing edits mixed in; afterwards every acknowledged answer is stored, nothing else is, the results
 * equal an independent recount from the raw answers, overall equals the sum of segments, and
 * reconcile finds no difference. Size: EXACTNESS_ANSWERS (default 2,500 invitations, about 2,250 answers).
 */
const INVITATIONS = Number(process.env.EXACTNESS_ANSWERS ?? 2500);
const CLIENTS = 32;
const REGIONS = ["North", " north ", "South", "East", "West", "Central"];
const TIERS = ["gold", "silver", "bronze"];

type Plan = "once" | "double" | "edit" | "race" | "retry" | "silent";

/** A deterministic pseudo-random sequence, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe("results stay exact under concurrent answers", () => {
  it(`counts ${INVITATIONS} invitations' answers exactly`, async () => {
    const h = await startDeliveryHarness();
    try {
      const campaign = await h.createCampaign({
        delayDays: 0,
        throttleDays: 0,
        segmentBy: ["region", "tier"],
        attributes: [
          { key: "price", label: "Price" },
          { key: "delivery", label: "Delivery" },
        ],
      });
      const next = random(42);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const purchases = Array.from(
        { length: INVITATIONS },
        (_, i): PurchaseInput => ({
          orderId: `x-${i}`,
          email: `customer-${i}@example.com`,
          properties: i % 17 === 0 ? { tier: pick(TIERS) } : { region: pick(REGIONS), tier: pick(TIERS) },
        }),
      );
      for (let start = 0; start < purchases.length; start += 500) {
        const results = await h.postPurchases(campaign.id, purchases.slice(start, start + 500));
        expect(results.every((r) => r.status === "scheduled")).toBe(true);
      }
      // One dispatch run queues at most 2,000 invitations (DEFAULT_DISPATCH.maxPerRun): run until none is due.
      while ((await h.stores.invitations.findDue(new Date(), 1)).length > 0) await h.deliver();
      const tokens = await h.stores.purchases.tokensOf(campaign.id);
      expect(tokens).toHaveLength(INVITATIONS);

      const randomAnswer = (): Answer => ({
        score: Math.floor(next() * 11),
        csat: next() < 0.8 ? 1 + Math.floor(next() * 5) : null,
        attributes:
          next() < 0.6 ? { price: 1 + Math.floor(next() * 5), delivery: 1 + Math.floor(next() * 5) } : {},
        comment: next() < 0.3 ? `comment ${Math.floor(next() * 1000)}, with "quotes" and 中文` : null,
      });
      const plans: { token: string; plan: Plan; answers: Answer[] }[] = tokens.map((token) => {
        const roll = next();
        const plan: Plan =
          roll < 0.45
            ? "once"
            : roll < 0.6
              ? "double"
              : roll < 0.75
                ? "edit"
                : roll < 0.8
                  ? "race"
                  : roll < 0.9
                    ? "retry"
                    : "silent";
        return { token, plan, answers: [randomAnswer(), randomAnswer()] };
      });

      let requests = 0;
      const post = async (token: string, answer: Answer): Promise<number> => {
        const form = new URLSearchParams({ score: String(answer.score) });
        if (answer.csat !== null) form.set("csat", String(answer.csat));
        for (const [key, rating] of Object.entries(answer.attributes))
          form.set(`attr.${key}`, String(rating));
        if (answer.comment !== null) form.set("comment", answer.comment);
        // A client retries what it cannot know landed: network errors and 5xx.
        for (let attempt = 0; attempt < 4; attempt++) {
          requests++;
          const status = await fetch(`${h.baseUrl}/s/${token}`, { method: "POST", body: form })
            .then(async (r) => (await r.arrayBuffer(), r.status))
            .catch(() => 599);
          if (status < 500) return status;
        }
        return 599;
      };

      /** What the client may believe is stored, per token: the answers it could end with. */
      const acknowledged = new Map<string, Answer[]>();
      let cursor = 0;
      const client = async () => {
        while (cursor < plans.length) {
          const { token, plan, answers } = plans[cursor++] as (typeof plans)[number];
          const [first, second] = answers as [Answer, Answer];
          const ok = (status: number) => expect(status).toBe(200);
          switch (plan) {
            case "silent":
              break;
            case "once":
              ok(await post(token, first));
              acknowledged.set(token, [first]);
              break;
            case "double":
              for (const status of await Promise.all([post(token, first), post(token, first)])) ok(status);
              acknowledged.set(token, [first]);
              break;
            case "retry":
              ok(await post(token, first));
              ok(await post(token, first));
              acknowledged.set(token, [first]);
              break;
            case "edit":
              ok(await post(token, first));
              ok(await post(token, second));
              acknowledged.set(token, [second]);
              break;
            case "race":
              for (const status of await Promise.all([post(token, first), post(token, second)])) ok(status);
              acknowledged.set(token, [first, second]);
              break;
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));

      // Nothing lost, nothing that was never sent.
      const stored = await h.stores.responses.allOf(campaign.id);
      expect(stored.length).toBe(acknowledged.size);
      const invitations = new Map(
        (await h.stores.invitations.getMany(tokens)).map((inv) => [inv.token, inv]),
      );
      for (const response of stored) {
        const candidates = acknowledged.get(response.token);
        expect(candidates, `a response nobody acknowledged: ${response.token}`).toBeDefined();
        const { score, csat, attributes, comment } = response;
        expect(candidates).toContainEqual({ score, csat, attributes, comment });
      }

      // An independent recount: from the raw answers and the purchases' own properties.
      const recount = new Map<string, Counters>();
      const countIn = (key: string, counters: Counters) =>
        recount.set(key, combineCounters(recount.get(key) ?? emptyCounters(), counters));
      for (const invitation of invitations.values()) {
        const sent = { ...emptyCounters(), sent: 1 };
        countIn("*", sent);
        for (const property of ["region", "tier"])
          countIn(`${property}=${normalizeSegmentValue(invitation.properties[property])}`, sent);
      }
      for (const response of stored) {
        const properties = invitations.get(response.token)?.properties ?? {};
        const counters = answerCounters(response);
        countIn("*", counters);
        for (const property of ["region", "tier"])
          countIn(`${property}=${normalizeSegmentValue(properties[property])}`, counters);
      }

      const results = async (segment?: string) => {
        const response = await h.api<{ overall: Stats; segments?: ({ value: string } & Stats)[] }>(
          "GET",
          `/v1/campaigns/${campaign.id}/results${segment ? `?segment=${segment}` : ""}`,
        );
        expect(response.status).toBe(200);
        return response.body;
      };
      const overall = (await results()).overall;
      expect(overall).toEqual(statsOf(recount.get("*") ?? emptyCounters()));
      expect(overall.sent).toBe(INVITATIONS);
      expect(overall.responses).toBe(acknowledged.size);
      for (const property of ["region", "tier"]) {
        const segments = (await results(property)).segments ?? [];
        for (const segment of segments) {
          expect(segment).toEqual({
            value: segment.value,
            ...statsOf(recount.get(`${property}=${segment.value}`) ?? emptyCounters()),
          });
        }
        const sum = (field: "sent" | "responses" | "promoters" | "passives" | "detractors") =>
          segments.reduce((total, s) => total + s[field], 0);
        for (const field of ["sent", "responses", "promoters", "passives", "detractors"] as const) {
          expect(sum(field), `${property}: sum of ${field}`).toBe(overall[field]);
        }
        expect(
          segments.reduce((total, s) => total.map((n, i) => n + (s.scores[i] ?? 0)), new Array(11).fill(0)),
        ).toEqual(overall.scores);
      }
      expect(segmentsOfRegion(await results("region"))).toEqual([
        "(none)",
        "central",
        "east",
        "north",
        "south",
        "west",
      ]);

      const report = await reconcileCampaign(h.stores, campaign.id);
      expect(report.differences).toEqual([]);
      expect(report.responses).toBe(acknowledged.size);
      console.log(
        JSON.stringify({
          invitations: INVITATIONS,
          answerRequests: requests,
          acknowledged: acknowledged.size,
          stored: stored.length,
          aggregatesChecked: report.aggregatesChecked,
        }),
      );
    } finally {
      await h.close();
    }
  }, 600_000);
});

function segmentsOfRegion(body: { segments?: { value: string }[] }): string[] {
  return (body.segments ?? []).map((s) => s.value).sort();
}
