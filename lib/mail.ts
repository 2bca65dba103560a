// Email: the SES configuration set survey mail is sent with, and the path its events take back to the
// table (SES → SNS → mail-events function → suppression records).
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Metric, type MetricOptions } from "aws-cdk-lib/aws-cloudwatch";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import {
  AnyPrincipal,
  Effect,
  Grant,
  type IGrantable,
  PolicyStatement,
  ServicePrincipal,
} from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  CloudWatchDimensionSource,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
} from "aws-cdk-lib/aws-ses";
import { Topic } from "aws-cdk-lib/aws-sns";
import { LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { bindTable, LambdaFunction } from "./constructs/lambda-function";
import { FUNCTION_TABLE_ACCESS } from "./table-access";

/** The SES events the mail-events function is sent. */
export const MAIL_EVENTS: readonly EmailSendingEvent[] = [
  // Hard bounces and complaints suppress the address (functions/domain/mail-events.ts).
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  // Delivery and reject are recorded too: they tell an operator whether mail reaches anyone at all.
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.REJECT,
];

/**
 * The SES events counted in CloudWatch (AWS/SES `Send`, `Delivery`, `Bounce`, `Complaint`), per
 * configuration set, for the dashboard. The alarms use the reputation metrics instead (see
 * `metricBounceRate`).
 */
export const COUNTED_MAIL_EVENTS: readonly EmailSendingEvent[] = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
];

/**
 * The CloudWatch dimension SES metrics of one configuration set carry: SES's own auto-tag, present on
 * every email sent with a configuration set.
 */
export const CONFIGURATION_SET_DIMENSION = "ses:configuration-set";

/**
 * What a function needs to send survey email. `Mail` provides it; `Delivery` takes it, so the sender can
 * be given another implementation (e.g. an imported configuration set) without touching delivery.
 */
export interface IMailSending {
  /** The From address of survey emails. */
  readonly senderAddress: string;
  /** The configuration set every email is sent with; its events feed the suppression records. */
  readonly configurationSetName: string;
  /** Lets `grantee` call SES `SendEmail` as the sender, with the configuration set, and nothing else. */
  grantSend(grantee: IGrantable): Grant;
}

export interface MailProps {
  /** The table the mail-events function writes suppression records to (and may do nothing else with). */
  readonly table: ITable;

  /** The From address of survey emails, e.g. surveys@acme.com. */
  readonly senderAddress: string;

  /**
   * The domain verified in SES, when the client verified a whole domain rather than one address. The
   * send permission then names the domain identity (and the address, see `identityArns`).
   * @default - the sender address itself is the SES identity
   */
  readonly senderDomain?: string;

  /**
   * Create the SES domain identity for `senderDomain`, with Easy DKIM, in this stack. Off by default:
   * most clients verify their domain once, outside any stack (often before this product exists), and
   * an identity created here would fail to deploy next to theirs and would be removed with the stack,
   * taking the domain's verification and DKIM setup with it. When on, the DKIM CNAME records to publish
   * are on `domainIdentity.dkimRecords`; SES verifies the domain once they resolve.
   * @default false
   */
  readonly createDomainIdentity?: boolean;

  /**
   * How long the mail-events function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The SES side of the product: a configuration set (reputation metrics on, TLS required) whose bounce,
 * complaint, delivery and reject events go to an SNS topic, and the mail-events function subscribed to
 * it, which turns bounces and complaints into suppression records. Its send, delivery, bounce and
 * complaint events are also counted in CloudWatch (`metricEvents`), next to the reputation rates SES
 * publishes for it (`metricBounceRate`, `metricComplaintRate`). It does not verify the sender: SES
 * identities usually outlive any one deployment (see `createDomainIdentity`).
 *
 * The events topic is encrypted with a customer-managed KMS key (about 1 USD a month): SES events carry
 * recipients' addresses, and SES cannot publish to a topic under the AWS-managed SNS key, whose policy
 * cannot be changed to let SES use it.
 */
export class Mail extends Construct implements IMailSending {
  public readonly senderAddress: string;
  public readonly configurationSet: ConfigurationSet;
  public readonly configurationSetName: string;
  /** `arn:aws:ses:<region>:<account>:configuration-set/<name>`, a resource of every send. */
  public readonly configurationSetArn: string;
  /** The SES identity mail is sent as: the sender domain when given, otherwise the sender address. */
  public readonly identityArn: string;
  /**
   * Every identity ARN the send permission names: `identityArn`, plus the address identity when the
   * identity is a domain. SES authorizes a send against the most specific verified identity of the From
   * address, so a client who verified the address as well as its domain would otherwise be refused.
   */
  public readonly identityArns: readonly string[];
  /** Where SES publishes the configuration set's events. */
  public readonly eventsTopic: Topic;
  /** Records bounces and complaints as suppressions. */
  public readonly eventsFunction: LambdaFunction;
  /**
   * Where an SES event goes when the mail-events function still fails on it after Lambda's asynchronous
   * retries (its on-failure destination). Alarmed in `Monitoring`: a lost bounce or complaint is an
   * address that keeps being mailed.
   */
  public readonly eventsDeadLetterQueue: Queue;
  /** The domain identity, when `createDomainIdentity` is on. */
  public readonly domainIdentity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    if (props.createDomainIdentity && !props.senderDomain) {
      throw new Error("Mail: createDomainIdentity needs senderDomain (the domain to verify).");
    }
    const stack = Stack.of(this);
    this.senderAddress = props.senderAddress;

    this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", {
      // Bounce and complaint rates in CloudWatch: what SES judges an account by.
      reputationMetrics: true,
      sendingEnabled: true,
      // Survey emails carry personal links (the token is the customer's credential): never in clear text.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.configurationSetArn = stack.formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSetName,
    });

    const identityArn = (identity: string) =>
      stack.formatArn({ service: "ses", resource: "identity", resourceName: identity });
    this.identityArn = identityArn(props.senderDomain ?? props.senderAddress);
    this.identityArns = props.senderDomain
      ? [this.identityArn, identityArn(props.senderAddress)]
      : [this.identityArn];

    const eventsKey = new Key(this, "EventsKey", {
      description: "Encrypts the SES events (recipient addresses) on the Open NPS mail-events topic",
      enableKeyRotation: true,
      // Messages live in SNS for seconds; once the topic is gone, nothing is left for the key to decrypt.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // SES encrypts what it publishes with this key; only for this account's configuration set.
    eventsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowSesToPublishEncryptedEvents",
        principals: [new ServicePrincipal("ses.amazonaws.com")],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: { "aws:SourceArn": this.configurationSetArn },
        },
      }),
    );
    // Nothing here needs a KMS grant: nobody may create one on this key except for an AWS service's use.
    eventsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: "DenyGrantsExceptForAwsServices",
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        conditions: {
          BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" },
        },
      }),
    );
    this.eventsTopic = new Topic(this, "EventsTopic", {
      displayName: "Open NPS mail events",
      masterKey: eventsKey,
      enforceSSL: true,
    });
    // Also adds the topic policy that lets SES (for this configuration set only) publish.
    const destination = this.configurationSet.addEventDestination("EventsToTopic", {
      destination: EventDestination.snsTopic(this.eventsTopic),
      events: [...MAIL_EVENTS],
    });
    // Events start flowing as soon as the destination exists: the topic policy must already be there.
    destination.node.addDependency(this.eventsTopic);

    // Counts of sends, deliveries, bounces and complaints for this configuration set (four CloudWatch
    // metrics, about 1.20 USD a month): the dashboard's "emails sent" and the raw numbers behind the
    // reputation rates.
    this.configurationSet.addEventDestination("EventsToCloudWatch", {
      destination: EventDestination.cloudWatchDimensions([
        {
          source: CloudWatchDimensionSource.MESSAGE_TAG,
          name: CONFIGURATION_SET_DIMENSION,
          // Never used: SES sets the auto-tag on every email sent with a configuration set.
          defaultValue: "none",
        },
      ]),
      events: [...COUNTED_MAIL_EVENTS],
    });

    this.eventsFunction = new LambdaFunction(this, "EventsFunction", {
      handlerFile: "mail-events.ts",
      description: "Records SES bounces and complaints as suppressions",
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    // Writes suppression records (PutItem on EMAIL# partitions) and nothing else.
    bindTable(this.eventsFunction, props.table, FUNCTION_TABLE_ACCESS["mail-events"]);
    this.eventsTopic.addSubscription(new LambdaSubscription(this.eventsFunction));

    // SNS invokes the function asynchronously: Lambda retries a failed event twice, then drops it unless
    // it has somewhere to go. An on-failure destination rather than the function's deadLetterQueue: its
    // record holds the original SNS event (requestPayload, enough to replay it) and also the error and
    // the attempt count (requestContext, responsePayload), which the DLQ's bare event message lacks.
    this.eventsDeadLetterQueue = new Queue(this, "EventsDeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to fix the cause and replay the events before they expire.
      retentionPeriod: Duration.days(14),
      // Marks it as a dead-letter queue, which needs none of its own (allowAll is also SQS's default).
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });
    // Also grants the function sqs:SendMessage on the queue.
    this.eventsFunction.configureAsyncInvoke({
      onFailure: new SqsDestination(this.eventsDeadLetterQueue),
    });

    if (props.createDomainIdentity && props.senderDomain) {
      this.domainIdentity = new EmailIdentity(this, "DomainIdentity", {
        identity: Identity.domain(props.senderDomain),
        dkimIdentity: DkimIdentity.easyDkim(),
        // Mail sent as this domain without naming a configuration set still reports its events.
        configurationSet: this.configurationSet,
      });
    }
  }

  /**
   * The configuration set's bounce rate, as SES computes it for reputation (a fraction: 0.05 is 5%). SES
   * publishes it per configuration set because reputation metrics are on; it is the rate AWS reviews an
   * account on, computed over a representative volume of recent mail rather than one period's sends.
   */
  metricBounceRate(options: MetricOptions = {}): Metric {
    return this.sesMetric("Reputation.BounceRate", { statistic: "Maximum", ...options });
  }

  /** The configuration set's complaint rate, as SES computes it for reputation (0.001 is 0.1%). */
  metricComplaintRate(options: MetricOptions = {}): Metric {
    return this.sesMetric("Reputation.ComplaintRate", { statistic: "Maximum", ...options });
  }

  /**
   * How many SES events of one kind (`Send`, `Delivery`, `Bounce`, `Complaint`) the configuration set
   * had, from its CloudWatch event destination.
   */
  metricEvents(name: "Send" | "Delivery" | "Bounce" | "Complaint", options: MetricOptions = {}): Metric {
    return this.sesMetric(name, { statistic: "Sum", ...options });
  }

  private sesMetric(metricName: string, options: MetricOptions): Metric {
    return new Metric({
      namespace: "AWS/SES",
      metricName,
      dimensionsMap: { [CONFIGURATION_SET_DIMENSION]: this.configurationSetName },
      period: Duration.minutes(5),
      ...options,
    });
  }

  /**
   * `ses:SendEmail` (the SES v2 API the sender uses) on the sender's identities and the configuration
   * set, and only with the configured From address: a compromised function cannot send as anyone else
   * at the domain. `ses:SendRawEmail` is not granted; the sender never builds MIME itself.
   */
  grantSend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ["ses:SendEmail"],
      resourceArns: [...this.identityArns, this.configurationSetArn],
      conditions: { StringEquals: { "ses:FromAddress": this.senderAddress } },
    });
  }
}
