/**
 * The AWS list prices the cost model (bench/cost-model.ts) turns counted requests into dollars with: the
 * one place they are written. Region us-east-1, on-demand / pay-per-request, free tiers ignored.
 *
 * These are list prices as of PRICES_AS_OF, the day this file was written, taken from the figures quoted
 * in the benchmark issue for the pages named in `source`. The benchmark machine has no network, so they
 * were not re-read from those pages on that day: check them there before quoting a dollar figure, and
 * change a price and PRICES_AS_OF together.
 */
export const PRICES_AS_OF = "2026-11-22";
export const PRICES_REGION = "us-east-1";

export type Price = {
  /** Dollars for one unit. */
  readonly usd: number;
  /** What one unit is. */
  readonly unit: string;
  /** The AWS pricing page (and the section of it) the figure comes from. */
  readonly source: string;
};

export const AWS_PRICES = {
  dynamoDbWriteRequestUnit: {
    usd: 0.625 / 1_000_000,
    unit: "DynamoDB write request unit (on-demand, Standard table class)",
    source:
      "Amazon DynamoDB pricing: On-Demand capacity, write request units ($0.625 per million since the November 2024 cut)",
  },
  dynamoDbReadRequestUnit: {
    usd: 0.125 / 1_000_000,
    unit: "DynamoDB read request unit (on-demand, Standard table class)",
    source:
      "Amazon DynamoDB pricing: On-Demand capacity, read request units ($0.125 per million since the November 2024 cut)",
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    unit: "Lambda invocation",
    source: "AWS Lambda pricing: requests ($0.20 per million)",
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: "Lambda GB-second on arm64",
    source: "AWS Lambda pricing: duration, Arm price ($0.0000133334 per GB-second, first tier)",
  },
  sesEmail: {
    usd: 0.1 / 1_000,
    unit: "SES outbound email",
    source: "Amazon SES pricing: outbound email ($0.10 per 1,000 emails)",
  },
  httpApiRequest: {
    usd: 1.0 / 1_000_000,
    unit: "API Gateway HTTP API request (up to 512 KB)",
    source: "Amazon API Gateway pricing: HTTP APIs ($1.00 per million requests, first 300 million)",
  },
  sqsRequest: {
    usd: 0.4 / 1_000_000,
    unit: "SQS standard queue request (64 KB chunk)",
    source: "Amazon SQS pricing: standard queue requests ($0.40 per million)",
  },
} as const satisfies Record<string, Price>;
