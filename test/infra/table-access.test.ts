// Least privilege on the table: each function's role allows exactly the DynamoDB actions its code calls,
// each on exactly the partitions it names (dynamodb:LeadingKeys), read back from the synthesized policy.
import type { CfnResource, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  API_KEYS_PARTITION,
  aggregateKey,
  apiKeyKey,
  CAMPAIGNS_PARTITION,
  CASES_PARTITION,
  campaignKey,
  campaignListing,
  caseEntryKey,
  caseKey,
  caseListing,
  contactKey,
  DUE_PARTITIONS,
  deliveriesPartition,
  deliveryListing,
  dueListing,
  emailPartition,
  erasedSuppressionKey,
  importMarkKey,
  invitationKey,
  LEGACY_DUE_PARTITION,
  parkedListing,
  parkedPartition,
  personLinkKey,
  personPartitionOfId,
  purchaseKey,
  RESUMING_PARTITION,
  responseKey,
  responseListing,
  responsesPartition,
  resultsPartition,
  resumeListing,
  resumeMarkKey,
  LISTING_INDEX as STORE_LISTING_INDEX,
  segmentValuesKey,
  suppressionKey,
  suppressionListing,
  suppressionsPartition,
  testSendsKey,
  WEBHOOKS_DUE_PARTITION,
  WEBHOOKS_PARTITION,
  webhookDeliveryKey,
  webhookDueListing,
  webhookKey,
  webhookListing,
} from "../../functions/store/keys";
import type { LambdaFunction } from "../../lib/constructs/lambda-function";
import type { NpsStack } from "../../lib/nps-stack";
import { FUNCTION_TABLE_ACCESS, type FunctionName, LISTING_INDEX } from "../../lib/table-access";
import { buildStack, SYNTH } from "./stack-fixture";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** What one role may do with the table: per action on the table, and per index, the partition patterns. */
type TableGrants = {
  table: Record<string, string[]>;
  indexes: Record<string, string[]>;
};

/**
 * The stream reads a DynamoDB event source grants (Table.grantStreamRead): on the stream's ARN, and
 * ListStreams on "*". Checked in "reads the table's stream", not as table grants.
 */
const STREAM_ACTIONS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "dynamodb:ListStreams",
];

/** The statements of the policy attached to `fn`'s execution role. */
function roleStatements(template: Template, stack: Stack, fn: LambdaFunction): Statement[] {
  const roleId = stack.getLogicalId(fn.role?.node.defaultChild as CfnResource);
  const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(roleId),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Statement[];
}

/**
 * The table grants of `fn`, checked on the way: every DynamoDB statement is an Allow on the table or on
 * one named index, conditioned on ForAllValues:StringLike dynamodb:LeadingKeys and nothing else.
 */
function tableGrants(template: Template, stack: NpsStack, fn: LambdaFunction): TableGrants {
  const tableId = stack.getLogicalId(stack.dataStore.table.node.defaultChild as CfnResource);
  const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };
  const grants: TableGrants = { table: {}, indexes: {} };
  for (const statement of roleStatements(template, stack, fn)) {
    const actions = [statement.Action].flat();
    if (!actions.some((a) => a.startsWith("dynamodb:"))) continue;
    // Policy minimization may put ListStreams beside X-Ray's actions, which share its Resource "*".
    if (actions.filter((a) => a.startsWith("dynamodb:")).every((a) => STREAM_ACTIONS.includes(a))) continue;
    expect(actions.every((a) => a.startsWith("dynamodb:"))).toBe(true);
    expect(statement.Effect).toBe("Allow");
    expect(Object.keys(statement.Condition ?? {})).toEqual(["ForAllValues:StringLike"]);
    const condition = (statement.Condition as Record<string, Record<string, string[]>>)[
      "ForAllValues:StringLike"
    ];
    expect(Object.keys(condition ?? {})).toEqual(["dynamodb:LeadingKeys"]);
    const patterns = [condition?.["dynamodb:LeadingKeys"] ?? []].flat();

    const resources = [statement.Resource].flat();
    expect(resources).toHaveLength(1);
    const [resource] = resources;
    let target: Record<string, string[]>;
    if (JSON.stringify(resource) === JSON.stringify(tableArn)) {
      target = grants.table;
    } else {
      // `${table.tableArn}/index/<name>`, rendered as a Fn::Join of the table's ARN and the suffix.
      const join = (resource as { "Fn::Join"?: [string, unknown[]] })["Fn::Join"];
      expect(join?.[0]).toBe("");
      expect(JSON.stringify(join?.[1][0])).toBe(JSON.stringify(tableArn));
      const indexName = /^\/index\/([A-Za-z0-9_.-]+)$/.exec(String(join?.[1][1]))?.[1];
      expect(join?.[1]).toHaveLength(2);
      expect(actions).toEqual(["dynamodb:Query"]);
      if (!indexName) throw new Error(`not an index ARN: ${JSON.stringify(resource)}`);
      target = grants.indexes;
      actions.splice(0, 1, indexName);
    }
    for (const action of actions) {
      const name = action.replace(/^dynamodb:/, "");
      target[name] = [...new Set([...(target[name] ?? []), ...patterns])].sort();
    }
  }
  return grants;
}

/** IAM StringLike: `*` any run of characters, `?` any one character, everything else literal. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}

/** Whether `grants` allow `action` on the table item(s) of partition `partitionKey`. */
const allows = (grants: TableGrants, action: string, partitionKey: string) =>
  (grants.table[action] ?? []).some((pattern) => stringLike(pattern, partitionKey));

/**
 * The grants each function needs, from its code (see lib/table-access.ts for where each comes from),
 * spelled out here independently of that file.
 */
const EXPECTED: Record<FunctionName, TableGrants> = {
  api: {
    table: {
      // SUPPRESSED#*: the suppression check before a purchase reads what an erasure kept. WEBHOOK#*: a
      // subscription and a delivery.
      GetItem: ["APIKEY#*", "CAMPAIGN#*", "INVITATION#*", "SUPPRESSED#*", "WEBHOOK#*"],
      // An erasure reads the deliveries of the person's events by their keys.
      BatchGetItem: ["WEBHOOK#*"],
      // INVITATION#*, PERSON#*: a person's export and erasure read their links, invitations and answers.
      // CASE#*: a case with its timeline (one Query of its partition).
      Query: ["CAMPAIGN#*", "CASE#*", "EMAIL#*", "INVITATION#*", "PERSON#*", "RESULTS#*"],
      // EMAIL#*: the Delighted-compatible API's POST unsubscribes puts the address's suppression;
      // PERSON#*: each purchase's link to its person; SUPPRESSED#*: the suppression an erasure keeps.
      // CASE#*: timeline entries (notes, replies, changes); WEBHOOK#*: a subscription, a test delivery.
      PutItem: ["CAMPAIGN#*", "CASE#*", "EMAIL#*", "INVITATION#*", "PERSON#*", "SUPPRESSED#*", "WEBHOOK#*"],
      // INVITATION#*: an erasure blanks the person's invitations and answers. CASE#*: a case's status
      // and owner; RESULTS#*: its first-response and resolution counters; WEBHOOK#*: a subscription edited.
      UpdateItem: ["CAMPAIGN#*", "CASE#*", "EMAIL#*", "INVITATION#*", "RESULTS#*", "WEBHOOK#*"],
      // A purchase behind a later scheduled survey checks the contact's window without moving it; a
      // note is added on condition that its case exists.
      ConditionCheckItem: ["CASE#*", "EMAIL#*"],
      // For deleting a campaign that never sent: the campaign and its unsent invitations; its
      // purchases and test-send counters, its segment values and zero aggregates. EMAIL#*: an erasure
      // deletes the address's contact and suppression (their keys hold the address). A subscription
      // removed leaves a tombstone (a Put), so its deliveries stay reachable by an erasure.
      DeleteItem: ["CAMPAIGN#*", "EMAIL#*", "INVITATION#*"],
      BatchWriteItem: ["CAMPAIGN#*", "RESULTS#*"],
    },
    indexes: {
      // WEBHOOKS-DELETED: an erasure also reaches the deliveries of deleted subscriptions.
      gsi1: [
        "CAMPAIGNS",
        "CASES",
        "DELIVERIES#*",
        "RESPONSES#*",
        "SUPPRESSIONS#*",
        "WEBHOOKS",
        "WEBHOOKS-DELETED",
      ],
    },
  },
  survey: {
    table: {
      // SUPPRESSED#*: the unsubscribe page's check of the address reads what an erasure kept.
      GetItem: ["CAMPAIGN#*", "SUPPRESSED#*"],
      Query: ["EMAIL#*", "INVITATION#*"],
      PutItem: ["EMAIL#*", "INVITATION#*"],
      UpdateItem: ["EMAIL#*", "INVITATION#*", "RESULTS#*"],
    },
    indexes: {},
  },
  dispatch: {
    // Claims, give-ups and putting parked invitations back; a resume mark goes once all are back.
    // WEBHOOK#*, WEBHOOKS-DUE: webhook deliveries retried on the minute tick.
    // CAMPAIGNS, CASES, RESULTS#*, DIGEST#*: the owners' daily case digests (campaigns with owners,
    // their cases, two weeks of aggregates, the mark that a digest was claimed and sent).
    table: {
      GetItem: ["WEBHOOK#*"],
      Query: ["RESULTS#*"],
      PutItem: ["DIGEST#*"],
      UpdateItem: ["DIGEST#*", "INVITATION#*", "WEBHOOK#*"],
      DeleteItem: ["CAMPAIGN#*"],
    },
    indexes: { gsi1: ["CAMPAIGNS", "CASES", "DUE"], gsi2: ["DUE#*", "PARKED#*", "RESUMING", "WEBHOOKS-DUE"] },
  },
  send: {
    table: {
      // SUPPRESSED#*: the suppression check before a send reads what an erasure kept.
      GetItem: ["CAMPAIGN#*", "INVITATION#*", "SUPPRESSED#*"],
      Query: ["EMAIL#*"],
      // CAMPAIGN#*: marking an invitation sent extends its purchase's expiry in the same transaction.
      UpdateItem: ["CAMPAIGN#*", "EMAIL#*", "INVITATION#*", "RESULTS#*"],
      // The send's locks are taken on condition that the address is not suppressed; an invitation
      // is parked on condition that its campaign is still paused.
      ConditionCheckItem: ["CAMPAIGN#*", "EMAIL#*"],
    },
    indexes: {},
  },
  "mail-events": {
    table: { PutItem: ["EMAIL#*"] },
    indexes: {},
  },
  events: {
    table: {
      // An answer's campaign (its alert rules); a delivery read again after a conflicting update.
      GetItem: ["CAMPAIGN#*", "WEBHOOK#*"],
      // The case it opened, whole; the answer as it stands now.
      Query: ["CASE#*", "INVITATION#*"],
      // A case and its timeline entries; a webhook delivery.
      PutItem: ["CASE#*", "WEBHOOK#*"],
      // Alert marks on a case; case counters; a delivery's attempt, a subscription disabled on 410.
      UpdateItem: ["CASE#*", "RESULTS#*", "WEBHOOK#*"],
      // That a case's answer was not erased, as the case opens.
      ConditionCheckItem: ["INVITATION#*"],
    },
    // The subscriptions an event fans out to.
    indexes: { gsi1: ["WEBHOOKS"] },
  },
  console: {
    table: {
      // A page's campaign and a listing's cursor; each request's session and user; a sign-in link; a
      // webhook subscription and a delivery to retry.
      GetItem: ["CAMPAIGN#*", "SESSION#*", "SIGNIN#*", "USER#*", "WEBHOOK#*"],
      // A case with its timeline; a campaign's results and case counters.
      Query: ["CASE#*", "RESULTS#*"],
      // An API key created; a campaign created or replaced (and its resume mark); a case's timeline
      // entry; a session, a sign-in link, a user added; a subscription and its test delivery.
      PutItem: ["APIKEY#*", "CAMPAIGN#*", "CASE#*", "SESSION#*", "SIGNIN#*", "USER#*", "WEBHOOK#*"],
      // A key revoked; a case changed and its first response and resolution counted; a session's
      // expiry extended; a link used once; the hourly counters of link requests; a subscription
      // enabled or disabled, a delivery attempted.
      UpdateItem: ["APIKEY#*", "CASE#*", "RESULTS#*", "SESSION#*", "SIGNIN#*", "SIGNINLIMIT#*", "WEBHOOK#*"],
      // That a case exists as a note is added to it.
      ConditionCheckItem: ["CASE#*"],
      // Sign-out and a removed user's sessions; a user removed (a subscription removed is a tombstone Put).
      DeleteItem: ["SESSION#*", "USER#*"],
    },
    indexes: { gsi1: ["APIKEYS", "CAMPAIGNS", "CASES", "DELIVERIES#*", "RESPONSES#*", "USERS", "WEBHOOKS"] },
  },
};

const FUNCTION_NAMES = Object.keys(EXPECTED) as FunctionName[];

/** The stack as the tests build it, and as `cdk synth` does (cdk.json turns on policy minimization). */
function synth(options: { minimizePolicies?: boolean } = {}) {
  const { stack } = buildStack(
    {},
    { context: options.minimizePolicies ? { "@aws-cdk/aws-iam:minimizePolicies": true } : {} },
  );
  const template = Template.fromStack(stack);
  const grantsOf = (name: FunctionName) => {
    const fn = stack.functions[name];
    if (!fn) throw new Error(`no ${name} function`);
    return tableGrants(template, stack, fn);
  };
  return { stack, template, grantsOf };
}

describe("table access per function", SYNTH, () => {
  it.each([
    ["as the tests synthesize", false],
    ["with cdk.json's policy minimization", true],
  ])("grants each function exactly its actions on exactly its partitions, %s", (_name, minimizePolicies) => {
    const { stack, grantsOf } = synth({ minimizePolicies });
    expect(Object.keys(stack.functions).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) {
      expect({ name, ...grantsOf(name) }).toEqual({ name, ...EXPECTED[name] });
    }
  });

  it("is what lib/table-access.ts declares", () => {
    for (const name of FUNCTION_NAMES) {
      const { items = {}, indexQueries = {} } = FUNCTION_TABLE_ACCESS[name];
      const sorted = (grants: Readonly<Record<string, readonly string[]>>) =>
        Object.fromEntries(Object.entries(grants).map(([key, patterns]) => [key, [...patterns].sort()]));
      expect({ name, table: sorted(items), indexes: sorted(indexQueries) }).toEqual({
        name,
        ...EXPECTED[name],
      });
    }
  });

  it("never allows a scan, a transactional read or table management, nor a batch read but api's of deliveries", () => {
    const { template } = synth();
    const actions = Object.values(template.findResources("AWS::IAM::Policy")).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()),
    );
    const dynamo = [...new Set(actions.filter((a) => a.startsWith("dynamodb:")))].sort();
    expect(dynamo.filter((a) => !STREAM_ACTIONS.includes(a))).toEqual([
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    // No wildcard resource or index: each statement names the table or gsi1 (checked in tableGrants).
    expect(JSON.stringify(template.findResources("AWS::IAM::Policy"))).not.toContain("/index/*");
  });

  it.each([
    ["as the tests synthesize", false],
    ["with cdk.json's policy minimization", true],
  ])(
    "lets only the events function read the table's stream, on its ARN alone, %s",
    (_name, minimizePolicies) => {
      const { stack, template } = synth({ minimizePolicies });
      const tableId = stack.getLogicalId(stack.dataStore.table.node.defaultChild as CfnResource);
      const streamArn = JSON.stringify({ "Fn::GetAtt": [tableId, "StreamArn"] });
      for (const name of FUNCTION_NAMES) {
        const fn = stack.functions[name];
        if (!fn) throw new Error(`no ${name} function`);
        const reads = roleStatements(template, stack, fn).flatMap((statement) =>
          [statement.Action]
            .flat()
            .filter((action) => STREAM_ACTIONS.includes(action))
            .flatMap((action) => {
              expect(statement.Effect).toBe("Allow");
              return [statement.Resource].flat().map((resource) => {
                const target = JSON.stringify(resource);
                return `${action} ${target === streamArn ? "stream" : target}`;
              });
            }),
        );
        expect({ name, reads: reads.sort() }).toEqual({
          name,
          reads:
            name === "events"
              ? [
                  "dynamodb:DescribeStream stream",
                  "dynamodb:GetRecords stream",
                  "dynamodb:GetShardIterator stream",
                  // Lambda's poller lists streams; the action names no resource (a reasoned cdk-nag
                  // suppression, lib/nag-suppressions.ts).
                  'dynamodb:ListStreams "*"',
                ]
              : [],
        });
      }
    },
  );

  it("keeps API keys out of reach of everything but the api function's key check and the console's keys page", () => {
    const { grantsOf } = synth();
    const apiKey = apiKeyKey("key_0123456789abcdef").pk;
    for (const name of FUNCTION_NAMES) {
      const grants = grantsOf(name);
      // The console's admins create keys (shown once) and revoke them; nothing deletes one.
      for (const write of ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]) {
        const ok = name === "console" && (write === "PutItem" || write === "UpdateItem");
        expect({ name, write, ok: allows(grants, write, apiKey) }).toEqual({ name, write, ok });
      }
      expect({ name, read: allows(grants, "GetItem", apiKey) }).toEqual({ name, read: name === "api" });
    }
    // The case: the public survey function cannot write an API key (nor a campaign).
    const survey = grantsOf("survey");
    expect(allows(survey, "PutItem", apiKey)).toBe(false);
    expect(allows(survey, "PutItem", campaignKey("cmp_x").pk)).toBe(false);
    expect(allows(survey, "UpdateItem", campaignKey("cmp_x").pk)).toBe(false);
    expect(survey.indexes).toEqual({});
    // Nor may any function but the console (its keys page: names and dates, never a hash anyone reads)
    // list the API keys through gsi1, nor any but the dispatcher read the work index (due, parked,
    // resumed) or the legacy due partition.
    for (const name of FUNCTION_NAMES) {
      const listings = grantsOf(name).indexes.gsi1 ?? [];
      const reads = (partition: string) => listings.some((pattern) => stringLike(pattern, partition));
      expect({
        name,
        apiKeys: reads(API_KEYS_PARTITION),
        legacyDue: reads(LEGACY_DUE_PARTITION),
        work: grantsOf(name).indexes.gsi2 !== undefined,
      }).toEqual({
        name,
        apiKeys: name === "console",
        legacyDue: name === "dispatch",
        work: name === "dispatch",
      });
    }
  });

  it("lets only the api function and the console create or replace campaigns, only api purchases, and only api, mail and survey add suppressions", () => {
    const { grantsOf } = synth();
    const campaign = campaignKey("cmp_x").pk;
    const email = emailPartition("ana@example.com");
    const writers = (partition: string, action: string) =>
      FUNCTION_NAMES.filter((name) => allows(grantsOf(name), action, partition)).sort();
    // The console's campaign form; which items of the partition it writes (never a purchase) is checked
    // on the code, in table-access-enforced.test.ts.
    expect(writers(campaign, "PutItem")).toEqual(["api", "console"]);
    // api counts a campaign's test emails (TESTSENDS#<hour>), send extends a purchase's expiry: IAM
    // bounds the partition only, so which items of it each updates is checked on the code, in
    // table-access-enforced.test.ts.
    expect(writers(campaign, "UpdateItem")).toEqual(["api", "send"]);
    expect(writers(email, "PutItem")).toEqual(["api", "mail-events", "survey"]);
    // api: a case's first-response and resolution counters; events: its opening (issue 13).
    // Console and api: a case's first-response and resolution counters.
    expect(writers(resultsPartition("cmp_x"), "UpdateItem")).toEqual([
      "api",
      "console",
      "events",
      "send",
      "survey",
    ]);
    // Cases are opened by the events function and worked through the api and the console; deliveries
    // are written by the events function, retried by the dispatcher, and tested and retried by hand
    // through the api and the console; subscriptions are the api's and the console's.
    expect(writers(caseKey("case_x").pk, "PutItem")).toEqual(["api", "console", "events"]);
    expect(writers(webhookKey("wh_x").pk, "PutItem")).toEqual(["api", "console", "events"]);
    expect(writers(webhookDeliveryKey("wh_x", "dlv_x").pk, "UpdateItem")).toEqual([
      "api",
      "console",
      "dispatch",
      "events",
    ]);
    expect(writers(invitationKey("t").pk, "PutItem")).toEqual(["api", "survey"]);
    // A person's links come with purchases, and only an erasure keeps a suppression under a hash.
    expect(writers(personLinkKey("ana@example.com", "cmp_x", "A-1").pk, "PutItem")).toEqual(["api"]);
    expect(writers(erasedSuppressionKey("ana@example.com").pk, "PutItem")).toEqual(["api"]);
  });

  it("lets only the api function delete, and only a campaign's own records and an erased person's address records (the dispatcher its resume mark, the console sessions and users): never a key, a subscription or a delivery", () => {
    const { grantsOf } = synth();
    for (const name of FUNCTION_NAMES) {
      const { DeleteItem = [], BatchWriteItem = [] } = grantsOf(name).table;
      expect({ name, DeleteItem, BatchWriteItem }).toEqual(
        name === "api"
          ? {
              name,
              DeleteItem: ["CAMPAIGN#*", "EMAIL#*", "INVITATION#*"],
              BatchWriteItem: ["CAMPAIGN#*", "RESULTS#*"],
            }
          : name === "dispatch"
            ? { name, DeleteItem: ["CAMPAIGN#*"], BatchWriteItem: [] }
            : name === "console"
              ? { name, DeleteItem: ["SESSION#*", "USER#*"], BatchWriteItem: [] }
              : { name, DeleteItem: [], BatchWriteItem: [] },
      );
    }
    // Deleting a suppression would mail people who unsubscribed or bounced; a contact, their throttle.
    // Only an erasure deletes them (a suppression in force kept under the address's hash first, in the
    // same transaction: table-access-enforced.test.ts checks which items the api deletes), never in a
    // batch; the kept suppressions and people's links are never deleted.
    const api = grantsOf("api");
    const deletable = (partition: string) =>
      ["DeleteItem", "BatchWriteItem"].filter((action) => allows(api, action, partition));
    expect(deletable(campaignKey("cmp_x").pk)).toEqual(["DeleteItem", "BatchWriteItem"]);
    expect(deletable(purchaseKey("cmp_x", "A-1").pk)).toEqual(["DeleteItem", "BatchWriteItem"]);
    expect(deletable(invitationKey("t").pk)).toEqual(["DeleteItem"]);
    expect(deletable(resultsPartition("cmp_x"))).toEqual(["BatchWriteItem"]);
    expect(deletable(suppressionKey("ana@example.com").pk)).toEqual(["DeleteItem"]);
    expect(deletable(contactKey("ana@example.com").pk)).toEqual(["DeleteItem"]);
    expect(deletable(erasedSuppressionKey("ana@example.com").pk)).toEqual([]);
    expect(deletable(personLinkKey("ana@example.com", "cmp_x", "A-1").pk)).toEqual([]);
    expect(deletable(apiKeyKey("key_0123456789abcdef").pk)).toEqual([]);
    // A subscription is replaced by its tombstone, its delivery log expires; a case and its timeline are kept.
    expect(deletable(webhookKey("wh_x").pk)).toEqual([]);
    expect(deletable(caseKey("case_x").pk)).toEqual([]);
  });
});

describe("the partition patterns against the key design (functions/store/keys.ts)", () => {
  const families: [pattern: string, keys: string[]][] = [
    [
      "CAMPAIGN#*",
      [
        campaignKey("cmp_a").pk,
        purchaseKey("cmp_a", "A-1001").pk,
        testSendsKey("cmp_a", "2026-01-01T09").pk,
        resumeMarkKey("cmp_a").pk,
      ],
    ],
    ["INVITATION#*", [invitationKey("tok").pk, responseKey("tok").pk, importMarkKey("tok").pk]],
    ["EMAIL#*", [contactKey("ana@example.com").pk, suppressionKey("ana@example.com").pk]],
    ["PERSON#*", [personLinkKey("ana@example.com", "cmp_a", "A-1001").pk, personPartitionOfId("0a1b")]],
    ["SUPPRESSED#*", [erasedSuppressionKey("ana@example.com").pk]],
    ["APIKEY#*", [apiKeyKey("key_a").pk]],
    [
      "RESULTS#*",
      [aggregateKey("cmp_a", "*", "2026-01-01", "north").pk, segmentValuesKey("cmp_a", "region").pk],
    ],
    ["CASE#*", [caseKey("case_a").pk, caseEntryKey("case_a", "2026-01-01T00:00:00.000Z", "e1").pk]],
    ["WEBHOOK#*", [webhookKey("wh_a").pk, webhookDeliveryKey("wh_a", "dlv_a").pk]],
  ];
  const listings: [pattern: string, keys: string[]][] = [
    ["CAMPAIGNS", [campaignListing("2026-01-01T00:00:00.000Z", "cmp_a").gsi1pk, CAMPAIGNS_PARTITION]],
    [
      "RESPONSES#*",
      [responseListing("cmp_a", "2026-01-01T00:00:00.000Z", "tok").gsi1pk, responsesPartition("cmp_a")],
    ],
    [
      "SUPPRESSIONS#*",
      [
        suppressionListing("bounced", "2026-01-01T00:00:00.000Z", "ana@example.com").gsi1pk,
        suppressionsPartition("unsubscribed"),
      ],
    ],
    ["DUE", [LEGACY_DUE_PARTITION]],
    ["DUE#*", [dueListing("2026-01-01T00:00:00.000Z", "tok").gsi2pk, ...DUE_PARTITIONS]],
    [
      "PARKED#*",
      [parkedListing("cmp_a", "2026-01-01T00:00:00.000Z", "tok").gsi2pk, parkedPartition("cmp_a")],
    ],
    ["RESUMING", [resumeListing("2026-01-01T00:00:00.000Z", "cmp_a").gsi2pk, RESUMING_PARTITION]],
    ["CASES", [caseListing("2026-01-01T00:00:00.000Z", "case_a").gsi1pk, CASES_PARTITION]],
    ["WEBHOOKS", [webhookListing("2026-01-01T00:00:00.000Z", "wh_a").gsi1pk, WEBHOOKS_PARTITION]],
    [
      "DELIVERIES#*",
      [deliveryListing("wh_a", "2026-01-01T00:00:00.000Z", "dlv_a").gsi1pk, deliveriesPartition("wh_a")],
    ],
    [
      "WEBHOOKS-DUE",
      [webhookDueListing("2026-01-01T00:00:00.000Z", "wh_a", "dlv_a").gsi2pk, WEBHOOKS_DUE_PARTITION],
    ],
  ];

  it("each pattern matches every partition of its item family", () => {
    for (const [pattern, keys] of [...families, ...listings]) {
      for (const key of keys)
        expect({ pattern, key, match: stringLike(pattern, key) }).toEqual({ pattern, key, match: true });
    }
  });

  it("no pattern matches another family's partitions, nor the listing partitions", () => {
    const all = [...families, ...listings, ["", [API_KEYS_PARTITION]] as [string, string[]]];
    for (const [pattern] of families) {
      for (const [other, keys] of all) {
        if (other === pattern) continue;
        for (const key of keys)
          expect({ pattern, key, match: stringLike(pattern, key) }).toEqual({ pattern, key, match: false });
      }
    }
  });

  it("no listing pattern matches another listing's partitions (WEBHOOKS-DUE is not a DUE# shard)", () => {
    for (const [pattern] of listings) {
      for (const [other, keys] of listings) {
        if (other === pattern) continue;
        for (const key of keys)
          expect({ pattern, key, match: stringLike(pattern, key) }).toEqual({ pattern, key, match: false });
      }
    }
  });

  it("queries the index the store queries", () => {
    expect(LISTING_INDEX).toBe(STORE_LISTING_INDEX);
    expect(LISTING_INDEX).toBe("gsi1");
  });
});
