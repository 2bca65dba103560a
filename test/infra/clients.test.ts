// Per-client configuration: client files, the stack id, and two clients side by side in one account.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CfnResource } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  CLIENT_CONFIG_DIRECTORY,
  ConfigError,
  parseStackConfig,
  RETENTION_DAYS_RANGE,
  readClientFile,
  readStackConfig,
  stackIdOf,
} from "../../lib/config";
import { NpsStack } from "../../lib/nps-stack";
import { freshApp, SYNTH } from "./stack-fixture";

/** A temporary config/ directory holding the given client files, removed when the test ends. */
function configDirectory(files: Record<string, unknown>): string {
  const directory = mkdtempSync(join(tmpdir(), "nps-config-test-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  for (const [client, content] of Object.entries(files)) {
    const text = typeof content === "string" ? content : JSON.stringify(content);
    writeFileSync(join(directory, `${client}.json`), text);
  }
  return directory;
}

/** Runs `read` and returns the ConfigError it throws. */
function configError(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const ACME = {
  stage: "prod",
  senderDomain: "acme.com",
  alarmEmail: "ops@acme.com",
  retentionDays: 365,
};
const GLOBEX = {
  stage: "prod",
  senderEmail: "nps@globex.example",
  alarmEmail: "oncall@globex.example",
  sendConcurrency: 8,
};

describe("client files", () => {
  it("selects config/<client>.json with -c client=<name>, validated like context", () => {
    const directory = configDirectory({ acme: ACME });
    const { config, warnings } = readStackConfig(freshApp({ context: { client: "acme" } }), directory);
    expect(config).toMatchObject({
      client: "acme",
      stage: "prod",
      senderEmail: "surveys@acme.com",
      senderDomain: "acme.com",
      alarmEmail: "ops@acme.com",
      retentionDays: 365,
    });
    expect(warnings).toEqual([]);
  });

  it("lets context override the file's values", () => {
    const directory = configDirectory({ acme: ACME });
    const app = freshApp({ context: { client: "acme", stage: "staging", retentionDays: "200" } });
    const { config } = readStackConfig(app, directory);
    expect(config.stage).toBe("staging");
    expect(config.retentionDays).toBe(200);
    expect(config.senderDomain).toBe("acme.com");
  });

  it("validates the file's values with the same schema, naming the file", () => {
    const directory = configDirectory({ acme: { ...ACME, alarmEmail: "ops", retentionDays: 30 } });
    const error = configError(() => readStackConfig(freshApp({ context: { client: "acme" } }), directory));
    expect(error.source).toBe("config/acme.json");
    expect(error.message).toContain("config/acme.json");
    expect(error.problems).toEqual([
      expect.stringMatching(/^alarmEmail: must be an email address/),
      expect.stringMatching(/^retentionDays: must be a whole number of days from 180 to 3650 \(got 30\)/),
    ]);
  });

  it("rejects unknown keys (a misspelt setting is not silently ignored) and a client key", () => {
    const directory = configDirectory({ acme: { ...ACME, alarmEmial: "x@acme.com", client: "other" } });
    const error = configError(() => readClientFile("acme", directory));
    expect(error.problems).toEqual([
      expect.stringMatching(/^alarmEmial: not a setting \(the settings are stage, senderEmail/),
      "client: not allowed in the file (the file's name is the client)",
    ]);
  });

  it("says which clients have a file when the named one has none", () => {
    const directory = configDirectory({ acme: ACME, globex: GLOBEX });
    expect(configError(() => readClientFile("initech", directory)).problems).toEqual([
      expect.stringMatching(/^client: no file config\/initech\.json .*\(clients with a file: acme, globex\)/),
    ]);
  });

  it.each(["../secrets", "Acme", "acme.prod", ""])("rejects the client name %j", (client) => {
    const directory = configDirectory({});
    const error = configError(() => readClientFile(client, directory));
    expect(error.problems[0]).toMatch(/^client: must be 1–30 lowercase letters/);
  });

  it("rejects a file that is not a JSON object", () => {
    const directory = configDirectory({ acme: "[1, 2]", broken: "{ stage: prod" });
    expect(configError(() => readClientFile("acme", directory)).problems[0]).toMatch(/must be a JSON object/);
    expect(configError(() => readClientFile("broken", directory)).problems[0]).toMatch(/not valid JSON/);
  });

  it("ships a valid example: config/example.json", () => {
    const { values, source } = readClientFile("example", CLIENT_CONFIG_DIRECTORY);
    expect(source).toBe("config/example.json");
    const { config, warnings } = parseStackConfig(values, source);
    expect(config.client).toBe("example");
    expect(config.retentionDays).toBe(RETENTION_DAYS_RANGE.default);
    expect(warnings).toEqual([]);
  });
});

describe("retentionDays", () => {
  it("defaults to 730 and accepts digits or JSON numbers within 180–3650", () => {
    expect(parseStackConfig({}).config.retentionDays).toBe(730);
    expect(parseStackConfig({ retentionDays: "180" }).config.retentionDays).toBe(180);
    expect(parseStackConfig({ retentionDays: 3650 }).config.retentionDays).toBe(3650);
  });

  it.each<string | number>([179, "3651", 365.5, "two years"])("rejects %j", (value) => {
    expect(configError(() => parseStackConfig({ retentionDays: value })).problems).toEqual([
      expect.stringMatching(/^retentionDays: must be a whole number of days/),
    ]);
  });
});

describe("stack id", () => {
  it("is Nps-<client>-<stage> with a client and Nps-<stage> without", () => {
    expect(stackIdOf({ client: "acme", stage: "prod" })).toBe("Nps-acme-prod");
    expect(stackIdOf({ stage: "prod" })).toBe("Nps-prod");
  });
});

/**
 * The properties that give a resource its physical name (unique per account and region, or per
 * account): a literal string in any of them would make a second client's stack fail to create.
 */
const PHYSICAL_NAME_KEYS = new Set([
  "Name",
  "TableName",
  "QueueName",
  "FunctionName",
  "TopicName",
  "RoleName",
  "LogGroupName",
  "ConfigurationSetName",
  "AlarmName",
  "DashboardName",
  "RuleName",
  "AliasName",
  "ManagedPolicyName",
  "BucketName",
  "KeyName",
]);

/**
 * Name properties that are NOT unique in an account or region, so two stacks may share them: each is
 * scoped to its parent resource or is a display label.
 */
const SCOPED_NAMES: Readonly<Record<string, readonly string[]>> = {
  // An HTTP API's name is a label (APIs are identified by id); the stage "$default" is per API.
  "AWS::ApiGatewayV2::Api": ["Name"],
  "AWS::ApiGatewayV2::Stage": ["StageName"],
  // An inline policy's name is unique within its role only.
  "AWS::IAM::Policy": ["PolicyName"],
};

/** Every top-level physical-name property holding a literal string (a hard-coded physical name). */
function hardCodedNames(template: Template): string[] {
  return Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties?: object }>)
    .flatMap(([id, resource]) =>
      Object.entries(resource.Properties ?? {})
        .filter(([key, value]) => PHYSICAL_NAME_KEYS.has(key) && typeof value === "string")
        .filter(([key]) => !SCOPED_NAMES[resource.Type]?.includes(key))
        .map(([key, value]) => `${resource.Type} ${id}.${key} = ${value}`),
    )
    .sort();
}

describe("two clients in one account and region", SYNTH, () => {
  it("get different stacks, tags and no resource with a hard-coded physical name", () => {
    const directory = configDirectory({ acme: ACME, globex: GLOBEX });
    const app = freshApp();
    const env = { account: "123456789012", region: "eu-west-1" };
    const stacks = ["acme", "globex"].map((client) => {
      const { values, source } = readClientFile(client, directory);
      const { config } = parseStackConfig(values, source);
      return new NpsStack(app, stackIdOf(config), { ...config, env });
    });
    const [acme, globex] = stacks as [NpsStack, NpsStack];

    expect(acme.stackName).toBe("Nps-acme-prod");
    expect(globex.stackName).toBe("Nps-globex-prod");
    expect(acme.account).toBe(globex.account);
    expect(acme.region).toBe(globex.region);

    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      expect(hardCodedNames(template), stack.stackName).toEqual([]);
      template.hasResourceProperties("AWS::DynamoDB::Table", {
        Tags: Match.arrayWith([{ Key: "open-nps:client", Value: stack.client }]),
      });
    }
  });

  it("would catch a hard-coded name (the check is not vacuous)", () => {
    const app = freshApp();
    const stack = new NpsStack(app, "Nps-acme-prod", { ...parseStackConfig(ACME).config, client: "acme" });
    (stack.delivery.queue.node.defaultChild as CfnResource).addPropertyOverride("QueueName", "surveys");
    expect(hardCodedNames(Template.fromStack(stack))).toEqual([
      expect.stringMatching(/^AWS::SQS::Queue DeliverySendQueue\w+\.QueueName = surveys$/),
    ]);
  });
});
