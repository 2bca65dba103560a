// The delivery pipeline and the SES side: queues, schedule, event source, alarm, configuration set,
// events topic, least-privilege sending, and every function's environment against the settings it reads.

import { readdirSync, readFileSync } from "node:fs";
import { type CfnResource, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import * as lambdaConfig from "../../functions/platform/environment";
import { readEnvironment, type Setting, sendEnvironment } from "../../functions/platform/environment";
import { LambdaFunction } from "../../lib/constructs/lambda-function";
import { DataStore } from "../../lib/data-store";
import { MAIL_EVENTS, Mail } from "../../lib/mail";
import type { NpsStack, NpsStackProps } from "../../lib/nps-stack";
import { buildStack, freshApp, SYNTH } from "./stack-fixture";

const handlersDirectory = new URL("../../functions/handlers/", import.meta.url);
const HANDLER_FILES = readdirSync(handlersDirectory).filter((name) => name.endsWith(".ts"));

type Schema = Record<string, Setting<unknown>>;

/**
 * The settings a handler reads its environment with at cold start, read from its source
 * (`readEnvironment(<settings>)`), so that a handler moving to other settings is followed here too.
 */
function environmentSchemaOf(handlerFile: string): Schema {
  const source = readFileSync(new URL(handlerFile, handlersDirectory), "utf8");
  const name = /readEnvironment\((\w+)\)/.exec(source)?.[1];
  const schema = name ? (lambdaConfig as Record<string, unknown>)[name] : undefined;
  if (!schema)
    throw new Error(`${handlerFile}: no readEnvironment(<settings from functions/platform/environment.ts>)`);
  return schema as Schema;
}

/** Variables that exist only for the local runtime and tests: set on AWS, they would point at nothing. */
const LOCAL_ONLY = ["DYNAMODB_ENDPOINT", "SES_ENDPOINT"];

/** Keys the settings require: those not optional (a defaulted one counts: the stack sets it). */
function requiredKeys(schema: Schema): string[] {
  return Object.entries(schema)
    .filter(([, setting]) => !setting.optional)
    .map(([key]) => key);
}

function synth(props: Partial<NpsStackProps> = {}) {
  const { stack } = buildStack(props);
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnResource);
  return { stack, template, logicalId };
}

/** The stack's functions, by the handler they run. */
function functionsOf(stack: NpsStack): Map<string, LambdaFunction> {
  const functions = stack.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction);
  return new Map(functions.map((fn) => [fn.handlerFile, fn]));
}

/** The statements of the one policy attached to `fn`'s execution role. */
function roleStatements(template: Template, fn: LambdaFunction, stack: Stack) {
  const roleId = stack.getLogicalId(fn.role?.node.defaultChild as CfnResource);
  const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(roleId),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as {
    Action: string | string[];
    Resource: unknown;
    Condition?: unknown;
  }[];
}

const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

describe("send queue and dead-letter queue", SYNTH, () => {
  it("redrive to the DLQ after 5 receives; both are SSE-encrypted and refuse plain HTTP", () => {
    const { stack, template, logicalId } = synth();
    const { queue, deadLetterQueue } = stack.delivery;
    // The send queue, its DLQ, the mail-events failure queue (see "mail-events failure queue") and
    // the events function's failure queue (table-events.test.ts).
    template.resourceCountIs("AWS::SQS::Queue", 4);
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [logicalId(deadLetterQueue), "Arn"] },
        maxReceiveCount: 5,
      },
    });
    template.allResourcesProperties("AWS::SQS::Queue", { SqsManagedSseEnabled: true });
    for (const q of [queue, deadLetterQueue]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: logicalId(q) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    }
  });

  it("keeps dead letters 14 days", () => {
    const { stack, template, logicalId } = synth();
    const dlq = template.findResources("AWS::SQS::Queue")[logicalId(stack.delivery.deadLetterQueue)];
    expect(dlq?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it("hides a received message for at least six times the send function's timeout", () => {
    const { stack, template, logicalId } = synth();
    const queue = template.findResources("AWS::SQS::Queue")[logicalId(stack.delivery.queue)];
    const send = template.findResources("AWS::Lambda::Function")[logicalId(stack.delivery.sendFunction)];
    const timeout = send?.Properties.Timeout as number;
    expect(timeout).toBeGreaterThan(0);
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it("let only the dispatcher send and only the sender consume", () => {
    const { stack, template } = synth();
    const sqsActions = (fn: LambdaFunction) =>
      roleStatements(template, fn, stack)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith("sqs:"));
    const { dispatchFunction, sendFunction } = stack.delivery;
    expect(sqsActions(dispatchFunction)).toContain("sqs:SendMessage");
    expect(sqsActions(dispatchFunction)).not.toContain("sqs:ReceiveMessage");
    expect(sqsActions(sendFunction)).toEqual(
      expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
    );
    expect(sqsActions(sendFunction)).not.toContain("sqs:SendMessage");
  });
});

describe("send function event source", SYNTH, () => {
  it("takes batches of 10, reports failures per message, at the default concurrency of 2", () => {
    const { stack, template, logicalId } = synth();
    // The send queue's and the table stream's (table-events.test.ts).
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 2);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: logicalId(stack.delivery.sendFunction) },
      EventSourceArn: { "Fn::GetAtt": [logicalId(stack.delivery.queue), "Arn"] },
      BatchSize: 10,
      FunctionResponseTypes: Match.arrayWith(["ReportBatchItemFailures"]),
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("runs at most the configured number of senders", () => {
    synth({ sendConcurrency: 7 }).template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      ScalingConfig: { MaximumConcurrency: 7 },
    });
  });
});

describe("dispatch schedule", SYNTH, () => {
  it("runs the dispatch function every minute, without Lambda retries overlapping the next run", () => {
    const { stack, template, logicalId } = synth();
    const dispatch = logicalId(stack.delivery.dispatchFunction);
    template.resourceCountIs("AWS::Events::Rule", 1);
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      State: "ENABLED",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [dispatch, "Arn"] } })],
    });
    template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: { "Fn::GetAtt": [dispatch, "Arn"] },
      Principal: "events.amazonaws.com",
    });
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: dispatch },
      MaximumRetryAttempts: 0,
    });
  });
});

describe("dead-letter alarm", SYNTH, () => {
  it("fires on one visible message in the DLQ and notifies the alarm topic", () => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [logicalId(stack.delivery.deadLetterQueue), "QueueName"] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }],
    });
  });
});

describe("mail-events failure queue", SYNTH, () => {
  it("is the mail-events function's on-failure destination, after Lambda's async retries", () => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: logicalId(stack.mail.eventsFunction) },
      Qualifier: "$LATEST",
      DestinationConfig: {
        OnFailure: { Destination: { "Fn::GetAtt": [logicalId(stack.mail.eventsDeadLetterQueue), "Arn"] } },
      },
    });
    // The default two retries are kept: a transient table fault gets its second and third chance.
    const config = Object.values(template.findResources("AWS::Lambda::EventInvokeConfig")).find(
      (resource) => resource.Properties.FunctionName.Ref === logicalId(stack.mail.eventsFunction),
    );
    expect(config?.Properties.MaximumRetryAttempts).toBeUndefined();
  });

  it("is SSE-encrypted, refuses plain HTTP and keeps failed events 14 days", () => {
    const { stack, template, logicalId } = synth();
    const queueId = logicalId(stack.mail.eventsDeadLetterQueue);
    const queue = template.findResources("AWS::SQS::Queue")[queueId];
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("may be written by the mail-events function", () => {
    const { stack, template, logicalId } = synth();
    const statements = roleStatements(template, stack.mail.eventsFunction, stack);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: "Allow",
        Resource: { "Fn::GetAtt": [logicalId(stack.mail.eventsDeadLetterQueue), "Arn"] },
      }),
    );
    const sqs = statements.find((s) =>
      JSON.stringify(s.Resource).includes(logicalId(stack.mail.eventsDeadLetterQueue)),
    );
    expect(actionsOf(sqs ?? { Action: [] })).toContain("sqs:SendMessage");
  });

  it("alarms on one visible message, notifying the alarm topic", () => {
    const { stack, template, logicalId } = synth();
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmDescription: Match.stringLikeRegexp("mail events DLQ not empty"),
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [logicalId(stack.mail.eventsDeadLetterQueue), "QueueName"] },
        },
      ],
      Statistic: "Maximum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }],
    });
  });
});

describe("SES configuration set and events", SYNTH, () => {
  it("publishes reputation metrics, requires TLS and is enabled", () => {
    const { template } = synth();
    template.resourceCountIs("AWS::SES::ConfigurationSet", 1);
    template.hasResourceProperties("AWS::SES::ConfigurationSet", {
      Name: Match.absent(),
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
      DeliveryOptions: { TlsPolicy: "REQUIRE" },
    });
  });

  it("sends bounce, complaint, delivery and reject events to the events topic", () => {
    const { stack, template, logicalId } = synth();
    expect(MAIL_EVENTS).toHaveLength(4);
    template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      ConfigurationSetName: { Ref: logicalId(stack.mail.configurationSet) },
      EventDestination: {
        Name: Match.absent(),
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(["bounce", "complaint", "delivery", "reject"]),
        SnsDestination: { TopicARN: { Ref: logicalId(stack.mail.eventsTopic) } },
      },
    });
  });

  it("encrypts the events topic with a rotated key SES may use, and refuses plain HTTP", () => {
    const { stack, template, logicalId } = synth();
    const [keyId, ...otherKeys] = Object.keys(template.findResources("AWS::KMS::Key"));
    expect(otherKeys).toEqual([]);
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: { "Fn::GetAtt": [keyId, "Arn"] },
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "ses.amazonaws.com" },
            Action: Match.arrayWith(["kms:GenerateDataKey*", "kms:Decrypt"]),
            Condition: Match.objectLike({ StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } }),
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: logicalId(stack.mail.eventsTopic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "ses.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
  });

  it("subscribes the mail-events function to the events topic", () => {
    const { stack, template, logicalId } = synth();
    const fn = functionsOf(stack).get("mail-events.ts");
    expect(fn).toBe(stack.mail.eventsFunction);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      TopicArn: { Ref: logicalId(stack.mail.eventsTopic) },
      Endpoint: { "Fn::GetAtt": [logicalId(stack.mail.eventsFunction), "Arn"] },
    });
    template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: { "Fn::GetAtt": [logicalId(stack.mail.eventsFunction), "Arn"] },
      Principal: "sns.amazonaws.com",
      SourceArn: { Ref: logicalId(stack.mail.eventsTopic) },
    });
  });
});

describe("sending permission", SYNTH, () => {
  /** Per handler, the ses:* statements of its function's role, with their resources rendered as text. */
  function sesStatementsByHandler(props: Partial<NpsStackProps>) {
    const { stack, template } = synth(props);
    return new Map(
      [...functionsOf(stack)].map(([handler, fn]) => [
        handler,
        roleStatements(template, fn, stack)
          .filter((s) => actionsOf(s).some((a) => a.startsWith("ses:")))
          .map((s) => ({
            actions: actionsOf(s),
            resources: [s.Resource].flat().map((r) => JSON.stringify(r)),
            condition: s.Condition,
          })),
      ]),
    );
  }

  // The sender mails the surveys; the API mails test emails and the events function alerts, through the
  // same path and identity.
  it.each(["send.ts", "api.ts", "events.ts"])(
    "allows %s only ses:SendEmail, on the sender address identity and the configuration set, as the sender",
    (handler) => {
      const [statement, ...others] =
        sesStatementsByHandler({ senderEmail: "surveys@acme.com" }).get(handler) ?? [];
      expect(others).toEqual([]);
      expect(statement?.actions).toEqual(["ses:SendEmail"]);
      expect(statement?.resources).not.toContain('"*"');
      expect(statement?.resources).toHaveLength(2);
      expect(statement?.resources).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:ses:.*:identity\/surveys@acme\.com"\]\]\}$/),
          expect.stringMatching(/:configuration-set\/",\{"Ref":"MailConfigurationSet[0-9A-F]+"\}\]\]\}$/),
        ]),
      );
      expect(statement?.condition).toEqual({ StringEquals: { "ses:FromAddress": "surveys@acme.com" } });
    },
  );

  it("names the domain identity (and the address) when the client verified a domain", () => {
    const statements = sesStatementsByHandler({ senderEmail: "nps@acme.com", senderDomain: "acme.com" });
    for (const handler of ["send.ts", "api.ts", "events.ts"]) {
      const [statement] = statements.get(handler) ?? [];
      expect(statement?.resources).toHaveLength(3);
      expect(statement?.resources).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:identity\/acme\.com"\]\]\}$/),
          expect.stringMatching(/:identity\/nps@acme\.com"\]\]\}$/),
        ]),
      );
      expect(statement?.resources.join()).not.toMatch(/identity\/\*/);
    }
  });

  it.each([
    ["the sender address", { senderEmail: "surveys@acme.com" }],
    ["a verified domain", { senderEmail: "nps@acme.com", senderDomain: "acme.com" }],
  ])(
    "is given to exactly the sender, the API, the events function, the dispatcher (digests) and the console (sign-in links), the same statement to each, with %s",
    (_name, props) => {
      const statements = sesStatementsByHandler(props);
      const granted = [...statements].filter(([, s]) => s.length > 0).map(([handler]) => handler);
      expect(granted.sort()).toEqual(["api.ts", "console.ts", "dispatch.ts", "events.ts", "send.ts"]);
      expect(statements.get("console.ts")).toEqual(statements.get("send.ts"));
      expect(statements.get("api.ts")).toEqual(statements.get("send.ts"));
      expect(statements.get("dispatch.ts")).toEqual(statements.get("send.ts"));
      expect(statements.get("events.ts")).toEqual(statements.get("send.ts"));
    },
  );
});

describe("function environments", SYNTH, () => {
  it("run every handler in functions/handlers, one function each", () => {
    const { stack } = synth();
    expect([...functionsOf(stack).keys()].sort()).toEqual([...HANDLER_FILES].sort());
  });

  it.each(HANDLER_FILES)(
    "%s has every variable its schema requires, and none of the local-only ones",
    (handler) => {
      const { stack, template, logicalId } = synth();
      const fn = functionsOf(stack).get(handler);
      if (!fn) throw new Error(`no function runs ${handler}`);
      const variables = template.findResources("AWS::Lambda::Function")[logicalId(fn)]?.Properties.Environment
        .Variables as Record<string, unknown>;
      const schema = environmentSchemaOf(handler);
      expect(requiredKeys(schema).length).toBeGreaterThan(0);
      for (const key of requiredKeys(schema)) expect(variables, key).toHaveProperty(key);
      for (const key of LOCAL_ONLY) expect(variables, key).not.toHaveProperty(key);
    },
  );

  it("gives the sender its configuration set (optional in the schema, only because local runs have none)", () => {
    const { stack, template, logicalId } = synth({ senderEmail: "surveys@acme.com" });
    const send = template.findResources("AWS::Lambda::Function")[logicalId(stack.delivery.sendFunction)];
    const variables = send?.Properties.Environment.Variables;
    expect(variables.CONFIGURATION_SET_NAME).toEqual({ Ref: logicalId(stack.mail.configurationSet) });
    expect(variables.SENDER_ADDRESS).toBe("surveys@acme.com");
    // The literal values pass the same validation the handler runs at cold start.
    const { SENDER_ADDRESS } = sendEnvironment;
    expect(readEnvironment({ SENDER_ADDRESS }, variables)).toEqual({ SENDER_ADDRESS: "surveys@acme.com" });
  });

  it("gives the API the sender's mail settings: test emails and previews are the survey emails as sent", () => {
    const { stack, template, logicalId } = synth({ senderEmail: "surveys@acme.com" });
    const functions = template.findResources("AWS::Lambda::Function");
    const variablesOf = (fn: LambdaFunction) => functions[logicalId(fn)]?.Properties.Environment.Variables;
    const mailSettings = ["PUBLIC_BASE_URL", "SENDER_ADDRESS", "CONFIGURATION_SET_NAME"];
    const api = variablesOf(stack.httpApi.apiFunction);
    const send = variablesOf(stack.delivery.sendFunction);
    for (const key of mailSettings) expect({ key, api: api[key] }).toEqual({ key, api: send[key] });
    expect(api.CONFIGURATION_SET_NAME).toEqual({ Ref: logicalId(stack.mail.configurationSet) });
  });

  it("builds survey links on the API's own endpoint, which has no trailing slash", () => {
    const { stack, template, logicalId } = synth();
    const send = template.findResources("AWS::Lambda::Function")[logicalId(stack.delivery.sendFunction)];
    // AWS::ApiGatewayV2::Api's ApiEndpoint is https://<api-id>.execute-api.<region>.amazonaws.com: the
    // origin alone (unlike the stage URL behind the ApiUrl output, which ends in "/").
    expect(send?.Properties.Environment.Variables.PUBLIC_BASE_URL).toEqual({
      "Fn::GetAtt": [logicalId(stack.httpApi.httpApi), "ApiEndpoint"],
    });
    const sample = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";
    const { PUBLIC_BASE_URL } = sendEnvironment;
    expect(readEnvironment({ PUBLIC_BASE_URL }, { PUBLIC_BASE_URL: sample })).toEqual({
      PUBLIC_BASE_URL: sample,
    });
  });
});

describe("stack outputs", SYNTH, () => {
  it("names the send queue, the dead-letter queue and the configuration set", () => {
    const { stack, template, logicalId } = synth();
    template.hasOutput("SendQueueUrl", { Value: { Ref: logicalId(stack.delivery.queue) } });
    template.hasOutput("DeadLetterQueueUrl", { Value: { Ref: logicalId(stack.delivery.deadLetterQueue) } });
    template.hasOutput("ConfigurationSetName", { Value: { Ref: logicalId(stack.mail.configurationSet) } });
    template.hasOutput("MailEventsDeadLetterQueueUrl", {
      Value: { Ref: logicalId(stack.mail.eventsDeadLetterQueue) },
    });
  });
});

describe("Mail domain identity", SYNTH, () => {
  function mailStack(props: { senderDomain?: string; createDomainIdentity?: boolean }) {
    const stack = new Stack(freshApp(), "MailTest");
    const { table } = new DataStore(stack, "Data");
    new Mail(stack, "Mail", { table, senderAddress: "surveys@acme.com", ...props });
    return Template.fromStack(stack);
  }

  it("is not created by default: clients verify their domain outside the stack", () => {
    mailStack({ senderDomain: "acme.com" }).resourceCountIs("AWS::SES::EmailIdentity", 0);
  });

  it("is created with Easy DKIM and the configuration set when asked for", () => {
    mailStack({ senderDomain: "acme.com", createDomainIdentity: true }).hasResourceProperties(
      "AWS::SES::EmailIdentity",
      {
        EmailIdentity: "acme.com",
        DkimAttributes: Match.absent(),
        DkimSigningAttributes: Match.absent(),
        ConfigurationSetAttributes: {
          ConfigurationSetName: { Ref: Match.stringLikeRegexp("^MailConfigurationSet") },
        },
      },
    );
  });

  it("needs the domain", () => {
    expect(() => mailStack({ createDomainIdentity: true })).toThrow(
      /createDomainIdentity needs senderDomain/,
    );
  });
});
