// The events function on the table's stream: the event source mapping (order, retries, failures, the
// filter held against the key design), its failure queue, its environment and permissions.
import { type CfnResource, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AttributeType, Table } from "aws-cdk-lib/aws-dynamodb";
import { describe, expect, it } from "vitest";
import { eventsEnvironment } from "../../functions/platform/environment";
import {
  aggregateKey,
  apiKeyKey,
  campaignKey,
  caseEntryKey,
  caseKey,
  changedItemKind,
  contactKey,
  erasedSuppressionKey,
  importMarkKey,
  invitationKey,
  personLinkKey,
  purchaseKey,
  responseKey,
  resumeMarkKey,
  segmentValuesKey,
  suppressionKey,
  testSendsKey,
  webhookDeliveryKey,
  webhookKey,
} from "../../functions/store/keys";
import { tableDefinition } from "../../functions/store/table-definition";
import { DataStore } from "../../lib/data-store";
import { Mail } from "../../lib/mail";
import type { NpsStackProps } from "../../lib/nps-stack";
import { REACTED_TO_EVENTS, REACTED_TO_ITEMS, STREAM_SETTINGS, TableEvents } from "../../lib/table-events";
import { buildStack, freshApp, SYNTH } from "./stack-fixture";

function synth(props: Partial<NpsStackProps> = {}) {
  const { stack } = buildStack(props);
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnResource);
  return { stack, template, logicalId };
}

/** The stream's event source mapping (the stack's other one reads the send queue). */
function streamMapping(template: Template, functionId: string) {
  const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping")).filter(
    (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]?.Properties as Record<string, unknown>;
}

type Pattern = { [key: string]: Pattern | (string | { prefix: string })[] };

/**
 * Whether a Lambda event filter pattern matches `event`, for the pattern syntax the stack uses: a
 * field's list of alternatives (an exact string, or `{ prefix }`), objects for nested fields
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
 */
function matches(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    const value = event[field];
    if (!Array.isArray(rule)) {
      return typeof value === "object" && value !== null && matches(rule, value as Record<string, unknown>);
    }
    if (typeof value !== "string") return false;
    return rule.some((alternative) =>
      typeof alternative === "string" ? value === alternative : value.startsWith(alternative.prefix),
    );
  });
}

/** A stream record as Lambda filters it: the event name and the keys in DynamoDB JSON. */
const streamRecord = (eventName: string, key: { pk: string; sk: string }) => ({
  eventName,
  dynamodb: {
    Keys: {
      [tableDefinition.partitionKey]: { S: key.pk },
      [tableDefinition.sortKey]: { S: key.sk },
    },
  },
});

/** One item of every family of functions/store/keys.ts. */
const SAMPLE_KEYS = [
  responseKey("tok_a"),
  suppressionKey("ana@example.com"),
  caseKey("case_a"),
  invitationKey("tok_a"),
  importMarkKey("tok_a"),
  contactKey("ana@example.com"),
  caseEntryKey("case_a", "2026-01-01T00:00:00.000Z", "e1"),
  webhookKey("wh_a"),
  webhookDeliveryKey("wh_a", "dlv_a"),
  campaignKey("cmp_a"),
  purchaseKey("cmp_a", "A-1"),
  testSendsKey("cmp_a", "2026-01-01T09"),
  resumeMarkKey("cmp_a"),
  aggregateKey("cmp_a", "*", "2026-01-01", "north"),
  segmentValuesKey("cmp_a", "region"),
  apiKeyKey("key_a"),
  erasedSuppressionKey("ana@example.com"),
  personLinkKey("ana@example.com", "cmp_a", "A-1"),
];

describe("events function stream", SYNTH, () => {
  it("reads the table's stream from its oldest record, in order per item, 100 records a batch", () => {
    const { stack, template, logicalId } = synth();
    const mapping = streamMapping(template, logicalId(stack.events.eventsFunction));
    expect(mapping).toMatchObject({
      EventSourceArn: { "Fn::GetAtt": [logicalId(stack.dataStore.table), "StreamArn"] },
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 100,
      // One batch per shard at a time: an item's changes are handled in the order they committed.
      ParallelizationFactor: 1,
    });
    expect(STREAM_SETTINGS.batchSize).toBe(100);
  });

  it("retries a failed batch from its first failed record, split in halves, then describes it in the failure queue", () => {
    const { stack, template, logicalId } = synth();
    const mapping = streamMapping(template, logicalId(stack.events.eventsFunction));
    expect(mapping).toMatchObject({
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 24 * 3600,
      DestinationConfig: {
        OnFailure: { Destination: { "Fn::GetAtt": [logicalId(stack.events.failureQueue), "Arn"] } },
      },
    });
  });

  it("lets through only new and changed responses, suppressions and cases, as the handler's key design tells them", () => {
    const { stack, template, logicalId } = synth();
    const mapping = streamMapping(template, logicalId(stack.events.eventsFunction));
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters).toHaveLength(REACTED_TO_ITEMS.length);
    const patterns = filters.map((filter) => JSON.parse(filter.Pattern) as Pattern);
    expect(patterns).toContainEqual({
      eventName: ["INSERT", "MODIFY"],
      dynamodb: { Keys: { pk: { S: [{ prefix: "INVITATION#" }] }, sk: { S: ["RESPONSE"] } } },
    });
    expect(REACTED_TO_EVENTS).toEqual(["INSERT", "MODIFY"]);

    const kinds = new Set(SAMPLE_KEYS.map(changedItemKind));
    expect([...kinds].sort()).toEqual(["case", "other", "response", "suppression"]);
    for (const key of SAMPLE_KEYS) {
      const kind = changedItemKind(key);
      for (const eventName of ["INSERT", "MODIFY", "REMOVE"]) {
        const passes = patterns.some((pattern) => matches(pattern, streamRecord(eventName, key)));
        expect({ key, eventName, passes }).toEqual({
          key,
          eventName,
          passes: kind !== "other" && eventName !== "REMOVE",
        });
      }
      // Each filter lets through the kind it is named after.
      const named = REACTED_TO_ITEMS.filter((_item, index) => {
        const pattern = patterns[index];
        return pattern !== undefined && matches(pattern, streamRecord("INSERT", key));
      }).map((item) => item.kind);
      expect({ key, named }).toEqual({ key, named: kind === "other" ? [] : [kind] });
    }
  });

  it("is refused a table without a stream", () => {
    const stack = new Stack(freshApp(), "EventsTest");
    const table = new Table(stack, "Plain", { partitionKey: { name: "pk", type: AttributeType.STRING } });
    const mail = new Mail(stack, "Mail", { table, senderAddress: "surveys@acme.com" });
    expect(new DataStore(stack, "Data").table.tableStreamArn).toBeDefined();
    expect(
      () => new TableEvents(stack, "Events", { table, mail, publicBaseUrl: "https://surveys.example.com" }),
    ).toThrow(/has no stream/);
  });
});

describe("events failure queue", SYNTH, () => {
  it("is SSE-encrypted, refuses plain HTTP, keeps what failed 14 days and is a dead-letter queue", () => {
    const { stack, template, logicalId } = synth();
    const queueId = logicalId(stack.events.failureQueue);
    const queue = template.findResources("AWS::SQS::Queue")[queueId];
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedriveAllowPolicy: { redrivePermission: "allowAll" },
    });
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    template.hasOutput("EventsFailureQueueUrl", { Value: { Ref: queueId } });
  });

  it("may be written by the events function, and by no other", () => {
    const { stack, template, logicalId } = synth();
    const queueArn = JSON.stringify({ "Fn::GetAtt": [logicalId(stack.events.failureQueue), "Arn"] });
    const eventsRole = stack.getLogicalId(stack.events.eventsFunction.role?.node.defaultChild as CfnResource);
    const writers = Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((policy) =>
        (
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]
        ).some(
          (s) =>
            [s.Action].flat().includes("sqs:SendMessage") && JSON.stringify(s.Resource).includes(queueArn),
        ),
      )
      .map((policy) => policy.Properties.Roles);
    expect(writers).toEqual([[{ Ref: eventsRole }]]);
  });
});

describe("events function", SYNTH, () => {
  it("runs events.ts on Node 22, ARM64, with the table and the sender's mail settings", () => {
    const { stack, template, logicalId } = synth({ senderEmail: "surveys@acme.com", retentionDays: 365 });
    expect(stack.events.eventsFunction.handlerFile).toBe("events.ts");
    expect(stack.functions.events).toBe(stack.events.eventsFunction);
    const functions = template.findResources("AWS::Lambda::Function");
    const events = functions[logicalId(stack.events.eventsFunction)]?.Properties;
    const send = functions[logicalId(stack.delivery.sendFunction)]?.Properties;
    expect(events).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], Timeout: 120 });
    const variables = events.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(stack.dataStore.table) },
      RETENTION_DAYS: "365",
      SENDER_ADDRESS: "surveys@acme.com",
      CONFIGURATION_SET_NAME: { Ref: logicalId(stack.mail.configurationSet) },
      METRICS_SERVICE: "events",
    });
    // Alert links are on the survey links' origin (the custom domain when there is one).
    expect(variables.PUBLIC_BASE_URL).toEqual(send.Environment.Variables.PUBLIC_BASE_URL);
    // Every variable its cold start reads, but the local-only ones and Lambda's own AWS_REGION.
    for (const key of Object.keys(eventsEnvironment)) {
      if (["DYNAMODB_ENDPOINT", "SES_ENDPOINT", "AWS_REGION"].includes(key)) continue;
      expect(variables, key).toHaveProperty(key);
    }
    expect(variables).not.toHaveProperty("DYNAMODB_ENDPOINT");
    expect(variables).not.toHaveProperty("SES_ENDPOINT");
  });
});
