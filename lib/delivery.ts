// Delivery: every minute the dispatcher queues the due invitations; the sender mails them through SES.
import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaFunctionTarget } from "aws-cdk-lib/aws-events-targets";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { bindTable, LambdaFunction } from "./constructs/lambda-function";
import type { IMailSending } from "./mail";
import { FUNCTION_TABLE_ACCESS } from "./table-access";

/**
 * AWS recommends a queue visibility timeout of at least six times the timeout of the function it feeds
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html): a message whose batch is
 * still being retried after throttling must not become visible, and be taken again, meanwhile.
 */
const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Messages per invocation: SQS's maximum for a batch without a batching window. */
const SEND_BATCH_SIZE = 10;

export interface DeliveryProps {
  /**
   * The table holding invitations; each function is granted only its entry of FUNCTION_TABLE_ACCESS
   * (table-access.ts).
   */
  readonly table: ITable;

  /** The SES sender: From address, configuration set and send permission (a `Mail`). */
  readonly mail: IMailSending;

  /**
   * Origin of the links in survey emails, without a trailing slash: the HTTP API's URL, or the client's
   * custom domain.
   */
  readonly publicBaseUrl: string;

  /** Where the "dead-letter queue not empty" alarm notifies. */
  readonly alarmTopic: ITopic;

  /**
   * How many send functions may run at once (the event source's maximum concurrency; Lambda accepts 2
   * to 1000). This is what keeps sending within the SES send-rate quota: each running sender sends one
   * message at a time, so the send rate is about `sendConcurrency / latency of one send` — roughly
   * 2 / 0.2 s = 10 emails a second at the default. Raise it together with the account's SES quota; a
   * short burst above the quota is absorbed by the sender's throttling retries.
   * @default 2
   */
  readonly sendConcurrency?: number;

  /**
   * Receives of one message before it is moved to the dead-letter queue: the sender's retries of a
   * transient fault (SES throttling, a table conflict) before it is treated as poison.
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Maximum run time of one send invocation (a batch of up to 10 messages, sent one by one with
   * throttling retries). The queue's visibility timeout is six times this.
   * @default Duration.seconds(60)
   */
  readonly sendTimeout?: Duration;

  /**
   * How long the dispatch and send functions' logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The delivery pipeline: an EventBridge rule runs the dispatch function every minute; it claims the due
 * invitations and puts one message per invitation on the send queue; the send function takes them in
 * batches and mails each through SES, reporting failures one message at a time so that only those are
 * retried. A message that keeps failing goes to the dead-letter queue, and an alarm says so. Both
 * queues use SQS-managed encryption (no key to manage or pay for) and refuse plain HTTP.
 */
export class Delivery extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  /** Finds due invitations, claims them and queues them. */
  public readonly dispatchFunction: LambdaFunction;
  /** Renders and sends the queued invitations. */
  public readonly sendFunction: LambdaFunction;
  /** Runs the dispatch function every minute. */
  public readonly schedule: Rule;
  /** Fires when a message lands in the dead-letter queue. */
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const sendTimeout = props.sendTimeout ?? Duration.seconds(60);

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to look at a poison message, fix the cause and redrive it.
      retentionPeriod: Duration.days(14),
      // Marks it as a dead-letter queue (allowAll is also SQS's default). byQueue naming the send queue
      // would make the two queues refer to each other, a cycle CloudFormation cannot create.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });
    this.queue = new Queue(this, "SendQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(sendTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.dispatchFunction = new LambdaFunction(this, "DispatchFunction", {
      handlerFile: "dispatch.ts",
      description: "Queues the invitations that are due (every minute)",
      // Under the one-minute schedule, so runs do not pile up; what one run leaves, the next one takes.
      timeout: Duration.seconds(50),
      environment: {
        QUEUE_URL: this.queue.queueUrl,
        // What the senders send in half a claim's 15-minute lease, at about 0.2 s per email each: the
        // dispatcher keeps no more than that queued, so a backlog waits in the due index, not in SQS.
        DISPATCH_QUEUE_BUDGET: String((props.sendConcurrency ?? 2) * 5 * 450),
        // The owners' daily case digests: sent through SES, with links to the console.
        PUBLIC_BASE_URL: props.publicBaseUrl,
        SENDER_ADDRESS: props.mail.senderAddress,
        CONFIGURATION_SET_NAME: props.mail.configurationSetName,
      },
      logRetention,
    });
    // Due invitations are found through gsi2's DUE#<shard> partitions; a claim is a conditional UpdateItem.
    bindTable(this.dispatchFunction, props.table, FUNCTION_TABLE_ACCESS.dispatch);
    this.queue.grantSendMessages(this.dispatchFunction);
    props.mail.grantSend(this.dispatchFunction);
    // Its depth, to claim no more than the senders can take.
    this.queue.grant(this.dispatchFunction, "sqs:GetQueueAttributes");
    // The next scheduled run is the retry: Lambda's own retries of a failed run would only overlap it.
    this.dispatchFunction.configureAsyncInvoke({ retryAttempts: 0 });
    this.schedule = new Rule(this, "DispatchSchedule", {
      description: "Runs the Open NPS dispatcher every minute",
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunctionTarget(this.dispatchFunction)],
    });

    this.sendFunction = new LambdaFunction(this, "SendFunction", {
      handlerFile: "send.ts",
      description: "Sends queued survey invitations through SES",
      timeout: sendTimeout,
      environment: {
        PUBLIC_BASE_URL: props.publicBaseUrl,
        SENDER_ADDRESS: props.mail.senderAddress,
        CONFIGURATION_SET_NAME: props.mail.configurationSetName,
      },
      logRetention,
    });
    // Marking an invitation sent also moves the contact's last survey and the campaign's "sent" counters.
    bindTable(this.sendFunction, props.table, FUNCTION_TABLE_ACCESS.send);
    props.mail.grantSend(this.sendFunction);
    this.sendFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: SEND_BATCH_SIZE,
        // The handler returns batchItemFailures: only the failed messages go back to the queue.
        reportBatchItemFailures: true,
        maxConcurrency: props.sendConcurrency ?? 2,
      }),
    );

    this.deadLetterAlarm = new Alarm(this, "DeadLetterAlarm", {
      alarmDescription:
        "Open NPS: a delivery message failed repeatedly and is in the dead-letter queue. See the send " +
        "function's logs for the error, fix the cause, then redrive the queue from the SQS console.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // An empty queue publishes nothing for a while; that is the healthy state, not a reason to alarm.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
