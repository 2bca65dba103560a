// cfn-guard (the AWS Control Tower proactive controls) on the synthesized template: no unacknowledged
// violation, and the acknowledgements are scoped to the constructs they name, with a reason each.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { App, Stack } from "aws-cdk-lib";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { GUARD_REASONS } from "../../lib/guard-suppressions";
import { ROUTE_REASONS } from "../../lib/nag-suppressions";
import type { NpsStackProps } from "../../lib/nps-stack";
import { buildStack, SYNTH } from "./stack-fixture";

type ReportedViolation = {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
  reason?: string;
  acknowledgedAt?: string;
};
type ValidationReport = {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: ReportedViolation[];
    suppressedViolations?: ReportedViolation[];
  }[];
};

/** Synthesizes with cfn-guard as bin/app.ts does; returns the thrown error, if any, and the report. */
function validate(props: Partial<NpsStackProps> = {}, extend?: (stack: Stack) => void) {
  const { app, stack } = buildStack(props, { policyValidation: true });
  extend?.(stack);
  let error: unknown;
  try {
    app.synth();
  } catch (caught) {
    error = caught;
  }
  return { error, report: readReport(app) };
}

function readReport(app: App): ValidationReport {
  return JSON.parse(readFileSync(join(app.outdir, "validation-report.json"), "utf8")) as ValidationReport;
}

/** "rule at construct path" for each violating construct, sorted: a failure names both. */
const findings = (violations: ReportedViolation[]) =>
  violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)).sort();

function guardReport(report: ValidationReport) {
  const reports = report.pluginReports.filter((r) => r.pluginName === "cdk-validator-cfnguard");
  expect(reports).toHaveLength(1);
  const [guard] = reports;
  if (!guard) throw new Error("no cfn-guard report");
  return guard;
}

describe("cfn-guard Control Tower controls", SYNTH, () => {
  it.each([
    ["with an alarm email", {}],
    ["without an alarm email", { alarmEmail: undefined, stage: "dev" }],
    [
      "with a sender domain, its identity created here, and more senders",
      { senderDomain: "acme.com", createDomainIdentity: true, sendConcurrency: 10 },
    ],
    [
      "with a custom domain",
      {
        customDomain: "surveys.acme.com",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
      },
    ],
  ])("reports no unacknowledged violation %s", (_name, props: Partial<NpsStackProps>) => {
    const { error, report } = validate(props);
    const guard = guardReport(report);
    expect(findings(guard.violations)).toEqual([]);
    expect(guard.conclusion).toBe("success");
    expect(error).toBeUndefined();
  });

  it("acknowledges only the controls the product cannot meet, each on its own constructs, with its reason", () => {
    const { report } = validate();
    const suppressed = guardReport(report).suppressedViolations ?? [];
    const byRule = new Map<string, string[]>();
    for (const violation of suppressed) {
      expect(violation.reason?.length ?? 0).toBeGreaterThan(40);
      const expected =
        violation.ruleName === "api_gw_v2_authorization_type_configured_check"
          ? Object.values(ROUTE_REASONS)
          : [GUARD_REASONS[violation.ruleName as keyof typeof GUARD_REASONS]];
      expect(expected).toContain(violation.reason);
      byRule.set(violation.ruleName, [
        ...(byRule.get(violation.ruleName) ?? []),
        ...violation.violatingConstructs.map((c) => c.constructPath),
      ]);
    }
    const paths = (rule: string) => [...(byRule.get(rule) ?? [])].sort();
    const functions = ["Delivery/DispatchFunction", "Delivery/SendFunction", "Http/ApiFunction"]
      .concat(["Http/SurveyFunction", "Http/ConsoleFunction", "Mail/EventsFunction", "Events/EventsFunction"])
      .map((path) => `NpsTest/${path}`);
    const logGroups = [
      ...functions.map((path) => `${path}LogGroup/Resource`),
      "NpsTest/Http/AccessLogs/Resource",
    ];

    expect([...byRule.keys()].sort()).toEqual(Object.keys(GUARD_REASONS).sort());
    expect(paths("lambda_inside_vpc_check")).toEqual(functions.map((path) => `${path}/Resource`).sort());
    expect(paths("cloudwatch_log_group_retention_period_check")).toEqual(logGroups.sort());
    expect(paths("cloudwatch_log_group_encrypted_check")).toEqual(logGroups.sort());
    // The eleven routes, and each route's permission for API Gateway to invoke its function.
    expect(paths("api_gw_v2_authorization_type_configured_check")).toHaveLength(11);
    expect(paths("lambda_function_public_access_prohibited_check")).toHaveLength(11);
    for (const path of paths("lambda_function_public_access_prohibited_check")) {
      expect(path).toMatch(/^NpsTest\/Http\/HttpApi\/[^/]+\/(Api|Survey|Console)Integration-Permission$/);
    }
  });

  it("is met, not acknowledged, by the dead-letter and failure queues and the mail-events key", () => {
    const { report } = validate();
    const suppressedRules = (guardReport(report).suppressedViolations ?? []).map((v) => v.ruleName);
    expect(suppressedRules).not.toContain("sqs_dlq_check");
    expect(suppressedRules).not.toContain("kms_create_grant_aws_service_check");
  });

  it("still fails on a new violation: the acknowledgements do not cover the whole stack", () => {
    const { error, report } = validate({}, (stack) => {
      new Queue(stack, "ExtraQueue");
      new LogGroup(stack, "ExtraLogs", { retention: RetentionDays.ONE_WEEK });
    });
    expect(findings(guardReport(report).violations)).toEqual([
      "cloudwatch_log_group_encrypted_check at NpsTest/ExtraLogs/Resource",
      "cloudwatch_log_group_retention_period_check at NpsTest/ExtraLogs/Resource",
      "sqs_dlq_check at NpsTest/ExtraQueue/Resource",
      "sqs_queue_encrypted_check at NpsTest/ExtraQueue/Resource",
    ]);
    // Synthesis fails although the same report also holds the stack's acknowledged findings.
    expect(guardReport(report).conclusion).toBe("failure");
    expect(String(error)).toMatch(/^ValidationFailed: .*NpsTest\/ExtraQueue/s);
  });
});
