import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import {
  WEBHOOK_RETRY_DELAYS_MS,
  type WebhookEvent,
  webhookBodyOf,
  webhookHeaders,
} from "../functions/domain/webhook";
import { DEFAULT_DELIVER_DUE, deliverDueWebhooks } from "../functions/use-cases/deliver-due-webhooks";
import { fanOutWebhookEvent } from "../functions/use-cases/fan-out-webhook-event";
import { HttpWebhookPoster } from "../functions/webhooks/http-webhook-poster";
import type { LocalStack } from "./local-stack";
import { runConcurrent } from "./stats";
import type { UsageMeter } from "./usage-meter";

/**
 * Item 7, webhook deliveries per second to a receiver on loopback (node:http, answering 200 at once),
 * with `subscriptions` subscriptions to `response.created`, through the product's two paths:
 * - first attempts: `fanOutWebhookEvent`, as the events function runs it for each new answer, one event
 *   after another (the handler takes a batch's records in order), each to every subscription at once;
 * - retries: `deliverDueWebhooks`, as the dispatcher's tick runs it, run after run, on deliveries whose
 *   first attempt failed (the receiver answered 500 while they were fanned out) and whose retry is due.
 * Each beside its floor, measured in the same run at the same concurrency: the same number of signed
 * POSTs of the same bodies to the same receiver through node:http, one fresh connection each as the
 * product's poster makes them, with nothing stored. The ratio is what the bookkeeping costs (the
 * delivery written, claimed, logged and moved in the work index).
 */
export type WebhookRun = {
  readonly deliveries: number;
  readonly seconds: number;
  readonly perSecond: number;
};
export type WebhookResult = {
  readonly subscriptions: number;
  readonly fanOut: { readonly events: number; readonly measured: WebhookRun; readonly floor: WebhookRun };
  readonly due: {
    readonly runs: number;
    readonly concurrency: number;
    readonly maxPerRun: number;
    readonly measured: WebhookRun;
    readonly floor: WebhookRun;
  };
};

/** Events fanned out before the timed runs (JIT, the receiver's first connections). */
const WARMUP_EVENTS = 2;

export async function runWebhookBench(
  stack: LocalStack,
  meter: UsageMeter,
  options: { subscriptions: number; events: number; dueEvents: number },
): Promise<WebhookResult> {
  const receiver = await startReceiver();
  try {
    const subscriptions: { url: string; secret: string }[] = [];
    for (let i = 0; i < options.subscriptions; i++) {
      const { secret } = await stack.api<{ secret: string }>(
        "POST",
        "/v1/webhooks",
        { url: `${receiver.url}/${i}`, events: ["response.created"] },
        201,
      );
      subscriptions.push({ url: `${receiver.url}/${i}`, secret });
    }
    // The local runtime's target policy: loopback over http is allowed here, refused on AWS.
    const poster = new HttpWebhookPoster({ allowHttp: true, allowPrivateTargets: true });
    const ports = { webhooks: stack.stores.webhooks, poster, clock: () => new Date() };
    const run = Math.random().toString(36).slice(2, 8);
    const eventOf = (phase: string, i: number): WebhookEvent => ({
      id: `evt_bench_${run}_${phase}_${i}`,
      type: "response.created",
      timestamp: new Date().toISOString(),
      // About the size of a real response.created body (toResponseItem of an answer with a comment).
      data: {
        campaignId: "cmp_benchmarkbenchmarkbe",
        id: `rsp_${run}${i}`,
        orderId: `order-${i}`,
        email: `customer-${i}@example.com`,
        name: `Customer ${i}`,
        locale: "en",
        properties: { region: "north", tier: "mid" },
        score: i % 11,
        csat: 1 + (i % 5),
        attributes: { delivery: 1 + (i % 3) },
        comment: "The parcel came a day late but the product is fine.",
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
    });
    const expectEvery = async (phase: string, events: number, delivered: (i: number) => Promise<number>) => {
      for (let i = 0; i < events; i++) {
        const n = await delivered(i);
        if (n !== options.subscriptions) {
          throw new Error(`${phase}: event ${i} reached ${n} of ${options.subscriptions} subscriptions`);
        }
      }
    };
    const fanOut = (phase: string) => async (i: number) =>
      (await fanOutWebhookEvent(ports, eventOf(phase, i))).delivered;
    /** The floor's one delivery: the same body, signed, POSTed plainly. */
    const plain = async (event: WebhookEvent, to: { url: string; secret: string }, deliveryId: string) => {
      const body = webhookBodyOf(event);
      const status = await plainPost(
        to.url,
        {
          "content-type": "application/json",
          ...webhookHeaders(to.secret, deliveryId, new Date(), body),
        },
        body,
      );
      if (status !== 200) throw new Error(`the receiver answered ${status}`);
    };
    const plainFanOut = (phase: string) => async (i: number) => {
      const event = eventOf(phase, i);
      await Promise.all(subscriptions.map((to, k) => plain(event, to, `msg_${run}${phase}${i}x${k}`)));
      return subscriptions.length;
    };

    // First attempts: the warm-up, then the product and the floor, one event after another.
    await expectEvery("warm-up", WARMUP_EVENTS, fanOut("warm"));
    await expectEvery("floor warm-up", WARMUP_EVENTS, plainFanOut("warm"));
    const fanOutDeliveries = options.events * options.subscriptions;
    const fanOutMeasured = await timed(fanOutDeliveries, () =>
      meter.measure("webhook-fan-out", () => expectEvery("fan-out", options.events, fanOut("fan"))),
    );
    const fanOutFloor = await timed(fanOutDeliveries, () =>
      expectEvery("floor", options.events, plainFanOut("fan")),
    );

    // Retries: deliveries whose first attempt was refused (a 500 schedules the next in 5 s)…
    receiver.status = 500;
    for (let i = 0; i < options.dueEvents; i++) await fanOutWebhookEvent(ports, eventOf("due", i));
    receiver.status = 200;
    // …attempted by the tick's code as if their retry delay had passed (no waiting out the clock).
    const later = () => new Date(Date.now() + (WEBHOOK_RETRY_DELAYS_MS[0] ?? 0) + 1_000);
    const dueDeliveries = options.dueEvents * options.subscriptions;
    const before = receiver.received;
    let runs = 0;
    const dueMeasured = await timed(dueDeliveries, () =>
      meter.measure("webhook-due", async () => {
        for (;;) {
          const attempted = await deliverDueWebhooks({ ...ports, clock: later }, DEFAULT_DELIVER_DUE);
          runs++;
          if (attempted < DEFAULT_DELIVER_DUE.maxPerRun) break;
        }
      }),
    );
    if (receiver.received - before !== dueDeliveries) {
      throw new Error(`retries: the receiver got ${receiver.received - before} of ${dueDeliveries}`);
    }
    // The floor at the tick's concurrency, without its batches of maxPerRun.
    const dueFloor = await timed(dueDeliveries, async () => {
      const result = await runConcurrent(DEFAULT_DELIVER_DUE.concurrency, dueDeliveries, async (i) => {
        const k = i % subscriptions.length;
        const to = subscriptions[k];
        if (!to) throw new Error(`no subscription ${k}`);
        await plain(eventOf("due", Math.floor(i / subscriptions.length)), to, `msg_${run}due${i}`);
      });
      if (result.errors > 0) throw new Error(`floor retries failed: ${result.firstError}`);
    });
    return {
      subscriptions: options.subscriptions,
      fanOut: { events: options.events, measured: fanOutMeasured, floor: fanOutFloor },
      due: {
        runs,
        concurrency: DEFAULT_DELIVER_DUE.concurrency,
        maxPerRun: DEFAULT_DELIVER_DUE.maxPerRun,
        measured: dueMeasured,
        floor: dueFloor,
      },
    };
  } finally {
    await receiver.close();
  }
}

async function timed(deliveries: number, run: () => Promise<unknown>): Promise<WebhookRun> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { deliveries, seconds, perSecond: deliveries / seconds };
}

/** A webhook receiver on 127.0.0.1: reads the body and answers `status` at once; counts what it got. */
async function startReceiver() {
  const state = { status: 200, received: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      state.received++;
      res.writeHead(state.status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** One POST through node:http with a fresh connection (as the product's poster), answer read in full. */
function plainPost(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
