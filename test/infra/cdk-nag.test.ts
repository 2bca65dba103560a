// cdk-nag AwsSolutions: no unsuppressed finding, and the suppressions are scoped, not stack-wide.
import { Aspects, type Stack } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import type { NpsStackProps } from "../../lib/nps-stack";
import { buildStack, SYNTH } from "./stack-fixture";

const AWS_SOLUTIONS = Match.stringLikeRegexp("AwsSolutions-.*");

function checkedStack(props: Partial<NpsStackProps> = {}, extend?: (stack: Stack) => void) {
  const { app, stack } = buildStack(props);
  extend?.(stack);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return Annotations.fromStack(stack);
}

/** Readable findings, so that a failure names the rule and the resource. */
const findings = (messages: { id: string; entry: { data?: unknown } }[]) =>
  messages.map((m) => `${m.id}: ${String(m.entry.data).split(":")[0]}`);

describe("cdk-nag AwsSolutions", SYNTH, () => {
  it.each([
    ["with an alarm email", {}],
    ["without an alarm email", { alarmEmail: undefined, stage: "dev" }],
    ["with a sender domain and more senders", { senderDomain: "acme.com", sendConcurrency: 10 }],
    [
      "with a custom domain",
      {
        customDomain: "surveys.acme.com",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
      },
    ],
  ])("reports no unsuppressed errors or warnings %s", (_name, props: Partial<NpsStackProps>) => {
    const annotations = checkedStack(props);
    expect(findings(annotations.findError("*", AWS_SOLUTIONS))).toEqual([]);
    expect(findings(annotations.findWarning("*", AWS_SOLUTIONS))).toEqual([]);
  });

  it("still reports a new wildcard permission: the suppressions do not cover the whole stack", () => {
    const annotations = checkedStack({}, (stack) => {
      const role = new Role(stack, "ExtraRole", { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
      role.addToPolicy(new PolicyStatement({ actions: ["s3:GetObject"], resources: ["*"] }));
    });
    const errors = findings(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-IAM5.*")));
    expect(errors).toEqual([
      expect.stringMatching(/^\/NpsTest\/ExtraRole\/DefaultPolicy\/Resource: AwsSolutions-IAM5/),
    ]);
  });
});
