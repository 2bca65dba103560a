// CDK app entry: read the validated configuration, build the stack, check it with cdk-nag and cfn-guard.
import { Annotations, App, Aspects } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError, deployEnvironment, type LoadedConfig, readStackConfig, stackIdOf } from "../lib/config";
import { NpsStack } from "../lib/nps-stack";
import { addPolicyValidation } from "../lib/policy-validation";

const app = new App();
// cfn-guard runs on the synthesized template after cdk-nag has checked the constructs.
addPolicyValidation(app);
const { config, warnings } = readConfigOrExit(app);

// Nps-<client>-<stage> (or Nps-<stage>): several clients and stages can share an account and region.
const stack = new NpsStack(app, stackIdOf(config), { ...config, env: deployEnvironment() });
for (const { id, message } of warnings) Annotations.of(stack).addWarningV2(id, message);

Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

/** A configuration mistake ends synthesis with the message alone, not a stack trace. */
function readConfigOrExit(app: App): LoadedConfig {
  try {
    // With the target region, a custom domain's certificate is checked to be in it (API Gateway's rule).
    return readStackConfig(app, undefined, deployEnvironment().region);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
