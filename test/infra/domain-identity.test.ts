// The optional SES domain identity with Easy DKIM: off by default, on with createDomainIdentity.
import { App } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ConfigError, readStackConfig } from "../../lib/config";
import { SKIP_BUNDLING, SYNTH, synthTemplate } from "./stack-fixture";

const configOf = (context: Record<string, unknown>) =>
  readStackConfig(new App({ context: { ...SKIP_BUNDLING, ...context } })).config;

describe("SES domain identity", SYNTH, () => {
  it("is off by default, and needs senderDomain when asked for", () => {
    expect(configOf({}).createDomainIdentity).toBe(false);
    expect(configOf({ senderDomain: "acme.com", createDomainIdentity: "true" }).createDomainIdentity).toBe(
      true,
    );
    expect(configOf({ senderDomain: "acme.com", createDomainIdentity: false }).createDomainIdentity).toBe(
      false,
    );
    expect(() => configOf({ createDomainIdentity: "true" })).toThrow(ConfigError);
    expect(() => configOf({ createDomainIdentity: "true" })).toThrow(
      /createDomainIdentity: needs senderDomain/,
    );
    expect(() => configOf({ senderDomain: "acme.com", createDomainIdentity: "yes" })).toThrow(
      /createDomainIdentity/,
    );
  });

  it("creates the domain identity with Easy DKIM and outputs the three DNS records", () => {
    const template = synthTemplate({
      senderDomain: "acme.com",
      senderEmail: "surveys@acme.com",
      createDomainIdentity: true,
    });
    template.resourceCountIs("AWS::SES::EmailIdentity", 1);
    template.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "acme.com",
      DkimSigningAttributes: Match.absent(),
    });
    const outputs = Object.keys(template.findOutputs("*")).filter((id) => id.startsWith("DkimRecord"));
    expect(outputs.sort()).toEqual(["DkimRecord1", "DkimRecord2", "DkimRecord3"]);
  });

  it("creates no identity without it", () => {
    const template = synthTemplate({ senderDomain: "acme.com", senderEmail: "surveys@acme.com" });
    template.resourceCountIs("AWS::SES::EmailIdentity", 0);
    expect(Object.keys(template.findOutputs("*")).some((id) => id.startsWith("DkimRecord"))).toBe(false);
  });
});
