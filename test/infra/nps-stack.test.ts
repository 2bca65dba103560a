// Security-relevant properties of the synthesized stack (no whole-template snapshots: asset hashes churn).
import type { CfnResource } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { readEnvironment, sendEnvironment } from "../../functions/platform/environment";
import { tableDefinition } from "../../functions/store/table-definition";
import type { NpsStackProps } from "../../lib/nps-stack";
import { buildStack, SYNTH, synthTemplate } from "./stack-fixture";

/** Logical ids of the resources of one type. */
const logicalIds = (template: Template, type: string) => Object.keys(template.findResources(type));

function tableLogicalId(template: Template): string {
  const [id, ...others] = logicalIds(template, "AWS::DynamoDB::Table");
  expect(others).toEqual([]);
  if (!id) throw new Error("no table");
  return id;
}

describe("DataStore table", SYNTH, () => {
  it("is the one table, retained on delete and on replacement", () => {
    const template = synthTemplate();
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });

  it("is on-demand, with point-in-time recovery, AWS-managed encryption and deletion protection", () => {
    synthTemplate().hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // SSEEnabled without a KMSMasterKeyId is the AWS-managed key (aws/dynamodb).
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      DeletionProtectionEnabled: true,
    });
  });

  it("has no physical name, so stages can share an account and CloudFormation can replace it", () => {
    synthTemplate().hasResourceProperties("AWS::DynamoDB::Table", { TableName: Match.absent() });
  });

  it("takes keys, indexes and TTL from tableDefinition", () => {
    const index = tableDefinition.indexes[0];
    synthTemplate().hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
        { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: tableDefinition.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: "HASH" },
          { AttributeName: i.sortKey, KeyType: "RANGE" },
        ],
        Projection:
          i.projectedAttributes === "all"
            ? { ProjectionType: "ALL" }
            : { ProjectionType: "INCLUDE", NonKeyAttributes: [...i.projectedAttributes] },
      })),
      AttributeDefinitions: Match.arrayWith([{ AttributeName: index?.partitionKey, AttributeType: "S" }]),
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });

  it("streams every change with its old and new image, as tableDefinition says (the local table too)", () => {
    expect(tableDefinition.streamViewType).toBe("NEW_AND_OLD_IMAGES");
    synthTemplate().hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: tableDefinition.streamViewType },
    });
  });

  it("keeps a stable logical id (a new one would create an empty table)", () => {
    expect(tableLogicalId(synthTemplate())).toBe("DataTableFDBAD0F2");
  });
});

describe("Lambda functions", SYNTH, () => {
  it("are api, survey, console, dispatch, send, mail-events and events: Node 22 on ARM64, traced, with source maps, no physical names", () => {
    const template = synthTemplate();
    template.resourceCountIs("AWS::Lambda::Function", 7);
    template.allResourcesProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      TracingConfig: { Mode: "Active" },
      FunctionName: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: "--enable-source-maps",
          TABLE_NAME: { Ref: tableLogicalId(template) },
        }),
      },
    });
  });

  it("log to explicit log groups with the configured retention", () => {
    const template = synthTemplate({ logRetention: RetentionDays.THREE_MONTHS });
    const functions = Object.values(template.findResources("AWS::Lambda::Function"));
    const logGroups = template.findResources("AWS::Logs::LogGroup");
    for (const fn of functions) {
      const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
      expect(ref, "function without an explicit log group").toBeDefined();
      expect(logGroups[ref as string]?.Properties.RetentionInDays).toBe(90);
    }
  });

  it("default to one month of log retention", () => {
    synthTemplate().allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it("run under their own roles, without the account-wide AWSLambdaBasicExecutionRole", () => {
    const template = synthTemplate();
    template.resourceCountIs("AWS::IAM::Role", 7);
    template.allResourcesProperties("AWS::IAM::Role", { ManagedPolicyArns: Match.absent() });
  });

  it("may use table data (each function its own part: table-access.test.ts) but not manage the table or scan; only the events function reads the stream", () => {
    const { stack } = buildStack();
    const template = Template.fromStack(stack);
    const table = tableLogicalId(template);
    const eventsRole = stack.getLogicalId(stack.events.eventsFunction.role?.node.defaultChild as CfnResource);
    type Statement = { Action: string | string[]; Resource: unknown };
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const dynamo = statements.flatMap((s) => s.Action).filter((a) => a.startsWith("dynamodb:"));
      expect(dynamo.length).toBeGreaterThan(0);
      expect(dynamo.filter((a) => a.includes("*") || /Table|Backup|Export|Import|Tag/.test(a))).toEqual([]);
      expect(dynamo.filter((a) => /^dynamodb:(Scan|PartiQL\w*|TransactGetItems)$/.test(a))).toEqual([]);
      expect(JSON.stringify(statements)).toContain(table);
      const streamReads = statements.filter((s) =>
        [s.Action].flat().some((a) => /^dynamodb:(DescribeStream|GetRecords|GetShardIterator)$/.test(a)),
      );
      if (JSON.stringify(policy.Properties.Roles) !== JSON.stringify([{ Ref: eventsRole }])) {
        expect(streamReads).toEqual([]);
        continue;
      }
      // On this table's stream alone (ListStreams, which names no resource, is table-events.test.ts's).
      expect(streamReads.map((s) => s.Resource)).toEqual([{ "Fn::GetAtt": [table, "StreamArn"] }]);
    }
  });

  it("lets only the api function delete or batch-write (the dispatcher delete resume marks, the console sessions and users), each only on the table and its partitions", () => {
    const { stack } = buildStack();
    const template = Template.fromStack(stack);
    const apiRole = stack.getLogicalId(stack.functions.api?.role?.node.defaultChild as CfnResource);
    const dispatchRole = stack.getLogicalId(stack.functions.dispatch?.role?.node.defaultChild as CfnResource);
    const consoleRole = stack.getLogicalId(stack.functions.console?.role?.node.defaultChild as CfnResource);
    const tableArn = { "Fn::GetAtt": [tableLogicalId(template), "Arn"] };
    type Statement = { Action: string | string[]; Effect: string; Condition?: unknown; Resource: unknown };
    const granted: Record<string, { roles: unknown; partitions: string[] }[]> = {};
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        for (const action of [statement.Action].flat()) {
          if (!/^dynamodb:(DeleteItem|BatchWriteItem)$/.test(action)) continue;
          expect({ action, effect: statement.Effect, resource: statement.Resource }).toEqual({
            action,
            effect: "Allow",
            resource: tableArn,
          });
          // Every key of the request (each item of a batch) must be in one of the partitions.
          expect(Object.keys(statement.Condition ?? {})).toEqual(["ForAllValues:StringLike"]);
          const condition = (statement.Condition as Record<string, Record<string, string[]>>)[
            "ForAllValues:StringLike"
          ];
          expect(Object.keys(condition ?? {})).toEqual(["dynamodb:LeadingKeys"]);
          granted[action] = [
            ...(granted[action] ?? []),
            {
              roles: policy.Properties.Roles,
              partitions: [condition?.["dynamodb:LeadingKeys"] ?? []].flat().sort(),
            },
          ];
        }
      }
    }
    expect(granted).toEqual({
      "dynamodb:DeleteItem": expect.arrayContaining([
        // EMAIL#*: an erasure deletes the address's contact and suppression (their keys hold it). A
        // webhook subscription removed is replaced by a tombstone, never deleted.
        { roles: [{ Ref: apiRole }], partitions: ["CAMPAIGN#*", "EMAIL#*", "INVITATION#*"] },
        { roles: [{ Ref: dispatchRole }], partitions: ["CAMPAIGN#*"] },
        // Sign-out and a removed user's sessions; a user removed.
        { roles: [{ Ref: consoleRole }], partitions: ["SESSION#*", "USER#*"] },
      ]),
      "dynamodb:BatchWriteItem": [{ roles: [{ Ref: apiRole }], partitions: ["CAMPAIGN#*", "RESULTS#*"] }],
    });
    expect(granted["dynamodb:DeleteItem"]).toHaveLength(3);
  });
});

describe("HTTP API", SYNTH, () => {
  it("routes the marketer API and the public pages to their functions", () => {
    const template = synthTemplate();
    const routeKeys = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(
      [
        "ANY /v1/{proxy+}",
        "ANY /delighted/{proxy+}",
        "GET /health",
        "GET /v1/openapi.json",
        "GET /s/{token}",
        "POST /s/{token}",
        "GET /u/{token}",
        "POST /u/{token}",
        "POST /u/{token}/resubscribe",
        "ANY /app",
        "ANY /app/{proxy+}",
      ].sort(),
    );
    template.resourceCountIs("AWS::ApiGatewayV2::Integration", 3);
  });

  it("sends /v1 and /health to the api function and /s, /u to the survey function", () => {
    const template = synthTemplate();
    const integrations = template.findResources("AWS::ApiGatewayV2::Integration");
    const functionOf = (routeKey: string) => {
      const [route] = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).filter(
        (r) => r.Properties.RouteKey === routeKey,
      );
      const target = JSON.stringify(route?.Properties.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id)) ?? "";
      return JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
    };
    expect(functionOf("ANY /v1/{proxy+}")).toContain("HttpApiFunction");
    expect(functionOf("ANY /delighted/{proxy+}")).toContain("HttpApiFunction");
    expect(functionOf("GET /health")).toContain("HttpApiFunction");
    expect(functionOf("POST /s/{token}")).toContain("HttpSurveyFunction");
    expect(functionOf("POST /u/{token}")).toContain("HttpSurveyFunction");
    expect(functionOf("ANY /app")).toContain("HttpConsoleFunction");
    expect(functionOf("ANY /app/{proxy+}")).toContain("HttpConsoleFunction");
  });

  it("throttles the default stage and logs access to a log group with retention", () => {
    const template = synthTemplate();
    template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^HttpAccessLogs"), "Arn"] },
        Format: Match.stringLikeRegexp("\\$context\\.requestId"),
      },
    });
  });

  it("keeps survey tokens out of the access log (route key, never the path)", () => {
    const [stage] = Object.values(synthTemplate().findResources("AWS::ApiGatewayV2::Stage"));
    const format = stage?.Properties.AccessLogSettings.Format as string;
    expect(format).toContain("$context.routeKey");
    expect(format).not.toMatch(/\$context\.(path|resourcePath)|\$request\.path/);
  });
});

describe("NpsStack", SYNTH, () => {
  it("outputs the API URL and the table name", () => {
    const template = synthTemplate();
    template.hasOutput("ApiUrl", { Value: Match.objectLike({ "Fn::Join": Match.anyValue() }) });
    template.hasOutput("TableName", { Value: { Ref: tableLogicalId(template) } });
  });

  it("subscribes the alarm email to the alarm topic, which refuses plain HTTP", () => {
    const template = synthTemplate({ alarmEmail: "ops@acme.com" });
    template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@acme.com" });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("has no alarm subscription without an alarm email", () => {
    synthTemplate({ alarmEmail: undefined }).resourcePropertiesCountIs(
      "AWS::SNS::Subscription",
      { Protocol: "email" },
      0,
    );
  });

  it("tags the resources with the stage", () => {
    synthTemplate({ stage: "qa" }).hasResourceProperties("AWS::DynamoDB::Table", {
      Tags: Match.arrayWith([{ Key: "open-nps:stage", Value: "qa" }]),
    });
  });

  it("gives no resource a physical name", () => {
    const template = synthTemplate();
    const nameProperty: Record<string, string> = {
      "AWS::DynamoDB::Table": "TableName",
      "AWS::Lambda::Function": "FunctionName",
      "AWS::IAM::Role": "RoleName",
      "AWS::Logs::LogGroup": "LogGroupName",
      "AWS::SNS::Topic": "TopicName",
      "AWS::SQS::Queue": "QueueName",
      "AWS::SES::ConfigurationSet": "Name",
      "AWS::Events::Rule": "Name",
      "AWS::CloudWatch::Alarm": "AlarmName",
      "AWS::CloudWatch::Dashboard": "DashboardName",
    };
    for (const [type, property] of Object.entries(nameProperty)) {
      template.allResourcesProperties(type, { [property]: Match.absent() });
    }
  });
});

describe("custom domain", SYNTH, () => {
  const CERTIFICATE_ARN =
    "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  const withDomain = { customDomain: "surveys.acme.com", certificateArn: CERTIFICATE_ARN };

  function synthWithIds(props: Partial<NpsStackProps> = {}) {
    const { stack } = buildStack(props);
    const template = Template.fromStack(stack);
    const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as CfnResource);
    const functions = template.findResources("AWS::Lambda::Function");
    const send = functions[logicalId(stack.delivery.sendFunction)];
    const api = functions[logicalId(stack.httpApi.apiFunction)];
    return {
      stack,
      template,
      logicalId,
      publicBaseUrl: send?.Properties.Environment.Variables.PUBLIC_BASE_URL,
      // Email previews and test emails carry links on the same origin as the real ones.
      apiPublicBaseUrl: api?.Properties.Environment.Variables.PUBLIC_BASE_URL,
    };
  }

  it("is absent by default: links use the API's endpoint, no domain, mapping or target output", () => {
    const { stack, template, logicalId, publicBaseUrl, apiPublicBaseUrl } = synthWithIds();
    expect(publicBaseUrl).toEqual({ "Fn::GetAtt": [logicalId(stack.httpApi.httpApi), "ApiEndpoint"] });
    expect(apiPublicBaseUrl).toEqual(publicBaseUrl);
    template.resourceCountIs("AWS::ApiGatewayV2::DomainName", 0);
    template.resourceCountIs("AWS::ApiGatewayV2::ApiMapping", 0);
    expect(Object.keys(template.findOutputs("CustomDomainTarget"))).toEqual([]);
  });

  it("creates the domain with the certificate, maps it to the $default stage, and builds links on it", () => {
    const { stack, template, logicalId, publicBaseUrl, apiPublicBaseUrl } = synthWithIds(withDomain);
    expect(publicBaseUrl).toBe("https://surveys.acme.com");
    expect(apiPublicBaseUrl).toBe("https://surveys.acme.com");
    const { PUBLIC_BASE_URL } = sendEnvironment;
    expect(readEnvironment({ PUBLIC_BASE_URL }, { PUBLIC_BASE_URL: publicBaseUrl })).toEqual({
      PUBLIC_BASE_URL: "https://surveys.acme.com",
    });
    template.resourceCountIs("AWS::ApiGatewayV2::DomainName", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::DomainName", {
      DomainName: "surveys.acme.com",
      DomainNameConfigurations: [
        Match.objectLike({
          CertificateArn: CERTIFICATE_ARN,
          EndpointType: "REGIONAL",
          SecurityPolicy: "TLS_1_2",
        }),
      ],
    });
    const domainId = logicalId(stack.httpApi.customDomain as NonNullable<typeof stack.httpApi.customDomain>);
    template.resourceCountIs("AWS::ApiGatewayV2::ApiMapping", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::ApiMapping", {
      ApiId: { Ref: logicalId(stack.httpApi.httpApi) },
      DomainName: { Ref: domainId },
      Stage: "$default",
      ApiMappingKey: Match.absent(),
    });
    template.hasOutput("CustomDomainTarget", {
      Value: { "Fn::GetAtt": [domainId, "RegionalDomainName"] },
      Description: Match.stringLikeRegexp("CNAME"),
    });
    // The API's own address is still output, unchanged.
    template.hasOutput("ApiUrl", { Value: Match.anyValue() });
  });

  it("needs both keys", () => {
    expect(() => buildStack({ customDomain: "surveys.acme.com" })).toThrow(/set both or neither/);
    expect(() => buildStack({ certificateArn: CERTIFICATE_ARN })).toThrow(/set both or neither/);
  });

  it("needs the certificate in the stack's region when the region is known", () => {
    expect(() => buildStack({ ...withDomain, env: { region: "us-east-1" } })).toThrow(
      /certificate for surveys\.acme\.com is in eu-west-1, but the stack deploys to us-east-1/,
    );
    expect(() => buildStack({ ...withDomain, env: { region: "eu-west-1" } })).not.toThrow();
  });
});
