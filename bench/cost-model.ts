import { AWS_PRICES } from "./aws-prices";
import { emptyUsage, type FunctionName, type Usage, type UsageMeter } from "./usage-meter";

/**
 * Item 5, the cost model: the requests counted in the benchmark's phases (bench/usage-meter.ts), per
 * 1,000 of something, turned into dollars with the list prices of bench/aws-prices.ts.
 *
 * - DynamoDB units are what DynamoDB Local reported with ReturnConsumedCapacity TOTAL (it follows the
 *   on-demand rules: 1 write unit per KB, 2 in a transaction, the index's write for items in the GSI;
 *   0.5/1/2 read units per 4 KB for eventually/strongly consistent/transactional reads); a write
 *   refused by its condition is billed by AWS but reported without units, and is counted as 1 unit.
 * - Lambda: one invocation per HTTP request, per dispatch run and per SQS batch of the send function;
 *   GB-seconds are the invocations' run time in the benchmark process × 1 GB (the 1024 MB default of
 *   lib/constructs/lambda-function.ts), from work done one request at a time (the send function's two
 *   senders excepted): a proxy, as DynamoDB Local on loopback is not DynamoDB.
 * - SQS: SendMessageBatch calls counted (one per 10 messages); the send function's event source is
 *   modelled as one ReceiveMessage and one DeleteMessageBatch per batch. Its idle long polling and the
 *   dispatch schedule's fixed 43,200 runs a month do not depend on volume and are left out.
 * - API Gateway: one HTTP API request per HTTP request; SES: one message per email accepted.
 */
export type Units = {
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  apiRequests: number;
  sqsRequests: number;
  sesMessages: number;
};

export type CostLine = {
  readonly label: string;
  /** What one unit of "per 1,000" is made of. */
  readonly basis: string;
  readonly units: Units;
  readonly dollars: number;
  readonly reference: { readonly label: string; readonly units: Units; readonly dollars: number };
};

/** Lambda memory in GB: the 1024 MB default of lib/constructs/lambda-function.ts. */
const LAMBDA_GB = 1024 / 1024;

export function unitsOf(usage: Usage, per: number): Units {
  const fns = Object.keys(usage.invocations) as FunctionName[];
  const scale = per > 0 ? 1_000 / per : 0;
  return {
    writeUnits: (usage.writeUnits + usage.failedWrites) * scale,
    readUnits: usage.readUnits * scale,
    lambdaInvocations: fns.reduce((n, fn) => n + usage.invocations[fn], 0) * scale,
    lambdaGbSeconds: (fns.reduce((n, fn) => n + usage.invocationMs[fn], 0) / 1000) * LAMBDA_GB * scale,
    apiRequests: usage.apiRequests * scale,
    sqsRequests: usage.sqsRequests * scale,
    sesMessages: usage.sesMessages * scale,
  };
}

export function dollarsOf(units: Units): number {
  return (
    units.writeUnits * AWS_PRICES.dynamoDbWriteRequestUnit.usd +
    units.readUnits * AWS_PRICES.dynamoDbReadRequestUnit.usd +
    units.lambdaInvocations * AWS_PRICES.lambdaRequest.usd +
    units.lambdaGbSeconds * AWS_PRICES.lambdaArmGbSecond.usd +
    units.apiRequests * AWS_PRICES.httpApiRequest.usd +
    units.sqsRequests * AWS_PRICES.sqsRequest.usd +
    units.sesMessages * AWS_PRICES.sesEmail.usd
  );
}

const add = (a: Units, b: Units): Units => ({
  writeUnits: a.writeUnits + b.writeUnits,
  readUnits: a.readUnits + b.readUnits,
  lambdaInvocations: a.lambdaInvocations + b.lambdaInvocations,
  lambdaGbSeconds: a.lambdaGbSeconds + b.lambdaGbSeconds,
  apiRequests: a.apiRequests + b.apiRequests,
  sqsRequests: a.sqsRequests + b.sqsRequests,
  sesMessages: a.sesMessages + b.sesMessages,
});

const merge = (...usages: Usage[]): Usage => {
  const total = emptyUsage();
  for (const usage of usages) {
    total.readUnits += usage.readUnits;
    total.writeUnits += usage.writeUnits;
    total.itemsRead += usage.itemsRead;
    total.failedWrites += usage.failedWrites;
    total.apiRequests += usage.apiRequests;
    total.sqsRequests += usage.sqsRequests;
    total.sesMessages += usage.sesMessages;
    for (const fn of Object.keys(total.invocations) as FunctionName[]) {
      total.invocations[fn] += usage.invocations[fn];
      total.invocationMs[fn] += usage.invocationMs[fn];
    }
    for (const [operation, n] of Object.entries(usage.dynamoCalls)) {
      total.dynamoCalls[operation] = (total.dynamoCalls[operation] ?? 0) + n;
    }
  }
  return total;
};

const line = (
  label: string,
  basis: string,
  units: Units,
  reference: { label: string; units: Units },
): CostLine => ({
  label,
  basis,
  units,
  dollars: dollarsOf(units),
  reference: { ...reference, dollars: dollarsOf(reference.units) },
});

export function costModel(
  meter: UsageMeter,
  counts: {
    singlePurchases: number;
    batchedPurchases: number;
    sent: number;
    pageViews: number;
    httpAnswers: number;
    rawAnswers: number;
    resultsCalls: number;
  },
): CostLine[] {
  const delivery = unitsOf(merge(meter.usage("dispatch"), meter.usage("send")), counts.sent);
  const emailsOnly: Units = { ...unitsOf(emptyUsage(), 1), sesMessages: 1_000 };
  // Answers came in at 1, 16 and 64 clients; their run time under 16 and 64 includes waiting for the
  // one process and DynamoDB Local, which a Lambda instance serving one request would not: duration is
  // taken from the 1-client level.
  const posted = unitsOf(meter.usage("answer-http"), counts.httpAnswers);
  const sequential = meter.usage("answer-http-1");
  if (sequential.invocations.survey > 0) {
    const msEach = sequential.invocationMs.survey / sequential.invocations.survey;
    posted.lambdaGbSeconds = ((posted.lambdaInvocations * msEach) / 1000) * LAMBDA_GB;
  }
  const answer = add(unitsOf(meter.usage("survey-page"), counts.pageViews), posted);
  return [
    line(
      "per 1,000 surveys sent, purchases posted one per request",
      "POST purchases (1 each) + dispatch + send",
      add(unitsOf(meter.usage("purchase-single"), counts.singlePurchases), delivery),
      { label: "the 1,000 SES emails alone", units: emailsOnly },
    ),
    line(
      "per 1,000 surveys sent, purchases posted 500 per request",
      "POST purchases (500 each) + dispatch + send",
      add(unitsOf(meter.usage("purchase-batch"), counts.batchedPurchases), delivery),
      { label: "the 1,000 SES emails alone", units: emailsOnly },
    ),
    line("per 1,000 answers", "GET survey page + POST answer, through HTTP", answer, {
      label: "the answer transactions alone",
      units: unitsOf(meter.usage("answer-raw"), counts.rawAnswers),
    }),
    line(
      "per 1,000 results calls, large campaign",
      "GET /results (7 days, segment=region)",
      unitsOf(meter.usage("results-large"), counts.resultsCalls),
      {
        label: "the same calls on the small campaign",
        units: unitsOf(meter.usage("results-small"), counts.resultsCalls),
      },
    ),
  ];
}

/** DynamoDB work of one step of a survey's or an answer's path, per item: where the units go. */
export type StepCost = {
  readonly step: string;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Calls per item by operation, e.g. { GetItem: 2, TransactWriteItems: 1 }. */
  readonly calls: Record<string, number>;
};

export function dynamoPerStep(
  meter: UsageMeter,
  steps: readonly { phase: string; step: string; per: number }[],
) {
  return steps.map(({ phase, step, per }): StepCost => {
    const usage = meter.usage(phase);
    const each = (n: number) => (per > 0 ? n / per : 0);
    return {
      step,
      writeUnits: each(usage.writeUnits + usage.failedWrites),
      readUnits: each(usage.readUnits),
      calls: Object.fromEntries(Object.entries(usage.dynamoCalls).map(([op, n]) => [op, each(n)])),
    };
  });
}
