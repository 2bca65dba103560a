// The whole product in one stack: stateful table, HTTP API, delivery pipeline, mail events, alarms.
import { CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";
import { DataStore } from "./data-store";
import { Delivery } from "./delivery";
import { SurveyHttpApi } from "./http-api";
import { Mail } from "./mail";
import { applyNagSuppressions } from "./nag-suppressions";

export interface NpsStackProps extends StackProps {
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
}

/**
 * One deployment of the product: the table (stateful, retained), the HTTP API with its functions, the
 * delivery pipeline (schedule, queues, dispatch and send functions), the SES configuration set with its
 * event path, and the alarm topic. Outputs ApiUrl, TableName, SendQueueUrl, DeadLetterQueueUrl and
 * ConfigurationSetName. Its cdk-nag suppressions are applied
 * here, from lib/nag-suppressions.ts, so that every synthesis of the stack sees the same ones.
 */
export class NpsStack extends Stack {
  public readonly stage: string;
  public readonly senderEmail: string;
  public readonly senderDomain?: string;
  public readonly dataStore: DataStore;
  public readonly httpApi: SurveyHttpApi;
  public readonly alarmTopic: AlarmTopic;
  public readonly mail: Mail;
  public readonly delivery: Delivery;

  constructor(scope: Construct, id: string, props: NpsStackProps) {
    super(scope, id, {
      description: `Open NPS: post-purchase NPS and satisfaction surveys (stage ${props.stage})`,
      ...props,
    });
    this.stage = props.stage;
    this.senderEmail = props.senderEmail;
    this.senderDomain = props.senderDomain;
    Tags.of(this).add("open-nps:stage", props.stage);

    // Construct ids below are part of the resources' logical ids: renaming "Data" would replace the table.
    this.dataStore = new DataStore(this, "Data");
    this.httpApi = new SurveyHttpApi(this, "Http", {
      table: this.dataStore.table,
      logRetention: props.logRetention,
    });
    this.alarmTopic = new AlarmTopic(this, "Alarms", { email: props.alarmEmail });
    this.mail = new Mail(this, "Mail", {
      table: this.dataStore.table,
      senderAddress: props.senderEmail,
      senderDomain: props.senderDomain,
      logRetention: props.logRetention,
    });
    this.delivery = new Delivery(this, "Delivery", {
      table: this.dataStore.table,
      mail: this.mail,
      // Survey links point at the API's own address until a custom domain is put in front of it.
      publicBaseUrl: this.httpApi.publicBaseUrl,
      alarmTopic: this.alarmTopic.topic,
      sendConcurrency: props.sendConcurrency,
      logRetention: props.logRetention,
    });

    new CfnOutput(this, "ApiUrl", {
      description: "Base URL of the HTTP API (marketer API under /v1, survey pages under /s and /u)",
      value: this.httpApi.url,
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
    new CfnOutput(this, "ConfigurationSetName", {
      description: "SES configuration set survey emails are sent with",
      value: this.mail.configurationSetName,
    });

    applyNagSuppressions(this, { table: this.dataStore.table, routes: this.httpApi.routes });
  }
}
