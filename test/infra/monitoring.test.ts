// Alarms (thresholds, metrics, where they notify), the dashboard, the SES metrics they read, retention.
import type { CfnResource } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { RETENTION_DAYS_VARIABLE } from "../../lib/constructs/lambda-function";
import { ALARM_THRESHOLDS } from "../../lib/monitoring";
import type { NpsStackProps } from "../../lib/nps-stack";
import { buildStack, SYNTH } from "./stack-fixture";

function synth(props: Partial<NpsStackProps> = {}) {
  const { stack } = buildStack(props);
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnResource);
  return { stack, template, logicalId };
}

describe("alarms", SYNTH, () => {
  it("every alarm notifies the alarm topic: the dead-letter alarm and the new ones", () => {
    const { stack, template, logicalId } = synth();
    // 7 function errors + API 5xx + bounce rate + complaint rate + dead letters + failed mail events
    // + send backlog + sends refused for their setup + stream iterator age + failed stream batches.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 16);
    template.allResourcesProperties("AWS::CloudWatch::Alarm", {
      AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }],
      AlarmName: Match.absent(),
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
  });

  it("fires when a survey email has waited an hour in the send queue", () => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.delivery.queue), "QueueName"] } },
      ],
      Statistic: "Maximum",
      Period: 300,
      Threshold: 3600,
    });
  });

  it("fires at the first send SES refused for its campaign's or the sender's setup (SendsFailedSetup)", () => {
    const { stack, template } = synth();
    expect(stack.delivery.sendFunction.serviceName).toBe("send");
    // The metric the send handler emits: namespace OpenNps, dimension service = the function's
    // METRICS_SERVICE (test/handlers/send-setup.test.ts checks the emitted side).
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "OpenNps",
      MetricName: "SendsFailedSetup",
      Dimensions: [{ Name: "service", Value: "send" }],
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp("MailSetupError"),
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ METRICS_SERVICE: "send" }) },
    });
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain(
      stack.getLogicalId(stack.monitoring.sendSetupAlarm.node.defaultChild as CfnResource),
    );
  });

  it("fires on one error in 5 minutes of any function", () => {
    const { stack, template, logicalId } = synth();
    expect(Object.keys(stack.functions).sort()).toEqual([
      "api",
      "console",
      "dispatch",
      "events",
      "mail-events",
      "send",
      "survey",
    ]);
    expect(ALARM_THRESHOLDS.functionErrors.count).toBe(1);
    for (const fn of Object.values(stack.functions)) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(fn) } }],
        Statistic: "Sum",
        Period: 300,
        Threshold: 1,
      });
    }
  });

  it("fires when the events function is 5 minutes behind the table's stream (IteratorAge, worst of 5 minutes)", () => {
    const { stack, template, logicalId } = synth();
    expect(ALARM_THRESHOLDS.streamIteratorAge.toMinutes()).toBe(5);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "IteratorAge",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(stack.events.eventsFunction) } }],
      Statistic: "Maximum",
      Period: 300,
      // IteratorAge is in milliseconds.
      Threshold: 300_000,
      AlarmDescription: Match.stringLikeRegexp("behind the table's stream"),
    });
  });

  it("fires on one stream batch the events function gave up on (its failure queue not empty)", () => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmDescription: Match.stringLikeRegexp("events failure queue not empty"),
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.events.failureQueue), "QueueName"] } },
      ],
      Statistic: "Maximum",
      Period: 60,
      Threshold: 1,
    });
  });

  it("fires on API 5xx: at least 5 in 5 minutes and at least 1% of the requests", () => {
    const { stack, template, logicalId } = synth();
    const apiId = { Ref: logicalId(stack.httpApi.httpApi) };
    const metric = (id: string, name: string) =>
      Match.objectLike({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApiGateway",
            MetricName: name,
            Dimensions: [{ Name: "ApiId", Value: apiId }],
          },
          Period: 300,
          Stat: "Sum",
        },
        ReturnData: false,
      });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: "IF(FILL(errors, 0) >= 5, 100 * FILL(errors, 0) / requests, 0)",
          ReturnData: true,
        }),
        metric("errors", "5xx"),
        metric("requests", "Count"),
      ]),
    });
  });

  it.each([
    ["bounce", "Reputation.BounceRate", 0.05],
    ["complaint", "Reputation.ComplaintRate", 0.001],
  ])("fires on a %s rate of the configuration set at SES's warning level", (_kind, metricName, threshold) => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SES",
      MetricName: metricName,
      Dimensions: [{ Name: "ses:configuration-set", Value: { Ref: logicalId(stack.mail.configurationSet) } }],
      Statistic: "Maximum",
      Period: 900,
      Threshold: threshold,
    });
  });
});

describe("SES metrics", SYNTH, () => {
  it("counts sends, deliveries, bounces and complaints per configuration set in CloudWatch", () => {
    const { stack, template, logicalId } = synth();
    template.resourceCountIs("AWS::SES::ConfigurationSetEventDestination", 2);
    template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      ConfigurationSetName: { Ref: logicalId(stack.mail.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(["send", "delivery", "bounce", "complaint"]),
        CloudWatchDestination: {
          DimensionConfigurations: [
            {
              DimensionName: "ses:configuration-set",
              DimensionValueSource: "messageTag",
              DefaultDimensionValue: "none",
            },
          ],
        },
      },
    });
  });
});

describe("dashboard", SYNTH, () => {
  it("is one dashboard without a physical name, output as DashboardName", () => {
    const { stack, template, logicalId } = synth();
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    template.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: Match.absent() });
    template.hasOutput("DashboardName", { Value: { Ref: logicalId(stack.monitoring.dashboard) } });
  });

  it("shows alarms, emails sent, bounce and complaint rates, API requests and 5xx, function errors and durations, queue depths", () => {
    const [dashboard] = Object.values(synth().template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      "Alarms",
      "Emails (SES events of the survey configuration set)",
      "Bounce and complaint rates (SES reputation)",
      "HTTP API requests and 5xx",
      "Delivery queues and failed mail events",
      "Function errors",
      "Function duration (p95, ms)",
    ]) {
      expect(body).toContain(JSON.stringify(`"title":"${title}"`).slice(1, -1));
    }
    for (const metric of ["Send", "Reputation.BounceRate", "Reputation.ComplaintRate", "5xx", "Count"]) {
      expect(body).toContain(metric);
    }
    for (const metric of ["Errors", "Duration", "ApproximateNumberOfMessagesVisible"]) {
      expect(body).toContain(metric);
    }
  });

  it("charts the mail-events failure queue and shows its alarm's state", () => {
    const { stack, template, logicalId } = synth();
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain("Failed mail events");
    expect(body).toContain(logicalId(stack.mail.eventsDeadLetterQueue));
    expect(body).toContain(logicalId(stack.monitoring.mailEventsDeadLetterAlarm));
  });

  it("charts the events function's lag, failed batches and throttles, and shows their alarms' state", () => {
    const { stack, template, logicalId } = synth();
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const text of ["lag behind the table's stream", "Failed batches", "IteratorAge", "Throttles"]) {
      expect(body).toContain(text);
    }
    expect(body).toContain(logicalId(stack.events.failureQueue));
    expect(body).toContain(logicalId(stack.events.eventsFunction));
    expect(body).toContain(logicalId(stack.monitoring.streamIteratorAgeAlarm));
    expect(body).toContain(logicalId(stack.monitoring.eventsFailureAlarm));
  });
});

describe("data retention", SYNTH, () => {
  it("passes RETENTION_DAYS (730 by default) to every function that writes the table", () => {
    synth().template.allResourcesProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [RETENTION_DAYS_VARIABLE]: "730" }) },
    });
  });

  it("passes the configured retention", () => {
    synth({ retentionDays: 365 }).template.allResourcesProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ RETENTION_DAYS: "365" }) },
    });
  });
});
