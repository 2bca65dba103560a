// Policy validation of the synthesized template: cfn-guard with the AWS Control Tower proactive controls.

import { CfnGuardValidator } from "@cdklabs/cdk-validator-cfnguard";
import {
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from "aws-cdk-lib";

/**
 * Runs cfn-guard on every template `app` synthesizes, with all the Control Tower proactive controls the
 * plugin bundles (its own cfn-guard binary and rules: nothing is downloaded). Any violation that is not
 * acknowledged in lib/guard-suppressions.ts fails the synthesis and prints the report. Beside cdk-nag,
 * which checks the constructs: this checks the template CloudFormation will receive.
 */
export function addPolicyValidation(app: App): void {
  Validations.of(app).addPlugins(
    new EveryViolationAnError(new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: [] })),
  );
}

/**
 * The plugin's report with each violation's severity set to "error" where the plugin left it unset.
 * The CDK prints an unset severity as an error, but once any violation of a report is acknowledged it
 * judges the rest by their severity alone, so without this a report with one acknowledgement would
 * pass whatever else it found.
 */
class EveryViolationAnError implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly plugin: IPolicyValidationPlugin) {
    this.name = plugin.name;
    this.version = plugin.version;
    this.ruleIds = plugin.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.plugin.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        severity: violation.severity ?? "error",
      })),
    };
  }
}
