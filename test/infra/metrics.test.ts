// Business metrics need no IAM (EMF through the logs), only the namespace and a service per function.
import { describe, expect, it } from "vitest";
import { METRICS_NAMESPACE } from "../../lib/constructs/lambda-function";
import { SYNTH, synthTemplate } from "./stack-fixture";

describe("business metrics", SYNTH, () => {
  it("gives every function the metrics namespace and its own service name", () => {
    const functions = Object.values(synthTemplate().findResources("AWS::Lambda::Function")) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    expect(functions).toHaveLength(7);
    const services = functions.map((fn) => {
      expect(fn.Properties.Environment.Variables.METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
      return fn.Properties.Environment.Variables.METRICS_SERVICE;
    });
    expect(services.sort()).toEqual([
      "api",
      "console",
      "dispatch",
      "events",
      "mail-events",
      "send",
      "survey",
    ]);
  });
});
