import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  deployEnvironment,
  EXAMPLE_COMMAND,
  PLACEHOLDER_SENDER_EMAIL,
  parseStackConfig,
  readStackConfig,
} from "../../lib/config";
import { freshApp } from "./stack-fixture";

/** Runs parseStackConfig and returns the ConfigError it throws. */
function configError(context: Record<string, unknown>, region?: string): ConfigError {
  try {
    parseStackConfig(context, undefined, region);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("stack configuration", () => {
  it("synthesizes a dev stage with a placeholder sender, and warns, when no context is given", () => {
    const { config, warnings } = parseStackConfig({});
    expect(config).toEqual({
      stage: "dev",
      senderEmail: PLACEHOLDER_SENDER_EMAIL,
      senderDomain: undefined,
      alarmEmail: undefined,
      logRetention: RetentionDays.ONE_MONTH,
      sendConcurrency: 2,
      retentionDays: 730,
      createDomainIdentity: false,
    });
    expect(warnings.map((w) => w.id)).toEqual(["open-nps:placeholder-sender", "open-nps:no-alarm-email"]);
    expect(warnings[0]?.message).toContain("-c senderEmail=");
  });

  it("accepts a complete configuration as -c strings, without warnings", () => {
    const { config, warnings } = parseStackConfig({
      stage: "prod",
      senderEmail: "surveys@acme.com",
      senderDomain: "acme.com",
      alarmEmail: "ops@acme.com",
      logRetentionDays: "90",
      sendConcurrency: "4",
    });
    expect(config).toEqual({
      stage: "prod",
      senderEmail: "surveys@acme.com",
      senderDomain: "acme.com",
      alarmEmail: "ops@acme.com",
      logRetention: RetentionDays.THREE_MONTHS,
      sendConcurrency: 4,
      retentionDays: 730,
      createDomainIdentity: false,
    });
    expect(warnings).toEqual([]);
  });

  it("accepts JSON numbers from cdk.json for logRetentionDays", () => {
    expect(parseStackConfig({ logRetentionDays: 365 }).config.logRetention).toBe(RetentionDays.ONE_YEAR);
  });

  it("accepts JSON numbers from cdk.json for sendConcurrency", () => {
    expect(parseStackConfig({ sendConcurrency: 10 }).config.sendConcurrency).toBe(10);
  });

  it.each<[string | number, string]>([
    ["1", "(Lambda's minimum for an SQS event source is 2)"],
    ["51", "(above the ceiling)"],
    [2.5, "(not whole)"],
    ["two", "(not a number)"],
  ])("rejects sendConcurrency %j %s", (value, _why) => {
    expect(configError({ sendConcurrency: value }).problems).toEqual([
      expect.stringMatching(/^sendConcurrency: must be a whole number( from 2 to 50)? \(got /),
    ]);
  });

  it("derives the From address from senderDomain alone", () => {
    const { config } = parseStackConfig({
      stage: "prod",
      senderDomain: "acme.com",
      alarmEmail: "ops@acme.com",
    });
    expect(config.senderEmail).toBe("surveys@acme.com");
    expect(config.senderDomain).toBe("acme.com");
  });

  it("requires the sender and the alarm email for any stage but dev, naming both and showing an example", () => {
    const error = configError({ stage: "prod" });
    expect(error.problems).toEqual([
      'senderEmail or senderDomain: required for stage "prod" (the address survey emails come from)',
      'alarmEmail: required for stage "prod" (where alarms are sent)',
    ]);
    expect(error.message).toContain(EXAMPLE_COMMAND);
    expect(error.message).toContain("lib/config.ts");
  });

  it("lists every invalid value at once, with what was given", () => {
    const error = configError({
      stage: "Prod_1",
      senderEmail: "not-an-address",
      alarmEmail: "ops",
      logRetentionDays: "31",
    });
    expect(error.problems).toHaveLength(4);
    const text = error.problems.join("\n");
    expect(text).toContain(
      'stage: must be 1–20 lowercase letters, digits or hyphens, starting with a letter (got "Prod_1")',
    );
    expect(text).toContain(
      'senderEmail: must be an email address such as surveys@acme.com (got "not-an-address")',
    );
    expect(text).toContain('alarmEmail: must be an email address such as ops@acme.com (got "ops")');
    expect(text).toMatch(/logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .* \(got "31"\)/);
  });

  it("rejects a non-numeric retention and a malformed domain", () => {
    const error = configError({ senderDomain: "acme", logRetentionDays: "a month" });
    expect(error.problems.join("\n")).toContain("senderDomain: must be a domain name such as acme.com");
    expect(error.problems.join("\n")).toContain("logRetentionDays: must be a whole number of days");
  });

  it("rejects a sender address outside the sender domain", () => {
    const error = configError({ senderEmail: "surveys@other.com", senderDomain: "acme.com" });
    expect(error.problems).toEqual([
      'senderEmail: must be an address at senderDomain "acme.com" (got "surveys@other.com")',
    ]);
  });

  it("rejects a sender address too long for campaign sender names to fit beside it in SES's From line", () => {
    const domain = `${"a".repeat(60)}.${"b".repeat(40)}.com`;
    expect(configError({ senderEmail: `s@${domain}` }).problems).toEqual([
      "senderEmail: the sender address must be at most 100 characters (SES takes a From line of at most 320 " +
        "with the sender name), got 107",
    ]);
    // Only a domain: its derived address surveys@<domain> is what counts.
    expect(configError({ senderDomain: domain }).problems).toEqual([
      expect.stringMatching(/^senderDomain: the sender address must be at most 100 characters .*, got 113$/),
    ]);
  });

  it("treats blank values (-c key=) as missing", () => {
    const error = configError({ stage: "prod", senderEmail: " ", alarmEmail: "" });
    expect(error.problems).toHaveLength(2);
    expect(error.problems.every((problem) => problem.includes("required"))).toBe(true);
  });

  describe("custom domain", () => {
    const CERTIFICATE_ARN =
      "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

    it("is off by default", () => {
      const { config } = parseStackConfig({});
      expect(config.customDomain).toBeUndefined();
      expect(config.certificateArn).toBeUndefined();
    });

    it("accepts a domain with an ACM certificate ARN (the domain in lowercase)", () => {
      const { config } = parseStackConfig({
        customDomain: "Surveys.Acme.com",
        certificateArn: CERTIFICATE_ARN,
      });
      expect(config.customDomain).toBe("surveys.acme.com");
      expect(config.certificateArn).toBe(CERTIFICATE_ARN);
    });

    it("accepts the certificate of another partition", () => {
      const arn =
        "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
      expect(
        parseStackConfig({ customDomain: "surveys.acme.com", certificateArn: arn }).config.certificateArn,
      ).toBe(arn);
    });

    it("wants both or neither", () => {
      expect(configError({ customDomain: "surveys.acme.com" }).problems).toEqual([
        expect.stringMatching(
          /^certificateArn: required with customDomain.*set both, for a custom domain, or neither/,
        ),
      ]);
      expect(configError({ certificateArn: CERTIFICATE_ARN }).problems).toEqual([
        expect.stringMatching(/^customDomain: required with certificateArn.*set both/),
      ]);
      // A blank value (-c certificateArn=) counts as missing.
      expect(configError({ customDomain: "surveys.acme.com", certificateArn: " " }).problems).toHaveLength(1);
    });

    it.each([
      ["not an ARN", "my-certificate"],
      ["another service", "arn:aws:iam::123456789012:server-certificate/acme"],
      ["no region", "arn:aws:acm::123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"],
      ["a short account", "arn:aws:acm:eu-west-1:1234:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"],
      ["a malformed id", "arn:aws:acm:eu-west-1:123456789012:certificate/xyz"],
    ])("rejects a certificateArn that is %s", (_why, certificateArn) => {
      expect(configError({ customDomain: "surveys.acme.com", certificateArn }).problems).toEqual([
        expect.stringMatching(/^certificateArn: must be an ACM certificate ARN such as arn:aws:acm:/),
      ]);
    });

    it("wants the certificate in the stack's region, when the region is known", () => {
      const context = { customDomain: "surveys.acme.com", certificateArn: CERTIFICATE_ARN };
      expect(configError(context, "us-east-1").problems).toEqual([
        "certificateArn: must be a certificate in the stack's region us-east-1, where API Gateway's regional " +
          "custom domain is (got one in eu-west-1)",
      ]);
      expect(parseStackConfig(context, undefined, "eu-west-1").config.certificateArn).toBe(CERTIFICATE_ARN);
      expect(parseStackConfig(context).config.certificateArn).toBe(CERTIFICATE_ARN);
    });

    it("rejects a malformed domain", () => {
      expect(
        configError({ customDomain: "https://surveys.acme.com", certificateArn: CERTIFICATE_ARN }).problems,
      ).toEqual([expect.stringMatching(/^customDomain: must be a domain name such as surveys\.acme\.com/)]);
    });

    it("is read from the app's CDK context", () => {
      const app = freshApp({
        context: { customDomain: "surveys.acme.com", certificateArn: CERTIFICATE_ARN },
      });
      expect(readStackConfig(app).config.customDomain).toBe("surveys.acme.com");
    });
  });

  it("reads the keys from the app's CDK context", () => {
    const app = freshApp({
      context: {
        stage: "staging",
        senderEmail: "nps@acme.com",
        alarmEmail: "ops@acme.com",
        logRetentionDays: "14",
      },
    });
    const { config } = readStackConfig(app);
    expect(config.stage).toBe("staging");
    expect(config.senderEmail).toBe("nps@acme.com");
    expect(config.logRetention).toBe(RetentionDays.TWO_WEEKS);
  });

  it("takes account and region from the CDK CLI's variables, environment-agnostic when unset", () => {
    expect(
      deployEnvironment({ CDK_DEFAULT_ACCOUNT: "123456789012", CDK_DEFAULT_REGION: "eu-west-1" }),
    ).toEqual({
      account: "123456789012",
      region: "eu-west-1",
    });
    expect(deployEnvironment({})).toEqual({ account: undefined, region: undefined });
  });
});
