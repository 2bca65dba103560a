import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import {
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  normalizeSegmentValue,
  OVERALL,
  targetsFor,
} from "../../functions/domain/counters";
import { type ImportedResponse, importedAnswerToken } from "../../functions/domain/history-import";
import { type Stats, statsOf } from "../../functions/domain/results";
import { createDocumentClient } from "../../functions/store/dynamo-client";
import { importTransaction } from "../../functions/store/response-store";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { type CliResult, expectHelp, expectUsageError, runCli } from "../support/cli";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * `npm run import` end to end (issue 17, "History import"): a generated Delighted-format export of
 * HISTORY_IMPORT_ROWS rows (default 10,000; the 100,000 with HISTORY_IMPORT_ROWS=100000),
 * seeded, with segment columns in mixed case, satisfaction ratings, comments spread over several
 * lines, some invalid rows and some exact duplicates, is imported by the real CLI into a harness
 * table. The summary must count what the file holds; the results API, overall, per segment and per
 * day, must equal a recount made here from the file; reconcile must find no difference; a second run
 * must import nothing. Peak memory is only required to be reported (it is measured, not bounded).
 */

const ROWS = Number(process.env.HISTORY_IMPORT_ROWS ?? 10_000);
const DAYS = 60;
const DAY_MS = 86_400_000;
const HEADER = [
  "Response ID",
  "Email",
  "Name",
  "Score",
  "Comment",
  "Response timestamp",
  "Survey type",
  "Permalink",
  "Tags",
  "Notes",
  "CSAT",
  "Region",
  "Plan",
];
const REGIONS = ["North", "north ", "SOUTH", "East", "west", ""];
const PLANS = ["Gold", "silver", "bronze", ""];

/** A small seeded PRNG (mulberry32), so the file, and with it every expectation, is the same each run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Expected = {
  valid: number;
  duplicates: number;
  invalid: { line: number; reason: RegExp }[];
  /** Counters per dimension#day#value, as the file's valid rows add them up. */
  counts: Map<string, Counters>;
  days: string[];
  /** The file's first valid row. */
  sample?: { responseId: string; email: string; score: number; day: string };
};

/** Writes the file and recounts what it holds. */
async function generate(path: string, rows: number): Promise<Expected> {
  const rand = random(20261129);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)] as T;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const out = createWriteStream(path, { encoding: "utf8" });
  const write = async (record: readonly string[]): Promise<number> => {
    // CRLF line ends, as spreadsheets write them.
    const text = stringify([record], { record_delimiter: "\r\n" });
    if (!out.write(text)) await once(out, "drain");
    return 1 + (record.join("").match(/\n/g)?.length ?? 0);
  };
  const expected: Expected = { valid: 0, duplicates: 0, invalid: [], counts: new Map(), days: [] };
  const days = new Set<string>();
  const validRows: string[][] = [];
  let line = 1;
  line += await write(["\uFEFFResponse ID", ...HEADER.slice(1)]);
  for (let i = 0; i < rows; i++) {
    const roll = rand();
    if (roll < 0.01 && validRows.length > 0) {
      // The same answer exported twice.
      const copy = pick(validRows);
      expected.duplicates++;
      line += await write(copy);
      continue;
    }
    const at = new Date(today - (1 + Math.floor(rand() * DAYS)) * DAY_MS + Math.floor(rand() * DAY_MS));
    const score = Math.floor(rand() * 11);
    const csat = rand() < 0.5 ? String(1 + Math.floor(rand() * 5)) : "";
    const comment =
      rand() < 0.2 ? pick(["Fine.", 'Fast, and "friendly".', "Slow\r\ndelivery,\r\nbut fixed", "  "]) : "";
    const region = pick(REGIONS);
    const plan = pick(PLANS);
    const record = [
      String(900_000 + i),
      `person${i}@example.com`,
      rand() < 0.5 ? `Person ${i}` : "",
      String(score),
      comment,
      `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`,
      "nps",
      `https://app.delighted.com/r/${i}`,
      rand() < 0.1 ? "vip" : "",
      rand() < 0.05 ? "called back" : "",
      csat,
      region,
      plan,
    ];
    if (roll > 0.99) {
      const kind = i % 5;
      const bad = [...record];
      const reasons = [
        /^Score: must be a whole number from 0 to 10$/,
        /^Score: is required$/,
        /^Email: must be an email address$/,
        /^Response timestamp: must be a time such as/,
        /^\(row\): has 12 fields, the header 13$/,
      ];
      if (kind === 0) bad[3] = "11";
      if (kind === 1) bad[3] = "";
      if (kind === 2) bad[1] = "person-at-example.com";
      if (kind === 3) bad[5] = "2026-02-30 10:00:00 UTC";
      expected.invalid.push({ line, reason: reasons[kind] as RegExp });
      line += await write(kind === 4 ? bad.slice(0, 12) : bad);
      continue;
    }
    expected.valid++;
    validRows.push(record);
    expected.sample ??= { responseId: record[0] ?? "", email: record[1] ?? "", score, day: "" };
    if (expected.sample.day === "") expected.sample.day = at.toISOString().slice(0, 10);
    line += await write(record);
    const day = at.toISOString().slice(0, 10);
    days.add(day);
    const counters = answerCounters({
      score,
      csat: csat === "" ? null : Number(csat),
      attributes: {},
      comment: null,
    });
    const segments = { region: normalizeSegmentValue(region), plan: normalizeSegmentValue(plan) };
    for (const target of targetsFor(day, segments)) {
      const key = `${target.dimension}#${target.day}#${target.value}`;
      expected.counts.set(key, combineCounters(expected.counts.get(key) ?? emptyCounters(), counters));
    }
  }
  out.end();
  await once(out, "close");
  expected.days = [...days].sort();
  return expected;
}

/** The recount of one dimension (and value) over the days, or on one day. */
function recount(expected: Expected, dimension: string, value: string, day?: string): Counters {
  let sum = emptyCounters();
  for (const [key, counters] of expected.counts) {
    const [d, k, v] = key.split("#");
    if (d === dimension && v === value && (day === undefined || k === day))
      sum = combineCounters(sum, counters);
  }
  return sum;
}

type Results = {
  overall: Stats;
  segments?: ({ value: string } & Stats)[];
  trend: ({ period: string } & Stats)[];
};

/** The numbers of a summary line such as "  imported:              9800". */
function summaryNumber(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}:\\s+(\\d+)`, "m").exec(stdout);
  if (!match) throw new Error(`no '${label}' in the summary:\n${stdout}`);
  return Number(match[1]);
}

/** The summary's counts and figures, without the list of rejected rows. */
const summaryOf = (stdout: string): string => stdout.split("\nRejected rows")[0] ?? stdout;

describe("history import", () => {
  let h: DeliveryHarness;
  let campaign: Campaign;
  let dir: string;
  let file: string;
  let expected: Expected;
  let target: string[];
  const importCli = (args: string[]): Promise<CliResult> => runCli("cli/import.ts", args);

  beforeAll(async () => {
    h = await startDeliveryHarness();
    target = ["--endpoint", h.table.endpoint, "--table", h.table.tableName];
    campaign = await h.createCampaign({ segmentBy: ["region", "plan"], csat: true });
    dir = await mkdtemp(join(tmpdir(), "history-import-"));
    file = join(dir, "delighted-export.csv");
    expected = await generate(file, ROWS);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows its usage, and refuses bad command lines with exit 2", async () => {
    expectHelp(await importCli(["--help"]));
    expectUsageError(await importCli([]));
    expectUsageError(await importCli([campaign.id]));
    expectUsageError(await importCli(["not-a-campaign", file]));
    expectUsageError(await importCli([campaign.id, file, "--format", "xlsx"]));
  });

  it("imports the export: the summary counts it, and the results equal a recount from the file", async () => {
    const started = Date.now();
    const run = await importCli([campaign.id, file, ...target]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`history import of ${ROWS} rows: ${seconds.toFixed(1)} s\n${summaryOf(run.stdout)}`);
    expect(run.stderr).toContain(`as a Delighted export into campaign ${campaign.id}`);
    expect(run.stderr).toContain(
      "Columns: Response ID → response id, Email → email, Name → name, Score → score, Comment → comment, " +
        "Response timestamp → answer time, Survey type → survey type, Permalink → not kept, Tags → property Tags, " +
        "Notes → not kept, CSAT → csat, Region → property region, Plan → property plan\n",
    );
    // Rows were rejected, so the exit code says so.
    expect(run.code, run.stderr).toBe(3);
    expect(summaryNumber(run.stdout, "imported")).toBe(expected.valid);
    expect(summaryNumber(run.stdout, "skipped as duplicates")).toBe(expected.duplicates);
    expect(summaryNumber(run.stdout, "rejected")).toBe(expected.invalid.length);
    expect(summaryNumber(run.stdout, "rows read")).toBe(ROWS);
    expect(run.stdout).toMatch(/^ {2}peak RSS:\s+\d+ MB$/m);
    expect(expected.invalid.length).toBeGreaterThan(0);
    expect(expected.duplicates).toBeGreaterThan(0);

    // The rejected rows, by line (the file's comments spread some rows over several lines).
    const listed = [...run.stdout.matchAll(/^ {2}line (\d+): (.+)$/gm)].map(([, line, reason]) => ({
      line: Number(line),
      reason: reason ?? "",
    }));
    expect(listed.map((row) => row.line)).toEqual(expected.invalid.slice(0, 100).map((row) => row.line));
    for (const [index, row] of listed.entries())
      expect(row.reason).toMatch(expected.invalid[index]?.reason ?? /-/);

    const from = expected.days[0] ?? "";
    const to = expected.days.at(-1) ?? "";
    for (const dimension of ["region", "plan"]) {
      const response = await h.api<Results>(
        "GET",
        `/v1/campaigns/${campaign.id}/results?from=${from}&to=${to}&segment=${dimension}`,
      );
      expect(response.status, response.text).toBe(200);
      const results = response.body;
      expect(results.overall).toEqual(statsOf(recount(expected, OVERALL, OVERALL)));
      const values = new Set(
        [...expected.counts.keys()]
          .filter((key) => key.startsWith(`${dimension}#`))
          .map((key) => key.split("#")[2]),
      );
      expect(results.segments?.map((segment) => segment.value).sort()).toEqual([...values].sort());
      for (const segment of results.segments ?? []) {
        expect(segment, segment.value).toMatchObject(statsOf(recount(expected, dimension, segment.value)));
      }
      for (const period of results.trend) {
        expect(period, period.period).toMatchObject(
          statsOf(recount(expected, OVERALL, OVERALL, period.period)),
        );
      }
    }

    // Imported answers are responses like any other: listed, and recounted by reconcile.
    const listing = await h.api<{ items: { email: string; orderId: string }[] }>(
      "GET",
      `/v1/campaigns/${campaign.id}/responses?from=${from}&to=${to}&limit=5`,
    );
    expect(listing.status).toBe(200);
    expect(listing.body.items).toHaveLength(5);
    expect(listing.body.items[0]?.orderId).toMatch(/^delighted:9\d{5}$/);
    const report = await reconcileCampaign(h.stores, campaign.id);
    expect(report.responses).toBe(expected.valid);
    expect(report.invitationsSent).toBe(0);
    expect(report.differences).toEqual([]);
  }, 1_800_000);

  it("imports nothing the second time: every answer is a duplicate", async () => {
    const run = await importCli([campaign.id, file, "--format", "delighted", ...target]);
    console.log(`history import of ${ROWS} rows again:\n${summaryOf(run.stdout)}`);
    expect(run.code, run.stderr).toBe(3);
    expect(summaryNumber(run.stdout, "imported")).toBe(0);
    expect(summaryNumber(run.stdout, "skipped as duplicates")).toBe(expected.valid + expected.duplicates);
    expect(summaryNumber(run.stdout, "rejected")).toBe(expected.invalid.length);
    const report = await reconcileCampaign(h.stores, campaign.id);
    expect(report.responses).toBe(expected.valid);
    expect(report.differences).toEqual([]);
  }, 1_800_000);

  it("exports and erases an imported person's answers, results unchanged", async () => {
    const sample = expected.sample;
    if (!sample) throw new Error("the file has no valid row");
    const path = `/v1/people/${encodeURIComponent(sample.email)}`;
    type Exported = { importedAnswers?: { orderId: string; erasedAt: string | null; properties: object }[] };
    const exported = await h.api<Exported>("GET", path);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.importedAnswers).toEqual([
      expect.objectContaining({
        campaignId: campaign.id,
        orderId: `delighted:${sample.responseId}`,
        erasedAt: null,
        answer: expect.objectContaining({ score: sample.score }),
      }),
    ]);
    const erased = await h.api("DELETE", path);
    expect(erased.status, erased.text).toBe(202);
    expect(erased.body).toEqual({
      erased: { purchases: 0, invitations: 0, answers: 1, cases: 0 },
      suppressed: false,
    });
    const after = await h.api<Exported>("GET", path);
    expect(after.body.importedAnswers).toEqual([
      expect.objectContaining({ name: null, properties: {}, erasedAt: expect.any(String) }),
    ]);
    const report = await reconcileCampaign(h.stores, campaign.id);
    expect(report.differences).toEqual([]);
  }, 600_000);

  it("counts an answer once when the read before the write misses it: the transaction's condition catches it", async () => {
    const campaignId = "cmp_RaceRaceRaceRace";
    const answerAt = (n: number): ImportedResponse => ({
      token: importedAnswerToken(campaignId, ["race", String(n)]),
      orderId: `race-${n}`,
      email: `race${n}@example.com`,
      name: null,
      locale: null,
      properties: {},
      answer: { score: n, csat: null, attributes: {}, comment: null },
      answeredAt: "2026-10-01T10:00:00.000Z",
      campaignId,
      segments: {},
      anonymous: false,
    });
    // Three answers of one lane, the second already written by another import (its response only:
    // the read of import marks does not see it).
    const responses = h.stores.responses;
    const lane: ImportedResponse[] = [];
    for (let n = 0; lane.length < 3; n++) {
      const answer = answerAt(n);
      if (responses.importLaneOf(answer.token) === 0) lane.push(answer);
    }
    const [, taken] = lane as [ImportedResponse, ImportedResponse, ImportedResponse];
    const written = importTransaction(h.table.tableName, [taken], new Date()).TransactItems?.[1]?.Put?.Item;
    await createDocumentClient({ endpoint: h.table.endpoint }).send(
      new PutCommand({ TableName: h.table.tableName, Item: written }),
    );
    expect(await responses.importAnswers(lane, new Date())).toEqual(["imported", "duplicate", "imported"]);
    const [overall] = await h.stores.results.readAll(campaignId);
    expect(overall?.counters.responses).toBe(2);
    expect(await responses.importAnswers(lane, new Date())).toEqual(["duplicate", "duplicate", "duplicate"]);
  });

  it("stops with exit 1 on a file it cannot read, naming the problem", async () => {
    const missing = await importCli([campaign.id, join(dir, "missing.csv"), ...target]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read '.+missing\.csv': no such file\.$/m);
    const unknown = await importCli(["cmp_AAAAAAAAAAAAAAAA", file, ...target]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: no campaign has the id 'cmp_AAAAAAAAAAAAAAAA'");
    const plain = join(dir, "plain.csv");
    const out = createWriteStream(plain);
    out.end("email,comment\nana@example.com,hello\n");
    await once(out, "close");
    const headerless = await importCli([campaign.id, plain, ...target]);
    expect(headerless.code).toBe(1);
    expect(headerless.stderr).toContain("(header): has no Score column");
  });
});
