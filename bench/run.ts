// `npm run bench`: the benchmark suite against the local runtime (see bench/README.md).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { type AlertResult, runAlertBench } from "./alert-bench";
import { AWS_PRICES, PRICES_AS_OF, PRICES_REGION } from "./aws-prices";
import { type ColdStartRow, runColdStartBench } from "./cold-start-bench";
import { type CostLine, costModel, dynamoPerStep, type StepCost } from "./cost-model";
import { type DeliveryResult, runDeliveryBench } from "./delivery-bench";
import { type FirstViewResult, runFirstViewBench } from "./first-view-bench";
import { type IngestionResult, runIngestionBench } from "./ingestion-bench";
import { type LocalStack, startLocalStack } from "./local-stack";
import { type BenchOptions, parseOptions, USAGE, UsageError } from "./options";
import { type ResultsResult, runResultsBench } from "./results-bench";
import { num, type Row, ratio, renderTable, usd } from "./table";
import { UsageMeter } from "./usage-meter";
import { runWebhookBench, type WebhookResult } from "./webhook-bench";

type Machine = {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  java: string;
  loadAtStart: number[];
  loadAtEnd: number[];
};

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const progress = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);
/** Set on Ctrl-C: the work in flight then fails as the servers stop, and that is no error to show. */
let interrupted = false;

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  // Lambda runs Node 22: the SDK's notice about Node 20 on this machine would only add noise; and one
  // JSON log line per email is for CloudWatch, not for a benchmark's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.env.LOG_LEVEL ??= "warn";
  process.env.METRICS_DISABLED ??= "true";

  const machine: Machine = {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    java: javaVersion(),
    loadAtStart: loadavg(),
    loadAtEnd: [],
  };
  const command = commandLine();
  progress(`${command}: ${options.quick ? "quick sizes" : "full sizes"}`);

  // Item 4 first, before DynamoDB Local runs: child processes time best on an idle machine.
  progress("item 4: bundling each handler and its SDK-only floor, timing module initialization…");
  const coldStart = await runColdStartBench(options.coldStartRuns);

  const meter = new UsageMeter();
  progress("starting DynamoDB Local (in memory), the SES emulator and the API…");
  const stack: LocalStack = await startLocalStack(meter);
  // Stopped also on Ctrl-C or a kill, so no DynamoDB Local is left running.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      progress(`${signal}: stopping`);
      void stack.stop().finally(() => process.exit(130));
    });
  }
  let delivery: DeliveryResult;
  let ingestion: IngestionResult;
  let results: ResultsResult;
  let firstView: FirstViewResult;
  let alerts: AlertResult;
  let webhooks: WebhookResult;
  let sentCount: number;
  try {
    // Item 6 first, while DynamoDB Local holds nothing else: in a run where it came after item 3, on a
    // busy machine, DynamoDB Local timed out waiting for locks while item 6 posted its purchases.
    progress("item 6: answers to their alert emails, events loop at npm start's period and at its fastest…");
    alerts = await runAlertBench(stack.dynamoEndpoint, options.alerts, progress);

    progress(`item 3: posting ${num(options.invitations)} purchases, then dispatching and sending them…`);
    const deliveryRun = await runDeliveryBench(stack, meter, options);
    delivery = deliveryRun.result;
    sentCount = deliveryRun.sent.length;
    progress(
      `item 3: dispatched ${num(delivery.dispatch.dispatched)} in ${delivery.dispatch.seconds.toFixed(1)} s, sent ${num(delivery.send.emails)} in ${delivery.send.seconds.toFixed(1)} s`,
    );

    progress("item 1: answers through HTTP and as raw transactions at 1, 16 and 64 clients…");
    ingestion = await runIngestionBench(stack, meter, deliveryRun.sent, {
      levels: options.ingestion,
      pageViews: options.pageViews,
    });

    const [linked] = deliveryRun.sent;
    if (!linked) throw new Error("item 3 sent no invitation to open");
    progress("item 4: a cold survey function serving its first page, against the floor…");
    firstView = await runFirstViewBench(
      { dynamoEndpoint: stack.dynamoEndpoint, tableName: stack.tableName, token: linked.token },
      options.coldStartRuns,
    );

    progress("item 7: webhook deliveries to a loopback receiver (first attempts, retries) and plain POSTs…");
    webhooks = await runWebhookBench(stack, meter, options.webhooks);

    progress(`item 2: storing ${num(options.smallAnswers)} + ${num(options.answers)} answers…`);
    results = await runResultsBench(
      stack,
      meter,
      { small: options.smallAnswers, large: options.answers, calls: options.resultsCalls },
      progress,
    );
  } finally {
    await stack.stop();
  }

  const cost = costModel(meter, {
    singlePurchases: delivery.purchaseSingle.purchases,
    batchedPurchases: delivery.purchaseBatched.purchases,
    sent: sentCount,
    pageViews: ingestion.pageViews.operations - ingestion.pageViews.errors,
    httpAnswers: ingestion.levels.reduce((n, l) => n + l.http.operations - l.http.errors, 0),
    rawAnswers: ingestion.levels.reduce((n, l) => n + l.raw.operations - l.raw.errors, 0),
    resultsCalls: options.resultsCalls,
  });
  const steps = dynamoPerStep(meter, [
    { phase: "purchase-single", step: "survey: POST one purchase", per: delivery.purchaseSingle.purchases },
    { phase: "dispatch", step: "survey: dispatch (claim)", per: sentCount },
    { phase: "send", step: "survey: send", per: sentCount },
    { phase: "survey-page", step: "answer: GET survey page", per: ingestion.pageViews.operations },
    {
      phase: "answer-http",
      step: "answer: POST answer",
      per: ingestion.levels.reduce((n, l) => n + l.http.operations, 0),
    },
    { phase: "results-large", step: "results call", per: options.resultsCalls },
    { phase: "webhook-fan-out", step: "webhook: first attempt", per: webhooks.fanOut.measured.deliveries },
    { phase: "webhook-due", step: "webhook: retry (due)", per: webhooks.due.measured.deliveries },
  ]);
  machine.loadAtEnd = loadavg();
  const seconds = (performance.now() - started) / 1000;

  console.log(
    report({
      machine,
      command,
      options,
      delivery,
      ingestion,
      results,
      coldStart,
      firstView,
      alerts,
      webhooks,
      cost,
      steps,
      seconds,
    }),
  );
  if (options.jsonFile) {
    const phases = Object.fromEntries(meter.phases);
    writeFileSync(
      options.jsonFile,
      `${JSON.stringify(
        {
          command,
          machine,
          options,
          seconds,
          ingestion,
          results,
          delivery,
          coldStart,
          firstView,
          alerts,
          webhooks,
          cost,
          steps,
          phases,
          prices: { asOf: PRICES_AS_OF, region: PRICES_REGION, ...AWS_PRICES },
        },
        null,
        2,
      )}\n`,
    );
    progress(`raw results written to ${options.jsonFile}`);
  }
  return 0;
}

function report(r: {
  machine: Machine;
  command: string;
  options: BenchOptions;
  delivery: DeliveryResult;
  ingestion: IngestionResult;
  results: ResultsResult;
  firstView: FirstViewResult;
  coldStart: ColdStartRow[];
  alerts: AlertResult;
  webhooks: WebhookResult;
  cost: CostLine[];
  steps: StepCost[];
  seconds: number;
}): string {
  const { machine, delivery, ingestion, results, coldStart, firstView, alerts, webhooks, cost, steps } = r;
  const rows: Row[] = [];
  const push = (item: string, figure: string, measured: number, reference: number, digits = 0) =>
    rows.push({
      item,
      figure,
      measured: num(measured, digits),
      reference: num(reference, digits),
      ratio: ratio(measured, reference),
    });

  for (const { clients, http, raw } of ingestion.levels) {
    const who = `${clients} client${clients === 1 ? "" : "s"}`;
    const errors = http.errors + raw.errors > 0 ? ` (errors: HTTP ${http.errors}, raw ${raw.errors})` : "";
    push("1", `answers/s, ${who}${errors}`, http.perSecond, raw.perSecond, 1);
    push("1", `  p50 latency ms, ${who}`, http.p50Ms, raw.p50Ms, 1);
    push("1", `  p99 latency ms, ${who}`, http.p99Ms, raw.p99Ms, 1);
  }
  for (const { clients, http, readAndWrite } of ingestion.levels) {
    const who = `${clients} client${clients === 1 ? "" : "s"}`;
    push("1", `vs one read + the transaction: answers/s, ${who}`, http.perSecond, readAndWrite.perSecond, 1);
    push("1", `  p99 latency ms, ${who}`, http.p99Ms, readAndWrite.p99Ms, 1);
  }

  const { small, large } = results;
  push("2", "read units per results call (whole call)", large.readUnitsPerCall, small.readUnitsPerCall, 1);
  push(
    "2",
    "  of which the aggregate queries",
    large.aggregateReadUnitsPerCall,
    small.aggregateReadUnitsPerCall,
    1,
  );
  push("2", "  items read per results call", large.itemsReadPerCall, small.itemsReadPerCall, 0);
  push("2", "  p50 latency ms", large.p50Ms, small.p50Ms, 1);
  push("2", "  p99 latency ms", large.p99Ms, small.p99Ms, 1);
  const plain = results.withoutDrivers;
  push("2", "with drivers: read units per call", large.readUnitsPerCall, plain.readUnitsPerCall, 1);
  push("2", "  items read per call", large.itemsReadPerCall, plain.itemsReadPerCall, 1);
  push("2", "  p50 latency ms", large.p50Ms, plain.p50Ms, 1);
  push("2", "  p99 latency ms", large.p99Ms, plain.p99Ms, 1);

  push("3", "invitations dispatched/s", delivery.dispatch.perSecond, delivery.dispatchReferencePerSecond, 1);
  push(
    "3",
    `emails sent/s to the SES emulator`,
    delivery.send.perSecond,
    delivery.sendReference.perSecond,
    1,
  );
  push("3", "  ms per email per sender", delivery.send.msPerEmail, delivery.sendReference.msPerEmail, 1);

  for (const row of coldStart) {
    push("4", `${row.handler} minified KB`, row.bytes / 1024, row.floorBytes / 1024, 1);
    push("4", `  module init ms, wall (median of ${row.runs})`, row.initMs, row.floorInitMs, 1);
    push("4", `  module init ms, CPU (median of ${row.runs})`, row.initCpuMs, row.floorInitCpuMs, 1);
    const libraries = Object.entries(row.composition.libraryBytes).sort(([, a], [, b]) => b - a);
    push(
      "4",
      `  of which ${libraries.map(([name]) => name).join(", ") || "libraries beyond the SDK"} KB`,
      libraries.reduce((sum, [, bytes]) => sum + bytes, 0) / 1024,
      row.floorBytes / 1024,
      1,
    );
    push("4", "  of which open-nps code KB", row.composition.ownBytes / 1024, row.floorBytes / 1024, 1);
  }
  push(
    "4",
    `survey: first page of a cold process, ms (median of ${firstView.runs})`,
    firstView.ms,
    firstView.floorMs,
    1,
  );

  for (const line of cost) {
    rows.push({
      item: "5",
      figure: `$ ${line.label}`,
      measured: usd(line.dollars),
      reference: usd(line.reference.dollars),
      ratio: ratio(line.dollars, line.reference.dollars),
    });
  }

  for (const { clients, polled, floor } of alerts.levels) {
    const who = `${clients} client${clients === 1 ? "" : "s"}`;
    const failed = polled.errors + floor.errors;
    const errors = failed > 0 ? ` (errors: polled ${polled.errors}, floor ${floor.errors})` : "";
    push("6", `alert email ms after the answer, p50, ${who}${errors}`, polled.p50Ms, floor.p50Ms, 1);
    push("6", `  p99, ${who}`, polled.p99Ms, floor.p99Ms, 1);
    push("6", `  p99 vs the events loop's period, ${who}`, polled.p99Ms, alerts.periodMs, 1);
  }
  const { fanOut, due } = webhooks;
  push(
    "7",
    "webhook deliveries/s, first attempts (fan-out)",
    fanOut.measured.perSecond,
    fanOut.floor.perSecond,
    1,
  );
  push("7", "webhook deliveries/s, retries (due index)", due.measured.perSecond, due.floor.perSecond, 1);

  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  const out: string[] = [];
  out.push(
    "open-nps benchmark: the local runtime (DynamoDB Local, SES emulator, the Hono apps) on this machine",
  );
  out.push(`command:  ${r.command}`);
  out.push(
    `machine:  ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, ${machine.java}`,
  );
  out.push(
    `load:     ${load(machine.loadAtStart)} at start, ${load(machine.loadAtEnd)} at the end (1/5/15-min averages; above ${machine.cores} means other work shared the CPUs)`,
  );
  out.push(`run time: ${r.seconds.toFixed(0)} s`);
  out.push("");
  out.push(
    renderTable(
      ["#", "figure", "measured", "reference", "ratio"],
      rows.map((x) => [x.item, x.figure, x.measured, x.reference, x.ratio]),
    ),
  );
  out.push("");
  out.push("What each reference is:");
  out.push(
    `  1  measured: first answers POSTed as JSON to /s/{token} through the survey app over HTTP (${ingestion.levels.map((l) => `${num(l.http.operations)} at ${l.clients}`).join(", ")}), client in the same process;`,
    "     each level in 5 rounds (fewer in --quick: each round gives every client an answer) in which the measured path and both references take turns (order rotating), latencies pooled per path;",
    "     before each run, every client opens its connection untimed (a page view over HTTP, a link read raw);",
    "     reference: the TransactWriteItems ResponseStore.record builds (answerTransaction: response put + invitation update + 2 aggregate ADDs), sent straight to DynamoDB Local through sendTransaction at the same concurrency: the floor.",
    '     "vs one read + the transaction": reference the link\'s one Query (SurveyLinkStore.read) and then that transaction, raw: what no answer can skip.',
    `  2  measured: the campaign with ${num(large.answers)} answers; reference: the campaign with ${num(small.answers)}, same 7 days × 4 regions; ${large.calls} calls each, alternating (${results.query}).`,
    `     Both ask 3 attributes, rated in every answer, so each call also computes drivers; "with drivers" rows: reference the same ${num(plain.answers)} answers in a campaign with 1 attribute (no drivers, no driver sums).`,
    `  3  ${num(delivery.invitations)} due invitations. Dispatch reference: DEFAULT_DISPATCH.maxPerRun (2,000) per one-minute schedule. Send: ${delivery.send.senders} concurrent senders (the default sendConcurrency),`,
    "     SQS batches of 10; reference: sendConcurrency ÷ 0.2 s per send, the model of lib/delivery.ts.",
    "  4  each functions/handlers/*.ts bundled like lib/constructs/lambda-function.ts; reference: a bundle that only imports and constructs the SDK clients that handler's bundle holds:",
    ...coldStart.map((c) => `       ${c.handler.padEnd(15)} ${c.clients.join(", ")}`),
    "     \"of which\" rows: the bytes of the npm packages the floor does not hold, and of open-nps's own code, as esbuild's metafile counts them in the output;",
    "     their ratios are shares of the floor's size (the rest of the difference is SDK code the floor does not reach, such as the commands sent).",
    `     survey first page: a fresh node process imports the survey bundle and serves GET /s/{token}?score=9 (a sent invitation, ${num(firstView.pageBytes)} bytes of page)`,
    "     through the Lambda adapter against DynamoDB Local, timed from spawn to answer; reference: a bundle that only makes the same Query and answers one line.",
    "  5  from counted requests × list prices (below); reference: see the breakdown.",
    `  6  measured: detractors' answers POSTed to /s/{token} (${alerts.levels.map((l) => `${num(l.polled.answers)} by ${l.clients} client${l.clients === 1 ? "" : "s"}`).join(", ")}; each client answers, waits for its alert,`,
    `     pauses 0–${num(alerts.periodMs)} ms at random, answers again), timed from the HTTP 200 to the SES emulator accepting the owner's alert, with the`,
    `     events loop reading the stream every ${num(alerts.periodMs)} ms (npm start's period); reference: the same every ${alerts.floorPeriodMs} ms, about the handler's own time;`,
    `     "vs the events loop's period": reference ${num(alerts.periodMs)} ms. On AWS, Lambda's event source polls the stream instead (goal: p99 ≤ 60 s).`,
    `  7  ${webhooks.subscriptions} subscriptions to response.created on a loopback receiver answering 200 at once. First attempts: ${num(fanOut.events)} events through fanOutWebhookEvent,`,
    `     one after another, each to every subscription at once; retries: ${num(due.measured.deliveries)} deliveries whose first attempt got a 500, through deliverDueWebhooks`,
    `     (${due.maxPerRun} per run, ${due.concurrency} at a time); reference: as many signed POSTs of the same bodies through node:http at the same concurrency, nothing stored.`,
  );
  out.push("");
  out.push(
    `Cost model per 1,000 (item 5): counted units × AWS list prices, ${PRICES_REGION}, on-demand, as of ${PRICES_AS_OF} (bench/aws-prices.ts)`,
  );
  const breakdown = cost.flatMap((line) =>
    [
      { name: line.label, basis: line.basis, units: line.units, dollars: line.dollars },
      {
        name: `  reference: ${line.reference.label}`,
        basis: "",
        units: line.reference.units,
        dollars: line.reference.dollars,
      },
    ].map((x) => [
      x.name,
      num(x.units.writeUnits, 0),
      num(x.units.readUnits, 0),
      num(x.units.lambdaInvocations, 0),
      num(x.units.lambdaGbSeconds, 1),
      num(x.units.apiRequests, 0),
      num(x.units.sqsRequests, 0),
      num(x.units.sesMessages, 0),
      usd(x.dollars),
    ]),
  );
  out.push(
    renderTable(
      ["per 1,000", "DDB WRU", "DDB RRU", "Lambda inv.", "GB-s", "API req.", "SQS req.", "SES", "dollars"],
      breakdown,
      1,
    ),
  );
  out.push(
    "  WRU/RRU: as DynamoDB Local reports them (ReturnConsumedCapacity TOTAL), refused conditional writes counted as 1 WRU;",
    "  GB-s: invocation time in this process × 1 GB (a proxy: no network to DynamoDB here); SQS receive/delete modelled per batch;",
    "  fixed monthly costs (the per-minute dispatch schedule, SQS idle polling, storage, PITR) are not per 1,000 and are left out.",
  );
  out.push("Where the DynamoDB units go, per survey / answer / call:");
  for (const step of steps) {
    const calls = Object.entries(step.calls)
      .map(([op, n]) => `${op} ${num(n, Number.isInteger(n) ? 0 : 2)}`)
      .join(", ");
    out.push(
      `  ${step.step.padEnd(26)} ${num(step.writeUnits, 1).padStart(5)} WRU ${num(step.readUnits, 1).padStart(5)} RRU  (${calls})`,
    );
  }
  out.push("");
  out.push("Setup (not benchmark figures):");
  out.push(
    `  purchases: ${num(delivery.purchaseSingle.purchases)} one per request in ${delivery.purchaseSingle.seconds.toFixed(1)} s, ${num(delivery.purchaseBatched.purchases)} in batches of 500 in ${delivery.purchaseBatched.seconds.toFixed(1)} s`,
    `  results: ${num(small.answers)} answers stored in ${small.loadSeconds.toFixed(1)} s, ${num(large.answers)} in ${large.loadSeconds.toFixed(1)} s (parallel BatchWrite + ResultsStore.add)`,
    `  delivery: dispatch runs: ${delivery.dispatch.runs}; the SES emulator holds ${num(delivery.send.sesStore)} emails; dead letters: ${delivery.send.deadLetters}`,
    `  webhooks: ${num(due.measured.deliveries)} retries attempted in ${due.runs} runs of the tick's code; first attempts ${fanOut.measured.seconds.toFixed(1)} s, retries ${due.measured.seconds.toFixed(1)} s`,
    `  survey page views (cost model): ${num(ingestion.pageViews.operations)}, p50 ${num(ingestion.pageViews.p50Ms, 1)} ms`,
  );
  out.push("");
  out.push(
    "Timings come from one shared machine: DynamoDB Local, the SES emulator, the server and the load generator share its cores with",
    "whatever else runs (see load above), so they vary from run to run; counts (units, requests, sizes) do not.",
  );
  return out.join("\n");
}

function javaVersion(): string {
  const probe = spawnSync("java", ["-version"], { encoding: "utf8" });
  const line = `${probe.stderr ?? ""}${probe.stdout ?? ""}`.split("\n")[0]?.trim();
  return line ? line.replace(/^openjdk version/, "OpenJDK") : "java not found";
}

function commandLine(): string {
  const args = process.argv.slice(2).join(" ");
  if (process.env.npm_lifecycle_event === "bench") return `npm run bench${args ? ` -- ${args}` : ""}`;
  return `tsx bench/run.ts${args ? ` ${args}` : ""}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (interrupted) return;
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
