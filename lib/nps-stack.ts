// The whole product in one stack: stateful table, HTTP API, delivery pipeline, mail events, alarms.
import { CfnOutput, Stack, type StackProps, Tags, Token } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";
import { certificateRegionOf, RETENTION_DAYS_RANGE } from "./config";
import { bindRetention, type LambdaFunction } from "./constructs/lambda-function";
import { DataStore } from "./data-store";
import { Delivery } from "./delivery";
import { applyGuardSuppressions } from "./guard-suppressions";
import { SurveyHttpApi } from "./http-api";
import { Mail } from "./mail";
import { Monitoring } from "./monitoring";
import { applyNagSuppressions } from "./nag-suppressions";
import { TableEvents } from "./table-events";

export interface NpsStackProps extends StackProps {
  /**
   * The client this deployment is for (validated by lib/config.ts); every resource is tagged with it.
   * The stack's id carries it too (`Nps-<client>-<stage>`, see `stackIdOf`).
   * @default - no client tag
   */
  readonly client?: string;

  /**
   * Name of this deployment (e.g. "dev", "prod"); every resource is tagged with it. Validated by
   * lib/config.ts.
   */
  readonly stage: string;

  /** The From address of survey emails, e.g. surveys@acme.com. */
  readonly senderEmail: string;

  /**
   * The domain verified in SES when the client verifies a whole domain rather than one address.
   * @default - the sender address itself is the SES identity
   */
  readonly senderDomain?: string;

  /**
   * Where alarm notifications are emailed.
   * @default - no subscription on the alarm topic
   */
  readonly alarmEmail?: string;

  /**
   * How long function and access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * How many send functions may run at once (2–50, validated by lib/config.ts). Each sends one email
   * at a time, so this bounds the send rate: about sendConcurrency ÷ the time one send takes. Keep it
   * within the account's SES sending quota.
   * @default 2
   */
  readonly sendConcurrency?: number;

  /**
   * How many days customer records are kept (180–3650, validated by lib/config.ts). Every function that
   * writes the table gets it as the environment variable RETENTION_DAYS (a whole number of days, as
   * text). Semantics: an item holding a customer's data (purchase, invitation, response) carries the
   * table's TTL attribute `expiresAt` = the epoch second it was created + RETENTION_DAYS × 86,400, set
   * when the item is created; DynamoDB deletes it within a few days after that time. Campaigns, API
   * keys, aggregates and suppressions carry no `expiresAt`: results stay exact, and an unsubscribe or
   * complaint keeps protecting the address.
   * @default 730
   */
  readonly retentionDays?: number;

  /**
   * Domain name survey links and the API are served on, e.g. surveys.acme.com; needs certificateArn.
   * The stack creates the API Gateway custom domain and its mapping, and the send function's
   * PUBLIC_BASE_URL becomes `https://<customDomain>`. It manages no DNS: the client creates a CNAME to
   * the CustomDomainTarget output.
   * @default - no custom domain: links use the API's execute-api endpoint
   */
  readonly customDomain?: string;

  /**
   * Create the SES domain identity for `senderDomain` (Easy DKIM) in this stack; its DKIM records are
   * outputs to publish in DNS.
   * @default false - the domain is verified in SES outside the stack
   */
  readonly createDomainIdentity?: boolean;

  /**
   * The ACM certificate for customDomain, issued in the stack's region; needs customDomain.
   * @default - none
   */
  readonly certificateArn?: string;
}

/**
 * One deployment of the product: the table (stateful, retained), the HTTP API with its functions, the
 * delivery pipeline (schedule, queues, dispatch and send functions), the SES configuration set with its
 * event path, the events function on the table's stream (alerts, cases, webhooks) with its failure
 * queue, the alarm topic, and monitoring (alarms on every function's errors, API 5xx, SES bounce and
 * complaint rates, the stream's iterator age; a dashboard). Outputs ApiUrl, TableName, SendQueueUrl,
 * DeadLetterQueueUrl, MailEventsDeadLetterQueueUrl, EventsFailureQueueUrl, ConfigurationSetName and
 * DashboardName (and CustomDomainTarget with a custom domain). Its cdk-nag suppressions and cfn-guard
 * acknowledgements are applied here, from lib/nag-suppressions.ts and lib/guard-suppressions.ts, so
 * that every synthesis of the stack sees the same ones.
 */
export class NpsStack extends Stack {
  public readonly client?: string;
  public readonly stage: string;
  public readonly senderEmail: string;
  public readonly senderDomain?: string;
  public readonly dataStore: DataStore;
  public readonly httpApi: SurveyHttpApi;
  public readonly alarmTopic: AlarmTopic;
  public readonly mail: Mail;
  public readonly delivery: Delivery;
  public readonly events: TableEvents;
  /** Every function in the stack, by a short name (alarm and dashboard labels use it). */
  public readonly functions: Readonly<Record<string, LambdaFunction>>;
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: NpsStackProps) {
    super(scope, id, {
      description:
        "Open NPS: post-purchase NPS and satisfaction surveys " +
        (props.client ? `(client ${props.client}, stage ${props.stage})` : `(stage ${props.stage})`),
      ...props,
    });
    this.client = props.client;
    this.stage = props.stage;
    this.senderEmail = props.senderEmail;
    this.senderDomain = props.senderDomain;
    Tags.of(this).add("open-nps:stage", props.stage);
    if (props.client) Tags.of(this).add("open-nps:client", props.client);

    const customDomain = customDomainOf(this, props);

    // Construct ids below are part of the resources' logical ids: renaming "Data" would replace the table.
    this.dataStore = new DataStore(this, "Data");
    this.httpApi = new SurveyHttpApi(this, "Http", {
      table: this.dataStore.table,
      logRetention: props.logRetention,
      customDomain,
    });
    this.alarmTopic = new AlarmTopic(this, "Alarms", { email: props.alarmEmail });
    this.mail = new Mail(this, "Mail", {
      table: this.dataStore.table,
      senderAddress: props.senderEmail,
      senderDomain: props.senderDomain,
      logRetention: props.logRetention,
      createDomainIdentity: props.createDomainIdentity ?? false,
    });
    // The API renders previews and sends test emails: the send function's mail settings and permission.
    this.httpApi.apiFunction.addEnvironment("PUBLIC_BASE_URL", this.httpApi.publicBaseUrl);
    this.httpApi.apiFunction.addEnvironment("SENDER_ADDRESS", this.mail.senderAddress);
    this.httpApi.apiFunction.addEnvironment("CONFIGURATION_SET_NAME", this.mail.configurationSetName);
    this.mail.grantSend(this.httpApi.apiFunction);
    // The console emails sign-in links, built on the same origin it is served on.
    this.httpApi.consoleFunction.addEnvironment("PUBLIC_BASE_URL", this.httpApi.publicBaseUrl);
    this.httpApi.consoleFunction.addEnvironment("SENDER_ADDRESS", this.mail.senderAddress);
    this.httpApi.consoleFunction.addEnvironment("CONFIGURATION_SET_NAME", this.mail.configurationSetName);
    this.mail.grantSend(this.httpApi.consoleFunction);
    this.delivery = new Delivery(this, "Delivery", {
      table: this.dataStore.table,
      mail: this.mail,
      // Survey links point at the custom domain when there is one, else at the API's own address.
      publicBaseUrl: this.httpApi.publicBaseUrl,
      alarmTopic: this.alarmTopic.topic,
      sendConcurrency: props.sendConcurrency,
      logRetention: props.logRetention,
    });

    this.events = new TableEvents(this, "Events", {
      table: this.dataStore.table,
      mail: this.mail,
      // Alert emails link to the case on the same origin as survey links.
      publicBaseUrl: this.httpApi.publicBaseUrl,
      logRetention: props.logRetention,
    });

    this.functions = {
      api: this.httpApi.apiFunction,
      survey: this.httpApi.surveyFunction,
      dispatch: this.delivery.dispatchFunction,
      send: this.delivery.sendFunction,
      "mail-events": this.mail.eventsFunction,
      events: this.events.eventsFunction,
      console: this.httpApi.consoleFunction,
    };
    // All of them write the table, so all know the retention, whichever of them creates a record.
    const retentionDays = props.retentionDays ?? RETENTION_DAYS_RANGE.default;
    for (const fn of Object.values(this.functions)) bindRetention(fn, retentionDays);

    this.monitoring = new Monitoring(this, "Monitoring", {
      functions: this.functions,
      httpApi: this.httpApi.httpApi,
      mail: this.mail,
      sendFunction: this.delivery.sendFunction,
      sendQueue: this.delivery.queue,
      deadLetterQueue: this.delivery.deadLetterQueue,
      tableEvents: this.events,
      alarmTopic: this.alarmTopic.topic,
      otherAlarms: [this.delivery.deadLetterAlarm],
    });

    new CfnOutput(this, "ApiUrl", {
      description: "Base URL of the HTTP API (marketer API under /v1, survey pages under /s and /u)",
      value: this.httpApi.url,
    });
    if (this.httpApi.customDomain && customDomain) {
      new CfnOutput(this, "CustomDomainTarget", {
        description:
          `Create this DNS record yourself (the stack manages no DNS): ${customDomain.domainName} CNAME ` +
          "to this name, or a Route 53 alias to it. Survey and unsubscribe links in emails use the domain.",
        value: this.httpApi.customDomain.regionalDomainName,
      });
    }
    this.mail.domainIdentity?.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        description: `DKIM record ${index + 1} of 3 to publish in the domain's DNS: CNAME name and value`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, "TableName", {
      description: "Name of the DynamoDB table holding all state",
      value: this.dataStore.table.tableName,
    });
    new CfnOutput(this, "SendQueueUrl", {
      description: "URL of the queue of invitations waiting to be sent",
      value: this.delivery.queue.queueUrl,
    });
    new CfnOutput(this, "DeadLetterQueueUrl", {
      description: "URL of the dead-letter queue: delivery messages that failed repeatedly (alarmed)",
      value: this.delivery.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, "MailEventsDeadLetterQueueUrl", {
      description:
        "URL of the queue of SES events the mail-events function failed on after its retries (alarmed)",
      value: this.mail.eventsDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, "EventsFailureQueueUrl", {
      description:
        "URL of the queue describing stream batches the events function gave up on after its retries (alarmed)",
      value: this.events.failureQueue.queueUrl,
    });
    new CfnOutput(this, "ConfigurationSetName", {
      description: "SES configuration set survey emails are sent with",
      value: this.mail.configurationSetName,
    });
    new CfnOutput(this, "DashboardName", {
      description: "CloudWatch dashboard of this deployment: alarms, emails, API, functions, queues",
      value: this.monitoring.dashboard.dashboardName,
    });

    applyNagSuppressions(this, {
      routes: this.httpApi.routes,
      mailEventsDeadLetterQueue: this.mail.eventsDeadLetterQueue,
      eventsFailureQueue: this.events.failureQueue,
      streamReaders: [this.events.eventsFunction],
    });
    const functions = Object.values(this.functions);
    applyGuardSuppressions({
      functions,
      logGroups: [...functions.map((fn) => fn.logGroup), this.httpApi.accessLogs],
      routes: this.httpApi.routes,
    });
  }
}

/**
 * The custom domain of `props`, checked: both keys or neither, and a certificate in the stack's region
 * (checked only when the region is known at synthesis).
 */
function customDomainOf(
  stack: Stack,
  props: NpsStackProps,
): { readonly domainName: string; readonly certificateArn: string } | undefined {
  const { customDomain, certificateArn } = props;
  if (customDomain === undefined && certificateArn === undefined) return undefined;
  if (customDomain === undefined || certificateArn === undefined) {
    throw new Error("NpsStack: customDomain and certificateArn go together: set both or neither.");
  }
  const certificateRegion = certificateRegionOf(certificateArn);
  if (certificateRegion === undefined) {
    throw new Error(`NpsStack: certificateArn is not an ACM certificate ARN (got "${certificateArn}").`);
  }
  if (!Token.isUnresolved(stack.region) && certificateRegion !== stack.region) {
    throw new Error(
      `NpsStack: the certificate for ${customDomain} is in ${certificateRegion}, but the stack deploys to ` +
        `${stack.region}; API Gateway's regional custom domain needs a certificate in ${stack.region}.`,
    );
  }
  return { domainName: customDomain, certificateArn };
}
