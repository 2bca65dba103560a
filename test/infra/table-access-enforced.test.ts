// The table grants against the code: each Lambda handler runs its flows on DynamoDB Local behind a proxy
// that authorizes every call with that function's synthesized IAM policy, as DynamoDB would. Every call
// the code makes must be allowed, and every grant must be used by some flow: the grants are neither
// short of what the code does nor wider than it.
import { randomUUID } from "node:crypto";
import type { CfnResource } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { ScheduledEvent, SNSEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStores, type Stores } from "../../functions/store/stores";
import type { FunctionName } from "../../lib/table-access";
import { freePort } from "../../local/ports";
import { type SesLocal, startSesLocal } from "../../local/ses-local";
import { createTestTable, type TestTable } from "../support/dynamo";
import { type Fault, type FaultProxy, type ProxiedRequest, startFaultProxy } from "../support/fault-proxy";
import {
  asHttpEntry,
  type HttpEntry,
  type HttpResult,
  httpEvent,
  invoke,
  type LambdaEntry,
  scheduledEvent,
  snsEvent,
  sqsEvent,
  sqsRecord,
  stubLambdaEnvironment,
} from "../support/lambda";
import { type SqsReceiver, startSqsReceiver } from "../support/sqs-receiver";
import { buildStack } from "./stack-fixture";

const FUNCTIONS: readonly FunctionName[] = ["api", "survey", "dispatch", "send", "mail-events"];
/** The synthesized table's ARN, and the one each request is authorized against (one table: one ARN). */
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/open-nps";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Policy = { statements: Statement[] };

/** One authorization DynamoDB makes for a call: a transaction makes one per item. */
type Authorization = { action: string; resource: string; leadingKeys: string[] };

/** The DynamoDB statements of each function's role, with the table's ARN resolved to TABLE_ARN. */
function synthesizedPolicies(): Record<FunctionName, Policy> {
  const { stack } = buildStack();
  const template = Template.fromStack(stack);
  const tableId = stack.getLogicalId(stack.dataStore.table.node.defaultChild as CfnResource);
  const resolveArn = (resource: unknown): unknown =>
    JSON.parse(
      JSON.stringify(resource).replaceAll(
        JSON.stringify({ "Fn::GetAtt": [tableId, "Arn"] }),
        `"${TABLE_ARN}"`,
      ),
    );
  const resolveJoin = (resource: unknown): unknown => {
    const join = (resource as { "Fn::Join"?: [string, unknown[]] })?.["Fn::Join"];
    return join?.[1].every((part) => typeof part === "string") ? join[1].join(join[0]) : resource;
  };
  const policies = {} as Record<FunctionName, Policy>;
  for (const name of FUNCTIONS) {
    const fn = stack.functions[name];
    const roleId = stack.getLogicalId(fn?.role?.node.defaultChild as CfnResource);
    const [policy] = Object.values(template.findResources("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    if (!policy) throw new Error(`no policy for the ${name} function`);
    const statements = (policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("dynamodb:")))
      .map((s) => ({ ...s, Resource: [s.Resource].flat().map((r) => resolveJoin(resolveArn(r))) }));
    policies[name] = { statements };
  }
  return policies;
}

/** IAM StringLike: `*` any run of characters, `?` any one character, everything else literal. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}

/**
 * The statement that allows `request`, if any. Only the condition these policies use is understood;
 * any other makes the test fail rather than guess. For a query on an index, the leading key is taken
 * to be the index's partition key (the stricter reading: see bindTable's indexQueries).
 */
function allowingStatement(policy: Policy, request: Authorization): Statement | undefined {
  return policy.statements.find((statement) => {
    if (statement.Effect !== "Allow") return false;
    if (![statement.Action].flat().includes(`dynamodb:${request.action}`)) return false;
    if (!(statement.Resource as unknown[]).includes(request.resource)) return false;
    const conditions = (statement.Condition ?? {}) as Record<string, Record<string, string[]>>;
    for (const [operator, keys] of Object.entries(conditions)) {
      if (operator !== "ForAllValues:StringLike" || Object.keys(keys).join() !== "dynamodb:LeadingKeys") {
        throw new Error(`condition not understood here: ${operator} ${JSON.stringify(keys)}`);
      }
      const patterns = [keys["dynamodb:LeadingKeys"] ?? []].flat();
      if (!request.leadingKeys.every((key) => patterns.some((p) => stringLike(p, key)))) return false;
    }
    return true;
  });
}

type AttributeValue = { S?: string };
type Body = Record<string, unknown>;

/** The authorizations a DynamoDB JSON request needs: its action(s), resource and partition keys. */
function authorizationsOf(request: ProxiedRequest, tableName: string): Authorization[] {
  const operation = request.target.replace(/^DynamoDB_20120810\./, "");
  const body = JSON.parse(request.body.toString("utf8") || "{}") as Body;
  const resourceOf = (table: unknown, index?: unknown) => {
    expect(table).toBe(tableName);
    return index === undefined ? TABLE_ARN : `${TABLE_ARN}/index/${String(index)}`;
  };
  const pkOf = (item: unknown) => String((item as Record<string, AttributeValue> | undefined)?.pk?.S);
  switch (operation) {
    case "GetItem":
    case "UpdateItem":
    case "DeleteItem":
      return [{ action: operation, resource: resourceOf(body.TableName), leadingKeys: [pkOf(body.Key)] }];
    case "PutItem":
      return [{ action: operation, resource: resourceOf(body.TableName), leadingKeys: [pkOf(body.Item)] }];
    case "Query": {
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
      const partitionKey = body.IndexName === undefined ? "pk" : "gsi1pk";
      const equalities = [...String(body.KeyConditionExpression).matchAll(/(#?\w+)\s*=\s*(:\w+)/g)];
      const match = equalities.find(([, name = ""]) => (names[name] ?? name) === partitionKey);
      if (!match?.[2]) throw new Error(`no partition key in ${String(body.KeyConditionExpression)}`);
      const resource = resourceOf(body.TableName, body.IndexName);
      return [{ action: "Query", resource, leadingKeys: [String(values[match[2]]?.S)] }];
    }
    case "TransactWriteItems":
      return (body.TransactItems as Record<string, Body>[]).map((item) => {
        const [kind = "", action] = Object.entries(item)[0] ?? [];
        const details = action as Body;
        const names: Record<string, string> = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem" };
        return {
          action: names[kind] ?? "ConditionCheckItem",
          resource: resourceOf(details.TableName),
          leadingKeys: [pkOf(details.Item ?? details.Key)],
        };
      });
    case "BatchGetItem":
      return Object.entries(body.RequestItems as Record<string, { Keys: unknown[] }>).map(
        ([table, read]) => ({
          action: "BatchGetItem",
          resource: resourceOf(table),
          leadingKeys: read.Keys.map(pkOf),
        }),
      );
    default:
      return [{ action: operation, resource: resourceOf(body.TableName), leadingKeys: [] }];
  }
}

const accessDenied = (message: string): Fault => ({
  kind: "AccessDenied",
  status: 400,
  headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": "AccessDeniedException" },
  body: JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException", message }),
});

let table: TestTable;
let stores: Stores;
let ses: SesLocal;
let queue: SqsReceiver;
const proxies = {} as Record<FunctionName, FaultProxy>;
/** Calls refused, as "function: action resource keys". */
const denied: string[] = [];
/** Per function, each grant some call used: "action resource pattern". */
const used = {} as Record<FunctionName, Set<string>>;
let policies: Record<FunctionName, Policy> | undefined;

/** Synthesizes the stack once, inside a test (the fixture cleans up after the test that made it). */
function enforcePolicies(): void {
  policies ??= synthesizedPolicies();
}

/** The policy of `name`, once a test has synthesized them. */
function policyOf(name: FunctionName): Policy {
  if (!policies) throw new Error("no policies: the test must call enforcePolicies() first");
  return policies[name];
}

let api: HttpEntry;
let survey: HttpEntry;
let dispatch: LambdaEntry<ScheduledEvent, { queued: number }>;
let send: LambdaEntry<SQSEvent, SQSBatchResponse>;
let mailEvents: LambdaEntry<SNSEvent, { suppressed: number }>;
let apiKey: string;

/** A proxy in front of DynamoDB Local that answers AccessDenied to what `name`'s policy does not allow. */
async function enforcingProxy(name: FunctionName): Promise<FaultProxy> {
  used[name] = new Set();
  return await startFaultProxy(table.endpoint, (request) => {
    if (!request.target.startsWith("DynamoDB_20120810.")) return undefined;
    for (const authorization of authorizationsOf(request, table.tableName)) {
      const statement = allowingStatement(policyOf(name), authorization);
      if (!statement) {
        const refused = `${name}: ${authorization.action} ${authorization.resource} ${authorization.leadingKeys.join(",")}`;
        denied.push(refused);
        return accessDenied(`not authorized: ${refused}`);
      }
      const patterns = [
        (statement.Condition as Record<string, Record<string, string[]>>)["ForAllValues:StringLike"]?.[
          "dynamodb:LeadingKeys"
        ] ?? [],
      ].flat();
      for (const key of authorization.leadingKeys) {
        for (const pattern of patterns.filter((p) => stringLike(p, key))) {
          used[name].add(`${authorization.action} ${authorization.resource} ${pattern}`);
        }
      }
    }
    return undefined;
  });
}

/** Imports a handler with the environment the stack gives it, its table calls going through its proxy. */
async function importHandler<T>(
  name: FunctionName,
  load: () => Promise<T>,
  extra: Record<string, string> = {},
) {
  proxies[name] = await enforcingProxy(name);
  vi.unstubAllEnvs();
  stubLambdaEnvironment({ ...table, endpoint: proxies[name].url }, extra);
  return await load();
}

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  ses = await startSesLocal({ port: await freePort() });
  queue = await startSqsReceiver();
  apiKey = (await stores.apiKeys.create("table access test", new Date())).apiKey;

  api = asHttpEntry(
    await importHandler("api", async () => (await import("../../functions/handlers/api")).handler),
  );
  survey = asHttpEntry(
    await importHandler("survey", async () => (await import("../../functions/handlers/survey")).handler),
  );
  dispatch = await importHandler(
    "dispatch",
    async () => (await import("../../functions/handlers/dispatch")).handler,
    {
      QUEUE_URL: queue.queueUrl,
    },
  );
  send = await importHandler("send", async () => (await import("../../functions/handlers/send")).handler, {
    PUBLIC_BASE_URL: "https://surveys.example.com",
    SENDER_ADDRESS: "surveys@example.com",
    SES_ENDPOINT: ses.url,
  });
  mailEvents = await importHandler(
    "mail-events",
    async () => (await import("../../functions/handlers/mail-events")).handler,
  );
  // The environment stays stubbed: the SQS and SES clients read the (dummy) credentials when they send.
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  for (const proxy of Object.values(proxies)) await proxy.close();
  await queue?.close();
  await ses?.stop();
  await table?.drop();
});

// biome-ignore lint/suspicious/noExplicitAny: the flow reads response bodies field by field.
type Json = Record<string, any>;

/** A marketer API call through `ANY /v1/{proxy+}`. */
async function callApi(method: string, target: string, options: { json?: unknown; csv?: boolean } = {}) {
  const path = target.split("?")[0] ?? "";
  const result = await invoke(
    api,
    httpEvent(method, target, {
      routeKey: "ANY /v1/{proxy+}",
      pathParameters: { proxy: path.replace(/^\/v1\//, "") },
      headers: {
        accept: options.csv ? "text/csv" : "application/json",
        authorization: `Bearer ${apiKey}`,
        ...(options.json === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    }),
    "ApiFunction",
  );
  return { ...result, json: (options.csv || !result.body ? {} : JSON.parse(result.body)) as Json };
}

/** A customer's request to `/{s|u}/{token}`, with a form body when given. */
async function page(method: "GET" | "POST", target: string, form?: string): Promise<HttpResult> {
  const [, kind = "", token = ""] = /^\/([su])\/([^/?]+)/.exec(target) ?? [];
  return await invoke(
    survey,
    httpEvent(method, target, {
      routeKey: `${method} /${kind}/{token}`,
      pathParameters: { token },
      headers: {
        accept: "text/html",
        ...(form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
      },
      ...(form === undefined ? {} : { body: form, base64: true }),
    }),
    "SurveyFunction",
  );
}

/** Runs the dispatcher, dropping the SDK's notice that the loopback queue URL is not SQS's host. */
async function runDispatch(): Promise<{ queued: number }> {
  const print = console.warn;
  const warn = vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith("QueueUrl=")) print(...args);
  });
  try {
    return await invoke(dispatch, scheduledEvent(), "DispatchFunction");
  } finally {
    warn.mockRestore();
  }
}

/** What SES publishes to the events topic for a hard bounce of `to`. */
function bounceNotification(to: string): string {
  const at = new Date().toISOString();
  return JSON.stringify({
    eventType: "Bounce",
    bounce: {
      feedbackId: `${randomUUID()}-feedback`,
      bounceType: "Permanent",
      bounceSubType: "General",
      bouncedRecipients: [{ emailAddress: to, action: "failed", status: "5.1.1" }],
      timestamp: at,
    },
    mail: {
      timestamp: at,
      source: "surveys@example.com",
      messageId: randomUUID(),
      destination: [to],
      tags: { "ses:configuration-set": ["open-nps"] },
    },
  });
}

describe("each function's table grants, enforced on its handler", () => {
  it("allow every call of every flow, and each grant is used", { timeout: 120_000 }, async () => {
    enforcePolicies();
    // api: campaigns created, listed a page at a time, read and changed; purchases posted.
    const created = await callApi("POST", "/v1/campaigns", {
      json: {
        name: "Enforced",
        brandName: "Acme",
        delayDays: 0,
        segmentBy: ["region"],
        attributes: [{ key: "delivery", label: "Delivery" }],
      },
    });
    expect(created.statusCode).toBe(201);
    const campaignId = String(created.json.id);
    expect(
      (await callApi("POST", "/v1/campaigns", { json: { name: "Other", brandName: "Acme" } })).statusCode,
    ).toBe(201);
    const first = await callApi("GET", "/v1/campaigns?limit=1");
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await callApi(
      "GET",
      `/v1/campaigns?limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`,
    );
    expect(second.statusCode).toBe(200);
    expect((await callApi("GET", `/v1/campaigns/${campaignId}`)).statusCode).toBe(200);
    expect(
      (await callApi("PATCH", `/v1/campaigns/${campaignId}`, { json: { name: "Enforced 2" } })).statusCode,
    ).toBe(200);
    const purchases = await callApi("POST", `/v1/campaigns/${campaignId}/purchases`, {
      json: {
        purchases: [
          { orderId: "A-1", email: "ana@example.com", properties: { region: "north" } },
          { orderId: "A-2", email: "ben@example.com", properties: { region: "south" } },
        ],
      },
    });
    expect(purchases.json.results.map((r: Json) => r.status)).toEqual(["scheduled", "scheduled"]);

    // dispatch queues them; send mails them and marks them sent.
    expect((await runDispatch()).queued).toBe(2);
    const sent = await invoke(
      send,
      sqsEvent(...queue.messages().map((body) => sqsRecord(body))),
      "SendFunction",
    );
    expect(sent.batchItemFailures).toEqual([]);
    const tokens = queue.messages().map((body) => String(JSON.parse(body).token));

    // survey: the page, an answer, an edit of it, and an unsubscribe.
    const [token = "", other = ""] = tokens;
    expect((await page("GET", `/s/${token}?score=9`)).statusCode).toBe(200);
    expect((await page("POST", `/s/${token}`, "score=9&attr.delivery=5&comment=Quick")).statusCode).toBe(200);
    expect((await page("POST", `/s/${token}`, "score=7&attr.delivery=4&comment=Fine")).statusCode).toBe(200);
    expect((await page("POST", `/s/${other}`, "score=3")).statusCode).toBe(200);
    expect((await page("GET", `/u/${other}`)).statusCode).toBe(200);
    expect((await page("POST", `/u/${other}`, "List-Unsubscribe=One-Click")).statusCode).toBe(200);
    // The handler serves /u/{token}/resubscribe; the stack's HTTP API has no route for that path yet.
    expect((await page("POST", `/u/${other}/resubscribe`, "")).statusCode).toBe(200);
    expect((await page("POST", `/u/${other}`, "List-Unsubscribe=One-Click")).statusCode).toBe(200);

    // api: results, responses a page at a time and as CSV; a purchase for the unsubscribed address.
    expect((await callApi("GET", `/v1/campaigns/${campaignId}/results?segment=region`)).statusCode).toBe(200);
    const page1 = await callApi("GET", `/v1/campaigns/${campaignId}/responses?limit=1`);
    expect(page1.json.items).toHaveLength(1);
    const page2 = await callApi(
      "GET",
      `/v1/campaigns/${campaignId}/responses?limit=1&cursor=${encodeURIComponent(page1.json.nextCursor)}`,
    );
    expect(page2.json.items).toHaveLength(1);
    expect((await callApi("GET", `/v1/campaigns/${campaignId}/responses`, { csv: true })).statusCode).toBe(
      200,
    );
    const suppressed = await callApi("POST", `/v1/campaigns/${campaignId}/purchases`, {
      json: { orderId: "A-3", email: "ben@example.com" },
    });
    expect(suppressed.json.results.map((r: Json) => r.status)).toEqual(["suppressed"]);

    // mail-events: a bounce suppresses its address.
    const bounced = await invoke(
      mailEvents,
      snsEvent(bounceNotification("cy@example.com")),
      "EventsFunction",
    );
    expect(bounced.suppressed).toBe(1);

    expect(denied).toEqual([]);
    for (const name of FUNCTIONS) {
      const granted = policyOf(name).statements.flatMap((statement) => {
        const patterns = [
          (statement.Condition as Record<string, Record<string, string[]>>)["ForAllValues:StringLike"]?.[
            "dynamodb:LeadingKeys"
          ] ?? [],
        ].flat();
        return [statement.Action]
          .flat()
          .flatMap((action) =>
            (statement.Resource as string[]).flatMap((resource) =>
              patterns.map((pattern) => `${action.replace(/^dynamodb:/, "")} ${resource} ${pattern}`),
            ),
          );
      });
      expect({ name, used: [...used[name]].sort() }).toEqual({ name, used: [...new Set(granted)].sort() });
    }
  });

  it("refuse what the function's code never does", { timeout: 120_000 }, async () => {
    enforcePolicies();
    // The case, through the survey function's own proxy: writing an API key is refused.
    const { PutCommand } = await import("@aws-sdk/lib-dynamodb");
    const { createDocumentClient } = await import("../../functions/store/dynamo-client");
    const asSurvey = createDocumentClient({ endpoint: proxies.survey.url, region: "us-east-1" });
    await expect(
      asSurvey.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { pk: "APIKEY#forged", sk: "APIKEY", secretHash: "x" },
        }),
      ),
    ).rejects.toThrow(/not authorized: survey: PutItem .* APIKEY#forged/);
    denied.length = 0;
  });
});
