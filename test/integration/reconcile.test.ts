import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { type Counters, emptyCounters, OVERALL } from "../../functions/domain/counters";
import { answerMoments } from "../../functions/domain/moments";
import type { Stats } from "../../functions/domain/results";
import { firstFullyRetainedDay } from "../../functions/domain/retention";
import { AGGREGATE_SHARDS, aggregateKey } from "../../functions/store/keys";
import { type Reconciliation, reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { type CliResult, expectHelp, expectUsageError, runCli } from "../support/cli";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/** `npm run reconcile -- ...args`. */
const reconcileCli = (args: string[]): Promise<CliResult> => runCli("cli/reconcile.ts", args);

/**
 * Reconciliation (functions/results/reconcile-campaign.ts and `npm run reconcile`): answers made through
 * the harness (purchases, emails, forms posted to the emailed links), then aggregates corrupted on
 * purpose with ResultsStore.add, as a lost or doubled update would leave them. The recount must find
 * exactly those differences, --fix must repair them, and results must then equal the recount again.
 *
 * The campaign: four purchases sent 2026-06-01 (north ×2, south, no region); answers r1 10 (06-01),
 * r2 3 (06-02), r3 8 on 06-02 edited to 9 on 06-03 (still counted on 06-02); r4 never answers.
 */

const RANGE = "from=2026-06-01&to=2026-06-03";

type Results = {
  overall: Stats;
  segments: ({ value: string } & Stats)[];
  trend: ({ period: string } & Stats)[];
};

/** Counters with only the named fields set. */
function counters(fields: {
  sent?: number;
  responses?: number;
  scores?: Record<number, number>;
  csat?: Record<number, number>;
  attributes?: Counters["attributes"];
  /** An answer that rated every attribute: its driver sums. */
  complete?: { score: number; ratings: Record<string, number> };
}): Counters {
  const c = emptyCounters();
  c.sent = fields.sent ?? 0;
  c.responses = fields.responses ?? 0;
  for (const [score, n] of Object.entries(fields.scores ?? {})) c.scores[Number(score)] = n;
  for (const [rating, n] of Object.entries(fields.csat ?? {})) c.csat[Number(rating) - 1] = n;
  c.attributes = { ...fields.attributes };
  if (fields.complete) c.moments = answerMoments(fields.complete.score, fields.complete.ratings);
  return c;
}

const byTarget = (d: { dimension: string; day: string; value: string }) =>
  `${d.dimension}#${d.day}#${d.value}`;
const sortedDifferences = (report: Reconciliation) =>
  [...report.differences].sort((a, b) => byTarget(a).localeCompare(byTarget(b)));

describe("reconcile", () => {
  const clock = manualClock("2026-06-01T10:00:00.000Z");
  let h: DeliveryHarness;
  let campaign: Campaign;
  let target: string[];
  /** Results as the answers made them, before any corruption. */
  let truth: Results;

  const results = async (id = campaign.id): Promise<Results> => {
    const response = await h.api<Results>("GET", `/v1/campaigns/${id}/results?${RANGE}&segment=region`);
    expect(response.status, response.text).toBe(200);
    return response.body;
  };
  const reconcile = (fix = false) => reconcileCampaign(h.stores, campaign.id, { fix });

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    target = ["--endpoint", h.table.endpoint, "--table", h.table.tableName];
    campaign = await h.createCampaign({
      delayDays: 0,
      segmentBy: ["region"],
      attributes: [{ key: "delivery", label: "Delivery" }],
    });
    const regions: Record<string, string | undefined> = {
      r1: "North",
      r2: "south",
      r3: "north ",
      r4: undefined,
    };
    await h.postPurchases(
      campaign.id,
      Object.entries(regions).map(([name, region]) => ({
        orderId: `order-${name}`,
        email: `${name}@example.com`,
        properties: (region === undefined ? {} : { region }) as Record<string, string>,
      })),
    );
    await h.deliver();
    const survey: Record<string, string> = {};
    for (const name of Object.keys(regions)) {
      const [email] = await h.inbox({ to: `${name}@example.com` });
      if (!email) throw new Error(`no email for ${name}`);
      survey[name] = h.linksIn(email).survey;
    }
    const answer = async (name: string, at: string, form: Record<string, string>) => {
      clock.set(at);
      const response = await fetch(survey[name] ?? "", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
      });
      expect(response.status, await response.text()).toBe(200);
    };
    await answer("r1", "2026-06-01T12:00:00.000Z", { score: "10", csat: "5", "attr.delivery": "4" });
    await answer("r2", "2026-06-02T09:00:00.000Z", { score: "3", csat: "2" });
    await answer("r3", "2026-06-02T10:00:00.000Z", { score: "8", "attr.delivery": "3" });
    await answer("r3", "2026-06-03T10:00:00.000Z", { score: "9", csat: "4", "attr.delivery": "5" });
    truth = await results();
  }, 120_000);

  afterAll(async () => h?.close());

  it("finds nothing to repair in aggregates the product wrote itself", async () => {
    // The answers, by hand: 4 sent, 3 answered (10, 3, 9).
    expect(truth.overall).toMatchObject({ sent: 4, responses: 3, promoters: 2, detractors: 1, nps: 33.3 });
    expect(truth.segments.map((s) => [s.value, s.sent, s.responses])).toEqual([
      ["north", 2, 2],
      ["south", 1, 1],
      ["(none)", 1, 0],
    ]);
    const report = await reconcile();
    expect(report).toEqual({
      campaignId: campaign.id,
      since: null,
      invitationsSent: 4,
      responses: 3,
      // overall 06-01 and 06-02; region 06-01 north, south, (none); 06-02 north, south.
      aggregatesChecked: 7,
      differences: [],
      repaired: false,
      unrepaired: 0,
    });
  });

  it("reports exactly the corrupted aggregates, repairs them with fix, and results equal the recount again", async () => {
    // A doubled answer in north on 06-02 (and its CSAT and rating), and a lost send overall on 06-01.
    await h.stores.results.add(
      campaign.id,
      { dimension: "region", day: "2026-06-02", value: "north" },
      counters({
        responses: 2,
        scores: { 3: 2 },
        csat: { 1: 1 },
        attributes: { delivery: { sum: 7, count: 2 } },
      }),
    );
    // In the last shard: a repair sets the sum of the shards, whichever holds the damage.
    await h.stores.results.add(
      campaign.id,
      { dimension: OVERALL, day: "2026-06-01", value: OVERALL },
      counters({ sent: -1 }),
      AGGREGATE_SHARDS - 1,
    );
    // The damage shows: north now has more answers than the whole campaign on 06-02.
    const corrupted = await results();
    expect(corrupted.overall.sent).toBe(3);
    expect(corrupted.segments.find((s) => s.value === "north")?.responses).toBe(4);

    // Recounted from the raw records: r3 (9, CSAT 4, delivery 5, after its edit) in north on 06-02;
    // r1 (10, CSAT 5, delivery 4) and the four sends overall on 06-01.
    const north = counters({
      responses: 1,
      scores: { 9: 1 },
      csat: { 4: 1 },
      attributes: { delivery: { sum: 5, count: 1 } },
      complete: { score: 9, ratings: { delivery: 5 } },
    });
    const overall0601 = counters({
      sent: 4,
      responses: 1,
      scores: { 10: 1 },
      csat: { 5: 1 },
      attributes: { delivery: { sum: 4, count: 1 } },
      complete: { score: 10, ratings: { delivery: 4 } },
    });
    const expected = [
      {
        dimension: OVERALL,
        day: "2026-06-01",
        value: OVERALL,
        stored: { ...overall0601, sent: 3 },
        recounted: overall0601,
      },
      {
        dimension: "region",
        day: "2026-06-02",
        value: "north",
        stored: counters({
          responses: 3,
          scores: { 3: 2, 9: 1 },
          csat: { 1: 1, 4: 1 },
          attributes: { delivery: { sum: 12, count: 3 } },
          complete: { score: 9, ratings: { delivery: 5 } },
        }),
        recounted: north,
      },
    ];
    const report = await reconcile();
    expect(report).toMatchObject({ invitationsSent: 4, responses: 3, aggregatesChecked: 7, repaired: false });
    expect(sortedDifferences(report)).toEqual(expected);
    // Reporting changes nothing.
    expect(await results()).toEqual(corrupted);

    const fixed = await reconcile(true);
    expect(fixed.repaired).toBe(true);
    expect(sortedDifferences(fixed)).toEqual(expected);
    expect(await reconcile()).toMatchObject({ differences: [], repaired: false });
    expect(await results()).toEqual(truth);
    // The same repair sent again (a retry after a lost response) finds it done, and changes nothing.
    for (const difference of fixed.differences) {
      expect(
        await h.stores.results.replace(campaign.id, difference, difference.stored, difference.recounted),
      ).toBe(false);
    }
    expect(await results()).toEqual(truth);
  });

  describe("npm run reconcile", () => {
    it("prints the report and exits 0 when every aggregate matches", async () => {
      const result = await reconcileCli([campaign.id, ...target]);
      expect(result).toEqual({
        code: 0,
        stdout: `Campaign ${campaign.id} (days from ${firstFullyRetainedDay(new Date(), 730)}): 4 invitations sent, 3 answers, 7 aggregates checked.\nEvery aggregate equals the recount from the raw records.\n`,
        stderr: "",
      });
    });

    it("exits 3 with the differences, repairs them with --fix (exit 0), and finds none after", async () => {
      // Five phantom sends in south on 06-01, and a phantom promoter overall on 06-02.
      await h.stores.results.add(
        campaign.id,
        { dimension: "region", day: "2026-06-01", value: "south" },
        counters({ sent: 5 }),
      );
      await h.stores.results.add(
        campaign.id,
        { dimension: OVERALL, day: "2026-06-02", value: OVERALL },
        counters({ responses: 1, scores: { 10: 1 } }),
      );

      const reported = await reconcileCli([campaign.id, ...target]);
      expect(reported.code, reported.stderr).toBe(3);
      expect(reported.stderr).toBe("");
      const lines = reported.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(
        `Campaign ${campaign.id} (days from ${firstFullyRetainedDay(new Date(), 730)}): 4 invitations sent, 3 answers, 7 aggregates checked.`,
      );
      expect(lines[1]).toBe("2 aggregate(s) differ from the recount:");
      // 06-02 overall holds r2 (3) and r3 (9); the phantom adds a 10.
      expect(lines.slice(2, 4).sort()).toEqual([
        "  2026-06-01 region=south: sent 6 → 1",
        "  2026-06-02 overall: responses 3 → 2, score 10 1 → 0",
      ]);
      expect(lines[4]).toBe("Run again with --fix to repair them.");
      expect(lines).toHaveLength(5);

      const json = await reconcileCli([campaign.id, "--json", ...target]);
      expect(json.code).toBe(3);
      const report = JSON.parse(json.stdout) as Reconciliation;
      expect(report).toMatchObject({ campaignId: campaign.id, repaired: false });
      expect(
        sortedDifferences(report).map((d) => [
          d.dimension,
          d.day,
          d.value,
          d.stored.sent,
          d.recounted.sent,
          d.stored.responses,
          d.recounted.responses,
        ]),
      ).toEqual([
        [OVERALL, "2026-06-02", OVERALL, 0, 0, 3, 2],
        ["region", "2026-06-01", "south", 6, 1, 0, 0],
      ]);
      // Neither run changed anything.
      expect((await reconcile()).differences).toHaveLength(2);

      const fixed = await reconcileCli([campaign.id, "--fix", ...target]);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toContain("2 aggregate(s) differ from the recount and were repaired:");
      expect(fixed.stdout).not.toContain("--fix");

      const again = await reconcileCli([campaign.id, ...target]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("Every aggregate equals the recount from the raw records.");
      expect(await results()).toEqual(truth);
    }, 60_000);

    it("exits 1 for an unknown campaign and for a table that does not exist", async () => {
      const unknown = await reconcileCli(["cmp_AAAAAAAAAAAAAAAA", ...target]);
      expect(unknown).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: no campaign has the id 'cmp_AAAAAAAAAAAAAAAA' in table '${h.table.tableName}'.\n`,
      });
      const noTable = await reconcileCli([
        campaign.id,
        "--endpoint",
        h.table.endpoint,
        "--table",
        "no-such-table",
      ]);
      expect(noTable.code).toBe(1);
      expect(noTable.stderr).toBe(
        `error: table 'no-such-table' was not found at ${h.table.endpoint}: check --table.\n`,
      );
    }, 30_000);

    it.each([
      ["no campaign id", []],
      ["a malformed id", ["campaign-1"]],
      ["an id of the wrong length", ["cmp_short"]],
      ["two ids", ["cmp_AAAAAAAAAAAAAAAA", "cmp_BBBBBBBBBBBBBBBB"]],
      ["an unknown option", ["cmp_AAAAAAAAAAAAAAAA", "--repair"]],
      ["--region without --table", ["cmp_AAAAAAAAAAAAAAAA", "--region", "eu-west-1"]],
      ["an endpoint that is not a URL", ["cmp_AAAAAAAAAAAAAAAA", "--endpoint", "not a url"]],
      ["a retention outside the stack's range", ["cmp_AAAAAAAAAAAAAAAA", "--retention-days", "30"]],
    ])("prints usage and exits 2 for %s", async (_, args) => {
      const result = await reconcileCli(args);
      expectUsageError(result);
    });

    it("prints usage on --help", async () => {
      const result = await reconcileCli(["--help"]);
      expectHelp(result);
    });
  });

  it("recreates a lost aggregate and zeroes a stray one", async () => {
    // The (none) sends of 06-01 lost with their whole item (every shard of it); a send counted in a
    // region nobody is in.
    for (let shard = 0; shard < AGGREGATE_SHARDS; shard++) {
      await h.table.db.send(
        new DeleteCommand({
          TableName: h.table.tableName,
          Key: aggregateKey(campaign.id, "region", "2026-06-01", "(none)", shard),
        }),
      );
    }
    await h.stores.results.add(
      campaign.id,
      { dimension: "region", day: "2026-06-02", value: "east" },
      counters({ sent: 1 }),
    );
    expect((await results()).segments.map((s) => [s.value, s.sent])).toEqual([
      ["north", 2],
      ["south", 1],
      ["east", 1],
    ]);
    const expected = [
      {
        dimension: "region",
        day: "2026-06-01",
        value: "(none)",
        stored: emptyCounters(),
        recounted: counters({ sent: 1 }),
      },
      {
        dimension: "region",
        day: "2026-06-02",
        value: "east",
        stored: counters({ sent: 1 }),
        recounted: emptyCounters(),
      },
    ];
    expect(sortedDifferences(await reconcile())).toEqual(expected);
    expect(sortedDifferences(await reconcile(true))).toEqual(expected);
    expect((await reconcile()).differences).toEqual([]);
    // The stray item stays, all zeros: results leave it out, as a value with no counts.
    expect(await results()).toEqual(truth);
  });
});
