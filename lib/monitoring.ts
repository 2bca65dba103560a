// Operations: the alarms an operator is paged by and the dashboard they look at first.
import { Duration } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  type AlarmProps,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { LambdaFunction } from "./constructs/lambda-function";
import type { Mail } from "./mail";
import type { TableEvents } from "./table-events";

/**
 * The alarm thresholds, in one place so that the README, the alarms and the tests agree.
 *
 * - Function errors: any invocation that ends in an error (an unhandled exception, a timeout, running
 *   out of memory) within 5 minutes. The HTTP apps answer domain errors themselves (4xx, or a logged 500)
 *   and the sender reports failed messages one by one, so a Lambda "Errors" count means a crash: one is
 *   worth a look. The dispatcher runs every minute, so a persistent fault there alarms within 5 minutes.
 * - API 5xx: at least 5 server errors in 5 minutes AND at least 1% of the requests of those 5 minutes.
 *   The count guards against one stray error at low traffic (1 of 20 requests is 5%); the share against
 *   a handful of errors during a large order import (5 of 30,000 requests is noise the caller retries).
 * - SES bounce rate ≥ 5% and complaint rate ≥ 0.1%: the levels at which AWS advises senders to act
 *   (SES puts an account under review at 10% and 0.5%), read from the configuration set's reputation
 *   metrics.
 * - Send backlog: the oldest message in the send queue has waited an hour. At the default 2 senders a
 *   burst of 10,000 purchases drains in about 20 minutes; an hour means sending is stuck or slower than
 *   purchases arrive (SES throttling, a lowered quota), and surveys go out late.
 * - Sends refused for the setup: one email in 5 minutes that SES refused for a reason every email of its
 *   campaign shares (a From name SES will not take, an unverified sender, a paused account). Each is
 *   retried and would reach the dead-letter queue only after 5 receives; this says so at the first.
 * - Stream iterator age: a record reached the events function 5 minutes or more after it was written
 *   (a healthy stream takes a second or two). An unhappy answer's alert should leave within minutes,
 *   and a batch that keeps failing holds back every later change of its shard while it is retried;
 *   the stream keeps records 24 hours, so this also leaves a day to act before any is lost.
 * - Events failures: one stream batch given up on after its retries (the failure queue not empty).
 */
export const ALARM_THRESHOLDS = {
  functionErrors: { count: 1, period: Duration.minutes(5) },
  api5xx: { count: 5, percent: 1, period: Duration.minutes(5) },
  bounceRate: 0.05,
  complaintRate: 0.001,
  /** How often the reputation rates are sampled: they move slowly, over SES's own window. */
  reputationPeriod: Duration.minutes(15),
  sendBacklogAge: Duration.hours(1),
  sendSetupFailures: { count: 1, period: Duration.minutes(5) },
  streamIteratorAge: Duration.minutes(5),
} as const;

export interface MonitoringProps {
  /** The functions to alarm on (errors) and chart (errors, duration), by a short readable name. */
  readonly functions: Readonly<Record<string, IFunction>>;

  /** The HTTP API: request count and 5xx. */
  readonly httpApi: HttpApi;

  /** The SES side: reputation rates and send counts of the configuration set. */
  readonly mail: Mail;

  /** The sender: its sends refused for the campaign's or the sender's setup are alarmed. */
  readonly sendFunction: LambdaFunction;

  /** The delivery queues, charted; the dead-letter queue has its own alarm in `Delivery`. */
  readonly sendQueue: IQueue;
  readonly deadLetterQueue: IQueue;

  /** The events function on the table's stream: its iterator age and its failure queue are alarmed. */
  readonly tableEvents: Pick<TableEvents, "eventsFunction" | "failureQueue">;

  /** Where every alarm notifies. */
  readonly alarmTopic: ITopic;

  /** Alarms defined elsewhere (the dead-letter alarm) to show on the dashboard's alarm status. */
  readonly otherAlarms?: readonly Alarm[];
}

/**
 * Alarms on function errors, API 5xx, SES bounce and complaint rates, failed mail events (the
 * mail-events function's failure queue not empty), a send backlog, sends refused for their setup, a
 * stream the events function lags behind and stream batches it gave up on, each notifying the alarm
 * topic, and one CloudWatch dashboard with what an operator checks first: alarm states, emails sent,
 * bounce and complaint rates, API requests and 5xx, function errors and durations, queue depths, the
 * events function's lag and failures. No alarm or dashboard has a physical name, so several clients
 * and stages can share an account.
 */
export class Monitoring extends Construct {
  /** One per function, by the name given in `functions`. */
  public readonly functionErrorAlarms: Readonly<Record<string, Alarm>>;
  public readonly api5xxAlarm: Alarm;
  public readonly bounceRateAlarm: Alarm;
  public readonly complaintRateAlarm: Alarm;
  /** Fires when an SES event the mail-events function could not record lands in its failure queue. */
  public readonly mailEventsDeadLetterAlarm: Alarm;
  /** Fires when survey emails wait in the send queue longer than ALARM_THRESHOLDS.sendBacklogAge. */
  public readonly sendBacklogAlarm: Alarm;
  /** Fires when SES refuses an email for the campaign's or the sender's setup (SendsFailedSetup). */
  public readonly sendSetupAlarm: Alarm;
  /** Fires when the events function lags ALARM_THRESHOLDS.streamIteratorAge behind the table's stream. */
  public readonly streamIteratorAgeAlarm: Alarm;
  /** Fires when a stream batch the events function gave up on is described in its failure queue. */
  public readonly eventsFailureAlarm: Alarm;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const notify = new SnsAction(props.alarmTopic);
    /** An alarm on one 5-minute (or reputation) period, notifying the topic; `options` sets the rest. */
    const alarm = (
      alarmId: string,
      options: Pick<AlarmProps, "alarmDescription" | "metric" | "threshold">,
    ) => {
      const created = new Alarm(this, alarmId, {
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No data means no traffic: the healthy state of a quiet night, not a reason to page anyone.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(notify);
      return created;
    };

    const { functionErrors, api5xx } = ALARM_THRESHOLDS;
    const functionErrorAlarms: Record<string, Alarm> = {};
    for (const [name, fn] of Object.entries(props.functions)) {
      functionErrorAlarms[name] = alarm(`${pascal(name)}FunctionErrors`, {
        alarmDescription:
          `Open NPS: the ${name} function failed (unhandled error, timeout or out of memory) at least ` +
          `${functionErrors.count} time(s) in ${functionErrors.period.toMinutes()} minutes. See its log group.`,
        metric: fn.metricErrors({ period: functionErrors.period, statistic: "Sum" }),
        threshold: functionErrors.count,
      });
    }
    this.functionErrorAlarms = functionErrorAlarms;

    const requests = props.httpApi.metricCount({ period: api5xx.period, statistic: "Sum" });
    const serverErrors = props.httpApi.metricServerError({ period: api5xx.period, statistic: "Sum" });
    this.api5xxAlarm = alarm("Api5xx", {
      alarmDescription:
        `Open NPS: the HTTP API answered at least ${api5xx.count} requests with a 5xx in ` +
        `${api5xx.period.toMinutes()} minutes, and they were at least ${api5xx.percent}% of all requests. ` +
        "See the api and survey functions' logs and the API access log.",
      // The share of 5xx in percent, counted only once there are enough of them to matter.
      metric: new MathExpression({
        expression: `IF(FILL(errors, 0) >= ${api5xx.count}, 100 * FILL(errors, 0) / requests, 0)`,
        usingMetrics: { errors: serverErrors, requests },
        period: api5xx.period,
        label: `5xx % of requests (when ≥ ${api5xx.count} 5xx)`,
      }),
      threshold: api5xx.percent,
    });

    const reputation = { period: ALARM_THRESHOLDS.reputationPeriod };
    this.bounceRateAlarm = alarm("BounceRate", {
      alarmDescription:
        `Open NPS: the SES bounce rate of the survey configuration set reached ` +
        `${ALARM_THRESHOLDS.bounceRate * 100}% (SES reviews the account at 10%). Check where the ` +
        "addresses in recent purchases come from; hard bounces are suppressed automatically.",
      metric: props.mail.metricBounceRate(reputation),
      threshold: ALARM_THRESHOLDS.bounceRate,
    });
    this.complaintRateAlarm = alarm("ComplaintRate", {
      alarmDescription:
        `Open NPS: the SES complaint rate of the survey configuration set reached ` +
        `${ALARM_THRESHOLDS.complaintRate * 100}% (SES reviews the account at 0.5%). Check the survey ` +
        "schedule and throttle window; complainers are suppressed automatically.",
      metric: props.mail.metricComplaintRate(reputation),
      threshold: ALARM_THRESHOLDS.complaintRate,
    });

    this.mailEventsDeadLetterAlarm = alarm("MailEventsDeadLetter", {
      alarmDescription:
        "Open NPS: mail events DLQ not empty. The mail-events function failed on an SES event (a " +
        "bounce or complaint may not be suppressed) even after Lambda's retries. See the function's " +
        "logs and the error in the queued record, fix the cause, then replay its requestPayload.",
      metric: props.mail.eventsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
    });

    const backlog = ALARM_THRESHOLDS.sendBacklogAge;
    this.sendBacklogAlarm = alarm("SendBacklog", {
      alarmDescription:
        `Open NPS: a survey email has waited ${backlog.toHours()} hour(s) in the send queue. Sending is ` +
        "stuck or slower than purchases arrive: check the send function's logs for SES throttling or " +
        "errors, the account's SES sending quota, and the sendConcurrency setting.",
      metric: props.sendQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: backlog.toSeconds(),
    });

    const setupFailures = ALARM_THRESHOLDS.sendSetupFailures;
    this.sendSetupAlarm = alarm("SendSetupFailures", {
      alarmDescription:
        `Open NPS: SES refused ${setupFailures.count} or more survey email(s) in ` +
        `${setupFailures.period.toMinutes()} minutes for a reason every email of its campaign shares (a ` +
        "sender name too long for the From line, an unverified sender or MAIL FROM domain, a paused or " +
        "suspended account). No email of that campaign goes until it is fixed, and each of its surveys is " +
        "given up as undeliverable after 5 failed attempts. Search the send function's logs for " +
        "MailSetupError, then fix the campaign's senderName or the SES setup.",
      metric: props.sendFunction.metricBusiness("SendsFailedSetup", { period: setupFailures.period }),
      threshold: setupFailures.count,
    });

    const { eventsFunction, failureQueue } = props.tableEvents;
    const iteratorAge = ALARM_THRESHOLDS.streamIteratorAge;
    this.streamIteratorAgeAlarm = alarm("StreamIteratorAge", {
      alarmDescription:
        `Open NPS: the events function is ${iteratorAge.toMinutes()} minutes or more behind the table's ` +
        "stream: alerts, cases and webhooks are late. It is most likely retrying a batch that keeps " +
        "failing (see its logs), or throttled. Records older than 24 hours leave the stream.",
      // Milliseconds between a record's write and the function receiving it, the worst of the period.
      metric: eventsFunction.metric("IteratorAge", { period: Duration.minutes(5), statistic: "Maximum" }),
      threshold: iteratorAge.toMilliseconds(),
    });
    this.eventsFailureAlarm = alarm("EventsFailures", {
      alarmDescription:
        "Open NPS: events failure queue not empty. The events function gave up on a batch of the " +
        "table's stream after its retries: an alert, a case or a webhook may be missing. The message " +
        "names the shard and sequence numbers (the records stay readable in the stream for 24 hours); " +
        "see the function's logs for the error, fix the cause, then replay the batch.",
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
    });

    this.dashboard = this.buildDashboard(props, { requests, serverErrors });
  }

  private buildDashboard(
    props: MonitoringProps,
    api: { readonly requests: IMetric; readonly serverErrors: IMetric },
  ): Dashboard {
    const five = Duration.minutes(5);
    const functions = Object.entries(props.functions);
    const width = 12;
    const height = 6;
    const line = (value: number, label: string): HorizontalAnnotation => ({ value, label });

    const dashboard = new Dashboard(this, "Dashboard", {
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: "Alarms",
        width: 24,
        height: 3,
        alarms: [
          ...(props.otherAlarms ?? []),
          ...Object.values(this.functionErrorAlarms),
          this.api5xxAlarm,
          this.bounceRateAlarm,
          this.complaintRateAlarm,
          this.mailEventsDeadLetterAlarm,
          this.sendBacklogAlarm,
          this.sendSetupAlarm,
          this.streamIteratorAgeAlarm,
          this.eventsFailureAlarm,
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: "Emails (SES events of the survey configuration set)",
        width,
        height,
        left: [
          props.mail.metricEvents("Send", { period: five, label: "Sent" }),
          props.mail.metricEvents("Delivery", { period: five, label: "Delivered" }),
          props.mail.metricEvents("Bounce", { period: five, label: "Bounced" }),
          props.mail.metricEvents("Complaint", { period: five, label: "Complaints" }),
        ],
      }),
      new GraphWidget({
        title: "Bounce and complaint rates (SES reputation)",
        width,
        height,
        left: [props.mail.metricBounceRate({ label: "Bounce rate" })],
        right: [props.mail.metricComplaintRate({ label: "Complaint rate" })],
        leftAnnotations: [line(ALARM_THRESHOLDS.bounceRate, "bounce alarm")],
        rightAnnotations: [line(ALARM_THRESHOLDS.complaintRate, "complaint alarm")],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: "HTTP API requests and 5xx",
        width,
        height,
        left: [api.requests],
        right: [api.serverErrors],
      }),
      new GraphWidget({
        title: "Delivery queues and failed mail events",
        width,
        height,
        left: [
          props.sendQueue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: "Maximum",
            label: "Waiting to be sent",
          }),
        ],
        right: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: "Maximum",
            label: "Dead letters",
          }),
          props.mail.eventsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: "Maximum",
            label: "Failed mail events",
          }),
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: "Function errors",
        width,
        height,
        left: functions.map(([name, fn]) => fn.metricErrors({ period: five, statistic: "Sum", label: name })),
      }),
      new GraphWidget({
        title: "Function duration (p95, ms)",
        width,
        height,
        left: functions.map(([name, fn]) =>
          fn.metricDuration({ period: five, statistic: "p95", label: name }),
        ),
      }),
    );
    const { eventsFunction, failureQueue } = props.tableEvents;
    dashboard.addWidgets(
      new GraphWidget({
        title: "Events function: lag behind the table's stream (max, ms)",
        width,
        height,
        left: [eventsFunction.metric("IteratorAge", { period: five, statistic: "Maximum", label: "Lag" })],
        leftAnnotations: [line(ALARM_THRESHOLDS.streamIteratorAge.toMilliseconds(), "lag alarm")],
      }),
      new GraphWidget({
        title: "Events function: failed batches and throttles",
        width,
        height,
        left: [
          failureQueue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: "Maximum",
            label: "Failed batches",
          }),
        ],
        right: [eventsFunction.metricThrottles({ period: five, statistic: "Sum", label: "Throttles" })],
      }),
    );
    return dashboard;
  }
}

/** "mail-events" → "MailEvents": construct ids in the usual style. */
function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
