import { describe, expect, it } from "vitest";
import { CAMPAIGN_DEFAULTS, type Campaign } from "../../functions/domain/campaign";
import { normalizeSegmentValue } from "../../functions/domain/counters";
import { NotFoundError, ThrottledError, ValidationError } from "../../functions/domain/errors";
import { fnv1a } from "../../functions/domain/hash";
import type { ImportedResponse } from "../../functions/domain/history-import";
import {
  type HistoryRow,
  type ImportHistoryPorts,
  ImportInterruptedError,
  type ImportReport,
  importHistory,
  MAX_LISTED_REJECTIONS,
} from "../../functions/use-cases/import-history";

/**
 * The history import use case (functions/use-cases/import-history.ts) on in-memory fakes: what it
 * writes, skips and rejects, that a second run writes nothing, that it retries throttled writes, and
 * that it reads the file only as fast as it writes (one write in flight per lane, batches bounded).
 */

const NOW = new Date("2026-11-20T12:00:00.000Z");
const campaign: Campaign = {
  ...CAMPAIGN_DEFAULTS,
  id: "cmp_AAAAAAAAAAAAAAAA",
  name: "History",
  brandName: "Acme",
  senderName: "Acme",
  segmentBy: ["region"],
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};
const HEADER = ["Response ID", "Email", "Score", "Comment", "Response timestamp", "Region"];

type Outcome = "imported" | "duplicate" | "throttled";

/** A table in memory: answers by token; every write call recorded, with how many were in flight. */
function fakePorts(options: { throttle?: (call: number) => boolean; gate?: Promise<void> } = {}) {
  const stored = new Map<string, ImportedResponse>();
  const calls: { lane: number; size: number }[] = [];
  const inFlight = new Map<number, number>();
  let maxInFlightPerLane = 0;
  const segmentLookups: Record<string, string | number | boolean>[] = [];
  const ports: ImportHistoryPorts = {
    campaigns: {
      getVersioned: async (id) => (id === campaign.id ? { campaign, version: 1 } : undefined),
    },
    results: {
      resolveSegments: async (_campaignId, segmentBy, properties) => {
        segmentLookups.push(properties);
        return Object.fromEntries(segmentBy.map((name) => [name, normalizeSegmentValue(properties[name])]));
      },
    },
    responses: {
      importLanes: 4,
      importLaneOf: (token) => fnv1a(token) % 4,
      importAnswers: async (answers, _now) => {
        const lanes = new Set(answers.map((answer) => fnv1a(answer.token) % 4));
        expect(lanes.size).toBe(1);
        const lane = [...lanes][0] as number;
        const call = calls.push({ lane, size: answers.length });
        inFlight.set(lane, (inFlight.get(lane) ?? 0) + 1);
        maxInFlightPerLane = Math.max(maxInFlightPerLane, inFlight.get(lane) ?? 0);
        try {
          await options.gate;
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (options.throttle?.(call)) return answers.map((): Outcome => "throttled");
          return answers.map((answer): Outcome => {
            if (stored.has(answer.token)) return "duplicate";
            stored.set(answer.token, answer);
            return "imported";
          });
        } finally {
          inFlight.set(lane, (inFlight.get(lane) ?? 1) - 1);
        }
      },
    },
    clock: () => NOW,
  };
  return { ports, stored, calls, segmentLookups, maxInFlight: () => maxInFlightPerLane };
}

/** A file's rows as the CSV reader gives them: the header on line 1, then one row per line. */
async function* rowsOf(
  records: readonly (readonly string[] | { malformed: string })[],
): AsyncGenerator<HistoryRow> {
  for (const [index, record] of records.entries()) {
    yield "malformed" in record
      ? { line: index + 1, malformed: record.malformed }
      : { line: index + 1, fields: record };
  }
}

const answerRow = (i: number): string[] => [
  `r${i}`,
  `person${i}@example.com`,
  String(i % 11),
  i % 3 === 0 ? `comment ${i}` : "",
  `2026-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`,
  ["North", "south ", ""][i % 3] as string,
];

describe("importing history", () => {
  it("imports valid rows, rejects the others with their lines, and a second run imports nothing", async () => {
    const fake = fakePorts();
    const rows = [
      HEADER,
      ...Array.from({ length: 300 }, (_, i) => answerRow(i)),
      ["bad", "x@example.com", "11", "", "2026-01-01", "north"],
      answerRow(5), // the same answer again
      { malformed: "Quote Not Closed" },
    ];
    const report = await importHistory(fake.ports, campaign.id, rowsOf(rows), { batchSize: 10 });
    expect(report).toEqual({
      format: "delighted",
      notes: [],
      read: 303,
      imported: 300,
      anonymised: 0,
      duplicates: 1,
      rejected: 2,
      rejections: [
        { line: 302, reason: "Score: must be a whole number from 0 to 10" },
        { line: 304, reason: "not valid CSV: Quote Not Closed" },
      ],
    } satisfies ImportReport);
    expect(fake.stored.size).toBe(300);
    const first = [...fake.stored.values()].find((answer) => answer.orderId === "delighted:r1");
    expect(first).toMatchObject({
      campaignId: campaign.id,
      email: "person1@example.com",
      segments: { region: "south" },
      anonymous: false,
      answer: { score: 1 },
      answeredAt: "2026-02-11T10:00:00.000Z",
    });
    // Segments come from the row's properties, as a purchase's do.
    expect(fake.segmentLookups[0]).toEqual({ region: "North" });
    // Never more than one write per lane at once, and never more than a batch per write.
    expect(fake.maxInFlight()).toBe(1);
    expect(Math.max(...fake.calls.map((call) => call.size))).toBeLessThanOrEqual(10);

    const again = await importHistory(fake.ports, campaign.id, rowsOf(rows), { batchSize: 10 });
    expect(again).toMatchObject({ imported: 0, duplicates: 301, rejected: 2 });
    expect(fake.stored.size).toBe(300);
  });

  it("lists the first rejected rows and counts the rest", async () => {
    const fake = fakePorts();
    const bad = Array.from({ length: MAX_LISTED_REJECTIONS + 5 }, (_, i) => [
      `r${i}`,
      "",
      "x",
      "",
      "2026-01-01",
      "",
    ]);
    const report = await importHistory(fake.ports, campaign.id, rowsOf([HEADER, ...bad]));
    expect(report.rejected).toBe(MAX_LISTED_REJECTIONS + 5);
    expect(report.rejections).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(report.rejections[0]).toEqual({ line: 2, reason: "Score: must be a whole number from 0 to 10" });
  });

  it("imports answers older than the retention window without personal data", async () => {
    const fake = fakePorts();
    const old = ["old", "ana@example.com", "3", "too slow", "2024-01-01", "north"];
    const report = await importHistory(fake.ports, campaign.id, rowsOf([HEADER, old]), {
      retentionDays: 730,
    });
    expect(report).toMatchObject({ imported: 1, anonymised: 1 });
    expect([...fake.stored.values()][0]).toMatchObject({
      email: "",
      properties: {},
      answer: { score: 3, comment: null },
      segments: { region: "north" },
      anonymous: true,
    });
  });

  it("reads the file only as fast as it writes: a stalled table stops the reading", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fake = fakePorts({ gate });
    let produced = 0;
    async function* endless(): AsyncGenerator<HistoryRow> {
      yield { line: 1, fields: HEADER };
      for (let i = 0; i < 2_000; i++) {
        produced++;
        yield { line: i + 2, fields: answerRow(i) };
      }
    }
    const running = importHistory(fake.ports, campaign.id, endless(), { batchSize: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // At most: one batch written and one batch waiting per lane, and the row that found its lane full.
    expect(produced).toBeLessThanOrEqual(4 * 5 * 2 + 1);
    release();
    const report = await running;
    expect(report.imported).toBe(2_000);
  });

  it("sends throttled answers again after a wait, and stops when the table stays too busy", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const flaky = fakePorts({ throttle: (call) => call <= 2 });
    const rows = [HEADER, answerRow(1)];
    const report = await importHistory(flaky.ports, campaign.id, rowsOf(rows), { sleep });
    expect(report).toMatchObject({ imported: 1, duplicates: 0 });
    expect(waits).toEqual([500, 1000]);

    const busy = fakePorts({ throttle: () => true });
    const failed = await importHistory(
      busy.ports,
      campaign.id,
      rowsOf([HEADER, answerRow(1), answerRow(2)]),
      {
        sleep,
      },
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ImportInterruptedError);
    const interrupted = failed as ImportInterruptedError;
    expect(interrupted.cause).toBeInstanceOf(ThrottledError);
    expect(interrupted.report).toMatchObject({ read: 2, imported: 0 });
  });

  it("refuses an unknown campaign, an empty file and a header it cannot read", async () => {
    const fake = fakePorts();
    await expect(importHistory(fake.ports, "cmp_BBBBBBBBBBBBBBBB", rowsOf([HEADER]))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(importHistory(fake.ports, campaign.id, rowsOf([]))).rejects.toThrow(
      "The file is not valid: (file).",
    );
    const refused = await importHistory(fake.ports, campaign.id, rowsOf([["Response ID", "Email"]])).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details).toEqual([
      { field: "(header)", message: "has no Score column" },
      {
        field: "(header)",
        message: "has no column with the answer's time (Response timestamp, Created At, created_at or Date)",
      },
    ]);
    expect(fake.calls).toEqual([]);
  });
});
