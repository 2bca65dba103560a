// Close the loop: the table's stream feeds the events function (alerts, cases, webhook deliveries).
import { Duration } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { FilterCriteria, FilterRule, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { tableDefinition } from "../functions/store/table-definition";
import { bindTable, LambdaFunction } from "./constructs/lambda-function";
import type { IMailSending } from "./mail";
import { FUNCTION_TABLE_ACCESS } from "./table-access";

/**
 * The items the events function reacts to, by key: what `changedItemKind` in functions/store/keys.ts
 * calls a response, a suppression and a case (the tests hold the two together; lib/ may not import the
 * key builders). Every other change of the table (counters, invitations, the function's own timeline
 * entries and deliveries) is dropped by the event source's filter before it costs an invocation.
 */
export const REACTED_TO_ITEMS = [
  { kind: "response", partitionPrefix: "INVITATION#", sortKey: "RESPONSE" },
  { kind: "suppression", partitionPrefix: "EMAIL#", sortKey: "SUPPRESSION" },
  { kind: "case", partitionPrefix: "CASE#", sortKey: "CASE" },
] as const;

/** A new or changed item; a removal (an erasure, a TTL expiry) announces nothing. */
export const REACTED_TO_EVENTS = ["INSERT", "MODIFY"] as const;

/**
 * The event source's settings, in one place so that the tests and the README agree with the stack.
 *
 * - Batches of up to 100 records, without a batching window: an alert should leave within seconds.
 * - One batch per shard at a time (parallelization factor 1): a second answer to the same invitation,
 *   or a case's next change, is handled after the one before it, never beside it.
 * - A failed batch is split in two (bisect) and retried from the first failed record (the handler
 *   reports its sequence number), up to 10 times and for at most a day (the stream keeps records 24
 *   hours); then the batch's description goes to the failure queue and the shard moves on.
 */
export const STREAM_SETTINGS = {
  batchSize: 100,
  parallelizationFactor: 1,
  retryAttempts: 10,
  maxRecordAge: Duration.days(1),
} as const;

export interface TableEventsProps {
  /**
   * The table, with its stream on (`DataStore` turns it on from tableDefinition). The function is
   * granted the stream and only its entry of FUNCTION_TABLE_ACCESS (table-access.ts) on the items.
   */
  readonly table: ITable;

  /** The SES sender alert emails go out as: From address, configuration set and send permission. */
  readonly mail: IMailSending;

  /**
   * Origin of the links in alert emails (to the case in the console), without a trailing slash: the
   * HTTP API's URL, or the client's custom domain.
   */
  readonly publicBaseUrl: string;

  /**
   * Maximum run time of one batch: up to 100 records, each of which may send alert emails and post
   * webhooks in turn. A batch that runs out of time is retried like a failed one.
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;

  /**
   * How long the events function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The table's stream is the outbox (DESIGN.md, "Events"): the events function reads it in order per
 * item, at least once, and turns new and edited answers, suppressions and case changes into cases,
 * alerts (SES) and webhook deliveries, idempotently. Records it still fails on after its retries are
 * described in a failure queue (SQS-managed encryption, plain HTTP refused, kept 14 days), which
 * `Monitoring` alarms on, with the stream's iterator age.
 */
export class TableEvents extends Construct {
  /** Reacts to the table's changes. */
  public readonly eventsFunction: LambdaFunction;
  /**
   * The event source's on-failure destination: one message per batch given up on, naming its shard and
   * sequence numbers (not the records themselves).
   */
  public readonly failureQueue: Queue;
  /** The stream → function mapping. */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: TableEventsProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) {
      throw new Error("TableEvents: the table has no stream (tableDefinition.streamViewType).");
    }

    this.failureQueue = new Queue(this, "FailureQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to find the cause and replay what the failed batches name.
      retentionPeriod: Duration.days(14),
      // Marks it as a dead-letter queue, which needs none of its own (allowAll is also SQS's default).
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });

    this.eventsFunction = new LambdaFunction(this, "EventsFunction", {
      handlerFile: "events.ts",
      description: "Turns answers, suppressions and case changes into cases, alerts and webhooks",
      timeout: props.timeout ?? Duration.minutes(2),
      environment: {
        PUBLIC_BASE_URL: props.publicBaseUrl,
        SENDER_ADDRESS: props.mail.senderAddress,
        CONFIGURATION_SET_NAME: props.mail.configurationSetName,
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    bindTable(this.eventsFunction, props.table, FUNCTION_TABLE_ACCESS.events);
    // Alert emails go out as the survey sender, with its configuration set (bounces are recorded).
    props.mail.grantSend(this.eventsFunction);

    this.eventSource = new DynamoEventSource(props.table, {
      // From the oldest record the stream still holds: an answer given while the mapping was being
      // created (the first deployment) or disabled still raises its alert.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_SETTINGS.batchSize,
      parallelizationFactor: STREAM_SETTINGS.parallelizationFactor,
      bisectBatchOnError: true,
      // The handler returns batchItemFailures: the sequence number of the first record it failed on.
      reportBatchItemFailures: true,
      retryAttempts: STREAM_SETTINGS.retryAttempts,
      maxRecordAge: STREAM_SETTINGS.maxRecordAge,
      onFailure: new SqsDlq(this.failureQueue),
      filters: streamFilters(),
    });
    // Also grants the stream reads (DescribeStream, GetRecords, GetShardIterator on the stream's ARN,
    // ListStreams) and sqs:SendMessage on the failure queue.
    this.eventsFunction.addEventSource(this.eventSource);
  }
}

/**
 * One filter per kind of item in REACTED_TO_ITEMS (Lambda passes a record matching any of them): on
 * the record's keys, which every INSERT and MODIFY record carries whatever its images hold.
 */
export function streamFilters(): Record<string, unknown>[] {
  return REACTED_TO_ITEMS.map(({ partitionPrefix, sortKey }) =>
    FilterCriteria.filter({
      eventName: FilterRule.or(...REACTED_TO_EVENTS),
      dynamodb: {
        Keys: {
          [tableDefinition.partitionKey]: { S: FilterRule.beginsWith(partitionPrefix) },
          [tableDefinition.sortKey]: { S: FilterRule.isEqual(sortKey) },
        },
      },
    }),
  );
}
