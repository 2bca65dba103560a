// The whole product in one stack: stateful table, stateless HTTP API and functions, alarm topic.
import { CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";
import { DataStore } from "./data-store";
import { SurveyHttpApi } from "./http-api";
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
}

/**
 * One deployment of the product: the table (stateful, retained), the HTTP API with its functions
 * (stateless) and the alarm topic. Outputs ApiUrl and TableName. Its cdk-nag suppressions are applied
 * here, from lib/nag-suppressions.ts, so that every synthesis of the stack sees the same ones.
 */
export class NpsStack extends Stack {
  public readonly stage: string;
  public readonly senderEmail: string;
  public readonly senderDomain?: string;
  public readonly dataStore: DataStore;
  public readonly httpApi: SurveyHttpApi;
  public readonly alarmTopic: AlarmTopic;

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

    new CfnOutput(this, "ApiUrl", {
      description: "Base URL of the HTTP API (marketer API under /v1, survey pages under /s and /u)",
      value: this.httpApi.url,
    });
    new CfnOutput(this, "TableName", {
      description: "Name of the DynamoDB table holding all state",
      value: this.dataStore.table.tableName,
    });

    applyNagSuppressions(this, { table: this.dataStore.table, routes: this.httpApi.routes });
  }
}
