// cdk-nag AwsSolutions: no unsuppressed finding, and the suppressions are scoped, not stack-wide.
import { Aspects, type CfnResource, type Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
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

  it("suppresses Resource '*' on the events function's role for X-Ray and ListStreams, and its failure queue as a DLQ, with reasons", () => {
    const { stack } = buildStack();
    const template = Template.fromStack(stack);
    type Suppression = { id: string; reason: string; applies_to?: string[] };
    const suppressionsOf = (construct: IConstruct) => {
      const resource = template.toJSON().Resources[
        stack.getLogicalId(construct.node.defaultChild as CfnResource)
      ] as { Metadata?: { cdk_nag?: { rules_to_suppress: Suppression[] } } };
      return resource.Metadata?.cdk_nag?.rules_to_suppress ?? [];
    };
    const eventsRole = stack.events.eventsFunction.role;
    if (!eventsRole) throw new Error("no role");
    const [iam5, ...others] = suppressionsOf(eventsRole);
    expect(others).toEqual([]);
    expect(iam5).toMatchObject({ id: "AwsSolutions-IAM5", applies_to: ["Resource::*"] });
    expect(iam5?.reason).toMatch(/xray:PutTraceSegments.*dynamodb:ListStreams/s);
    // The other functions' roles keep the X-Ray reason alone.
    const sendRole = stack.delivery.sendFunction.role;
    if (!sendRole) throw new Error("no role");
    expect(
      suppressionsOf(sendRole)
        .map((s) => s.reason)
        .join(),
    ).not.toContain("ListStreams");
    expect(suppressionsOf(stack.events.failureQueue)).toEqual([
      { id: "AwsSolutions-SQS3", reason: expect.stringMatching(/dead-letter queue.*table's stream/s) },
    ]);
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
