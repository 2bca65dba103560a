// The reusable constructs on their own: least-privilege table binding and the HTTP API's props.
import { type CfnResource, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AttributeType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import {
  bindTable,
  ITEM_ACTIONS,
  LambdaFunction,
  type TableAccess,
} from "../../lib/constructs/lambda-function";
import { DataStore } from "../../lib/data-store";
import { SurveyHttpApi } from "../../lib/http-api";
import { freshApp, SYNTH } from "./stack-fixture";

function emptyStack(): Stack {
  return new Stack(freshApp(), "ConstructTest");
}

/** The statements of the stack's role policies that allow a DynamoDB action. */
function dynamoStatements(template: Template): { Action: string | string[] }[] {
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith("dynamodb:")));
}

describe("LambdaFunction and bindTable", SYNTH, () => {
  it("grants exactly the listed item actions, each on its partitions; nothing else on the table", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Fn", { handlerFile: "api.ts" }), table, {
      items: { GetItem: ["A#*", "B#*"], PutItem: ["B#*", "A#*"], UpdateItem: ["A#*"] },
    });

    const template = Template.fromStack(stack);
    const tableArn = { "Fn::GetAtt": [stack.getLogicalId(table.node.defaultChild as CfnResource), "Arn"] };
    const dynamo = dynamoStatements(template);
    // Actions on the same partitions share one statement; each names the table itself, no index.
    expect(dynamo).toEqual([
      {
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["A#*", "B#*"] } },
        Effect: "Allow",
        Resource: tableArn,
      },
      {
        Action: "dynamodb:UpdateItem",
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["A#*"] } },
        Effect: "Allow",
        Resource: tableArn,
      },
    ]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it("grants deletes and batch writes like any item action: only where listed, on the listed partitions", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Fn", { handlerFile: "api.ts" }), table, {
      items: { GetItem: ["A#*"], DeleteItem: ["A#*", "B#*"], BatchWriteItem: ["A#*", "C#*"] },
    });

    const tableArn = { "Fn::GetAtt": [stack.getLogicalId(table.node.defaultChild as CfnResource), "Arn"] };
    const statement = (action: string, keys: string[]) => ({
      Action: action,
      Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": keys } },
      Effect: "Allow",
      Resource: tableArn,
    });
    // Each set of partitions its own statement: a delete is never widened to another action's partitions.
    expect(dynamoStatements(Template.fromStack(stack))).toEqual([
      statement("dynamodb:GetItem", ["A#*"]),
      statement("dynamodb:DeleteItem", ["A#*", "B#*"]),
      statement("dynamodb:BatchWriteItem", ["A#*", "C#*"]),
    ]);
  });

  it("knows exactly these item actions: no Scan, stream read, transactional read or table management", () => {
    expect([...ITEM_ACTIONS].sort()).toEqual(
      [
        "BatchGetItem",
        "BatchWriteItem",
        "ConditionCheckItem",
        "DeleteItem",
        "GetItem",
        "PutItem",
        "Query",
        "UpdateItem",
      ].sort(),
    );
  });

  it("grants an index query on that index's ARN alone, with its own partitions", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Fn", { handlerFile: "dispatch.ts" }), table, {
      indexQueries: { gsi1: ["DUE"] },
    });

    const tableArn = { "Fn::GetAtt": [stack.getLogicalId(table.node.defaultChild as CfnResource), "Arn"] };
    expect(dynamoStatements(Template.fromStack(stack))).toEqual([
      {
        Action: "dynamodb:Query",
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["DUE"] } },
        Effect: "Allow",
        Resource: { "Fn::Join": ["", [tableArn, "/index/gsi1"]] },
      },
    ]);
  });

  it("grants nothing on the table by default, but still names it", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Fn", { handlerFile: "api.ts" }), table, {});

    const template = Template.fromStack(stack);
    expect(dynamoStatements(template)).toEqual([]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it.each([
    ["an empty partition list", { items: { GetItem: [] } }, /lists no partition keys/],
    ["a pattern that matches every partition", { items: { PutItem: ["*"] } }, /literal prefix/],
    ["a pattern that starts with a wildcard", { indexQueries: { gsi1: ["?UE"] } }, /literal prefix/],
    ["an action it does not grant", { items: { Scan: ["A#*"] } as TableAccess["items"] }, /Scan is not one/],
    [
      "table management",
      { items: { DeleteTable: ["A#*"] } as TableAccess["items"] },
      /DeleteTable is not one/,
    ],
    ["a stream read", { items: { GetRecords: ["A#*"] } as TableAccess["items"] }, /GetRecords is not one/],
    ["a transactional read", { items: { TransactGetItems: ["A#*"] } as TableAccess["items"] }, /not one/],
    ["a delete on every partition", { items: { DeleteItem: ["*"] } }, /literal prefix/],
    ["a batch write on every partition", { items: { BatchWriteItem: ["?#*"] } }, /literal prefix/],
    ["a malformed index name", { indexQueries: { "gsi/*": ["DUE"] } }, /not a DynamoDB index name/],
  ])("refuses %s", (_name, access: TableAccess, message) => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    const fn = new LambdaFunction(stack, "Fn", { handlerFile: "api.ts" });
    expect(() => bindTable(fn, table, access)).toThrow(message);
  });

  it("refuses a table under a customer-managed key, whose key grants it would not make", () => {
    const stack = emptyStack();
    const table = new Table(stack, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      encryption: TableEncryption.CUSTOMER_MANAGED,
    });
    const fn = new LambdaFunction(stack, "Fn", { handlerFile: "api.ts" });
    expect(() => bindTable(fn, table, { items: { GetItem: ["A#*"] } })).toThrow(/customer-managed KMS key/);
  });

  it("may write only to its own log group", () => {
    const stack = emptyStack();
    new LambdaFunction(stack, "Fn", { handlerFile: "survey.ts", logRetention: RetentionDays.ONE_WEEK });

    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 7 });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Effect: "Allow",
            Resource: { "Fn::GetAtt": [Match.stringLikeRegexp("^FnLogGroup"), "Arn"] },
          },
        ]),
      },
    });
  });

  it("applies the shared defaults and the caller's overrides", () => {
    const stack = emptyStack();
    new LambdaFunction(stack, "Fn", { handlerFile: "api.ts", memorySize: 256, environment: { STAGE: "x" } });

    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 256,
      Timeout: 10,
      LoggingConfig: { LogFormat: "JSON" },
      Environment: { Variables: { NODE_OPTIONS: "--enable-source-maps", STAGE: "x" } },
    });
  });

  it("rejects an entry file that does not exist under functions/handlers", () => {
    expect(() => new LambdaFunction(emptyStack(), "Fn", { handlerFile: "missing.ts" })).toThrow(
      /missing\.ts/,
    );
  });
});

describe("SurveyHttpApi", SYNTH, () => {
  it("applies the throttling the caller sets", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    new SurveyHttpApi(stack, "Http", { table, throttlingRateLimit: 10, throttlingBurstLimit: 20 });

    Template.fromStack(stack).hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });

  it("groups every route by audience", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    const { routes } = new SurveyHttpApi(stack, "Http", { table });

    expect([
      routes.open.length,
      routes.marketer.length,
      routes.customer.length,
      routes.console.length,
    ]).toEqual([2, 2, 5, 2]);
    Template.fromStack(stack).resourceCountIs("AWS::ApiGatewayV2::Route", 11);
  });
});
