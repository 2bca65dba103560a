// The reusable constructs on their own: least-privilege table binding and the HTTP API's props.
import { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { bindTable, LambdaFunction, TABLE_ACTIONS } from "../../lib/constructs/lambda-function";
import { DataStore } from "../../lib/data-store";
import { SurveyHttpApi } from "../../lib/http-api";
import { freshApp, SYNTH } from "./stack-fixture";

function emptyStack(): Stack {
  return new Stack(freshApp(), "ConstructTest");
}

/** Every action the function's role policy allows. */
function allowedActions(template: Template): string[] {
  return Object.values(template.findResources("AWS::IAM::Policy")).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
  );
}

describe("LambdaFunction and bindTable", SYNTH, () => {
  it("grants read access without any write action", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Reader", { handlerFile: "api.ts" }), table, "read");

    const template = Template.fromStack(stack);
    const dynamoActions = allowedActions(template).filter((a) => a.startsWith("dynamodb:"));
    expect(dynamoActions).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query"]));
    expect(dynamoActions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it("grants read-write access as the code's actions only: no delete, scan or batch write", () => {
    const stack = emptyStack();
    const { table } = new DataStore(stack, "Data");
    bindTable(new LambdaFunction(stack, "Writer", { handlerFile: "api.ts" }), table, "readWrite");

    const template = Template.fromStack(stack);
    const dynamoActions = allowedActions(template).filter((a) => a.startsWith("dynamodb:"));
    expect([...new Set(dynamoActions)].sort()).toEqual([...TABLE_ACTIONS.readWrite].sort());
    // On the table and on its indexes (the due index and the listings are queried through gsi1).
    const resources = JSON.stringify(
      Object.values(template.findResources("AWS::IAM::Policy")).map(
        (policy) => policy.Properties.PolicyDocument.Statement,
      ),
    );
    expect(resources).toContain("/index/*");
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

    expect([routes.open.length, routes.marketer.length, routes.customer.length]).toEqual([2, 1, 4]);
    Template.fromStack(stack).resourceCountIs("AWS::ApiGatewayV2::Route", 7);
  });
});
