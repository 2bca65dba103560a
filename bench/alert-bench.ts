import { setTimeout as sleep } from "node:timers/promises";
import type { Campaign } from "../functions/domain/campaign";
import type { PurchaseResult } from "../functions/domain/purchase";
import { startLocalRuntime } from "../local/runtime";
import { apiCaller } from "./local-stack";
import { percentile } from "./stats";
import { num } from "./table";

/**
 * Item 6, answer → alert email: a campaign whose follow-up rule (every detractor) has one owner;
 * detractors answer through `POST /s/{token}` as in item 1, and each answer is timed from its HTTP 200
 * to the SES emulator accepting the owner's alert about that customer (the transport is wrapped, as
 * the bench counts SES messages). In between: the commit reaches DynamoDB Local's stream, the local
 * runtime's stream loop hands it to the events function's handler (webhook fan-out, the case opened,
 * the alert rendered and sent), as on AWS.
 *
 * Run twice, each on a runtime (and table) of its own in the bench's DynamoDB Local: with the events
 * loop every `periodMs` (npm start's period), and every `floorPeriodMs`: about the handler's own time,
 * the floor. Each client answers, waits for its alert, pauses a random part of npm start's period in
 * both runs (so answers land at random points of the loop's cycle, as customers' clicks do), and
 * answers again.
 */
export type AlertLatency = {
  readonly answers: number;
  /** Answers not recorded, or whose alert did not come within the period + 30 s: left out of the figures. */
  readonly errors: number;
  readonly firstError: string | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
};
export type AlertLevel = {
  readonly clients: number;
  readonly polled: AlertLatency;
  readonly floor: AlertLatency;
};
export type AlertResult = {
  readonly periodMs: number;
  readonly floorPeriodMs: number;
  readonly levels: AlertLevel[];
};

/** local/start.ts's deliveryIntervalMs, which its events loop takes too: what `npm start` polls at. */
export const NPM_START_PERIOD_MS = 1_000;
/** The events loop as fast as is useful: well under the handler's own time for a batch. */
export const FLOOR_PERIOD_MS = 50;
const OWNER = "owner@example.com";
/** Answers before the timed ones: they also prove the loop has read the setup's records. */
const WARMUP = 4;
/** Setup passes (posting purchases, delivering them) before giving up. */
const SETUP_ROUNDS = 5;
const customerOf = (run: string, i: number) => `alerted-${run}-${i}@example.com`;
const CUSTOMER = /alerted-[a-z]+-\d+@example\.com/;

export async function runAlertBench(
  dynamoEndpoint: string,
  levels: readonly { clients: number; answers: number }[],
  progress: (line: string) => void,
): Promise<AlertResult> {
  const polled = await runAt(dynamoEndpoint, "polled", NPM_START_PERIOD_MS, levels, progress);
  const floor = await runAt(dynamoEndpoint, "floor", FLOOR_PERIOD_MS, levels, progress);
  return {
    periodMs: NPM_START_PERIOD_MS,
    floorPeriodMs: FLOOR_PERIOD_MS,
    levels: levels.map(({ clients }, i) => ({
      clients,
      polled: at(polled, i),
      floor: at(floor, i),
    })),
  };
}

async function runAt(
  dynamoEndpoint: string,
  run: string,
  periodMs: number,
  levels: readonly { clients: number; answers: number }[],
  progress: (line: string) => void,
): Promise<AlertLatency[]> {
  /** Who is waiting for an alert about which customer (set before the answer is posted). */
  const waiting = new Map<string, (at: number) => void>();
  let loopError: unknown;
  const runtime = await startLocalRuntime({
    dynamoEndpoint,
    tableName: `open-nps-bench-alerts-${run}`,
    dropTableOnStop: true,
    deliveryIntervalMs: null,
    eventsIntervalMs: periodMs,
    onEventsError: (error) => {
      loopError ??= error;
    },
    wrapTransport: (ses) => ({
      send: async (email) => {
        const id = await ses.send(email);
        const customer = email.to === OWNER ? CUSTOMER.exec(email.text)?.[0] : undefined;
        if (customer !== undefined) waiting.get(customer)?.(performance.now());
        return id;
      },
    }),
  });
  try {
    const { apiKey } = await runtime.stores.apiKeys.create("benchmark", new Date());
    const api = apiCaller(runtime.baseUrl, apiKey);
    const campaign = await api<Campaign>(
      "POST",
      "/v1/campaigns",
      {
        name: `Benchmark: alerts (${run})`,
        brandName: "Acme",
        delayDays: 0,
        followUp: { owners: [OWNER], maxScore: 6, targetHours: 24 },
      },
      201,
    );
    const total = levels.reduce((n, l) => n + l.answers, WARMUP);
    // Setup, made to finish on a busy machine: DynamoDB Local may time out waiting for a lock (it did
    // once under load), so a purchase that failed is posted again (a second post of one that got
    // through is a duplicate), and delivery is run again until every invitation is sent.
    let pending = Array.from({ length: total }, (_, i) => i);
    for (let round = 1; pending.length > 0; round++) {
      if (round > SETUP_ROUNDS)
        throw new Error(`${pending.length} alert purchases failed ${SETUP_ROUNDS} times`);
      const failed: number[] = [];
      for (let first = 0; first < pending.length; first += 50) {
        const batch = pending.slice(first, first + 50);
        const { results } = await api<{ results: PurchaseResult[] }>(
          "POST",
          `/v1/campaigns/${campaign.id}/purchases`,
          {
            purchases: batch.map((i) => ({
              orderId: `alert-${i}`,
              email: customerOf(run, i),
              name: `Customer ${i}`,
            })),
          },
          202,
        );
        results.forEach((r, k) => {
          if (r.status !== "scheduled" && r.status !== "duplicate") failed.push(batch[k] ?? -1);
        });
      }
      pending = failed;
    }
    let tokenOf = new Map<string, string>();
    for (let round = 1; tokenOf.size < total; round++) {
      if (round > SETUP_ROUNDS) throw new Error(`${tokenOf.size} of ${total} alert invitations were sent`);
      await runtime.deliver();
      const tokens = await runtime.stores.purchases.tokensOf(campaign.id);
      const sent = (await runtime.stores.invitations.getMany(tokens)).filter((i) => i.sentAt !== null);
      tokenOf = new Map(sent.map((i) => [i.email, i.token]));
    }

    /** One detractor's answer; resolves with ms from its HTTP 200 to its alert's acceptance. */
    const answerAndWait = async (i: number): Promise<number> => {
      const customer = customerOf(run, i);
      const alerted = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no alert for answer ${i} within ${periodMs + 30_000} ms${loopError === undefined ? "" : ` (the events loop: ${String(loopError)})`}`,
              ),
            ),
          periodMs + 30_000,
        );
        waiting.set(customer, (time) => {
          clearTimeout(timer);
          resolve(time);
        });
      });
      // Awaited below; if the POST fails first, its timeout must not surface as an unhandled rejection.
      alerted.catch(() => undefined);
      const response = await fetch(`${runtime.baseUrl}/s/${tokenOf.get(customer) ?? ""}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({
          score: i % 7,
          csat: 1 + (i % 5),
          comment: i % 10 === 0 ? "Late again." : null,
        }),
      });
      const text = await response.text();
      const answered = performance.now();
      if (response.status !== 200 || !text.includes('"created"')) {
        throw new Error(`POST /s/{token} answered ${response.status}: ${text.slice(0, 200)}`);
      }
      // An alert accepted before the client read the 200 (possible only in theory) counts as 0 ms.
      return Math.max(0, (await alerted) - answered);
    };

    let next = 0;
    const closedLoop = async (clients: number, answers: number) => {
      const first = next;
      next += answers;
      const latencies: number[] = [];
      let errors = 0;
      let firstError: string | null = null;
      let index = first;
      const client = async () => {
        while (index < first + answers) {
          const i = index++;
          // A random point of the loop's cycle, as a customer's click would be; the same pauses in
          // both runs, so that only the loop's period differs between measured and reference.
          await sleep(Math.random() * NPM_START_PERIOD_MS);
          try {
            latencies.push(await answerAndWait(i));
          } catch (error) {
            errors++;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(clients, answers) }, client));
      return { latencies, errors, firstError };
    };

    const warm = await closedLoop(WARMUP, WARMUP);
    if (warm.latencies.length === 0) throw new Error(`no warm-up answer was alerted: ${warm.firstError}`);
    progress(`item 6: events loop every ${num(periodMs)} ms: ${total} invitations sent, warmed up`);
    const results: AlertLatency[] = [];
    for (const { clients, answers } of levels) {
      const { latencies, errors, firstError } = await closedLoop(clients, answers);
      const result: AlertLatency = {
        answers: latencies.length,
        errors,
        firstError,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.length > 0 ? Math.max(...latencies) : Number.NaN,
      };
      results.push(result);
      progress(
        `item 6: events loop every ${num(periodMs)} ms, ${answers} answers by ${clients}: p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms${errors > 0 ? `; ${errors} failed: ${firstError}` : ""}`,
      );
    }
    return results;
  } finally {
    // aws-ses-v2-local keeps one store per process, shared with the bench's own emulator: item 6 runs
    // first and clears what it sent, so item 3's count of the emails held is item 3's own.
    await fetch(`${runtime.sesUrl}/clear-store`, { method: "POST" }).catch(() => undefined);
    await runtime.stop();
  }
}

const at = <T>(list: readonly T[], i: number): T => {
  const item = list[i];
  if (item === undefined) throw new Error(`no level ${i}`);
  return item;
};
