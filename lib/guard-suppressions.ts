/**
 * Every acknowledged cfn-guard finding in the app (the AWS Control Tower proactive controls that
 * @cdklabs/cdk-validator-cfnguard runs on the synthesized template), each scoped to the constructs it
 * is about, with the reason it is acceptable. They are CDK acknowledgements
 * (`Validations.of(construct).acknowledge`), which the validation report honours for exactly those
 * constructs and their children; the plugin's own `disabledRules` would switch a rule off for every
 * resource, including ones added later, so it is not used. The template was changed instead wherever
 * a control could be met: the dead-letter queues declare a redrive-allow policy (CT.SQS.PR.1) and the
 * mail-events KMS key refuses grants except for AWS services (CT.KMS.PR.3).
 */
import { Validations } from "aws-cdk-lib";
import type { HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";
import type { LambdaFunction } from "./constructs/lambda-function";
import type { SurveyRoutes } from "./http-api";
import { ROUTE_REASONS } from "./nag-suppressions";

/** The rule ids of the validation report: the plugin's name, then the guard rule's name. */
const GUARD = "cdk-validator-cfnguard";

export interface GuardSuppressionTargets {
  /** Every function of the stack: none runs in a VPC. */
  readonly functions: readonly LambdaFunction[];
  /** Every log group of the stack: the functions' and the API's access logs. */
  readonly logGroups: readonly ILogGroup[];
  /** The HTTP routes, by audience: none has an API Gateway authorizer, for its group's reason. */
  readonly routes: SurveyRoutes;
}

/** Why each acknowledged control does not fit, by guard rule name. */
export const GUARD_REASONS = {
  // CT.LAMBDA.PR.3
  lambda_inside_vpc_check:
    "The functions reach only AWS service endpoints (DynamoDB, SQS, SES, CloudWatch) and no private " +
    "resource: a customer-managed VPC would have nothing to protect, and would need NAT gateways or " +
    "interface endpoints (tens of USD a month per availability zone) to reach those services. What " +
    "each function may do is bounded by its own IAM role instead.",
  // CT.CLOUDWATCH.PR.2
  cloudwatch_log_group_retention_period_check:
    "Logs are kept for the stack's logRetention, one month unless the client sets more: they are " +
    "operational (errors, request metadata), the records they may mention live in the table under " +
    "their own retention, and keeping them a year would keep personal data longer than the product " +
    "needs it. A client whose policy asks for a year sets logRetention to a year or more.",
  // CT.CLOUDWATCH.PR.3
  cloudwatch_log_group_encrypted_check:
    "CloudWatch Logs encrypts every log group at rest with service-managed keys. A customer-managed key " +
    "would cost a key a month and a key policy for the logs service, while who can read the logs would " +
    "still be decided by IAM in the same account.",
  // CT.APIGATEWAY.PR.5: acknowledged per route with its group's reason (ROUTE_REASONS), in short:
  api_gw_v2_authorization_type_configured_check:
    "No route has an API Gateway authorizer: the health check and the OpenAPI description are public, " +
    "the api function checks the API key of the marketer and Delighted-compatible APIs itself, and the " +
    "customer pages' unguessable token is the credential.",
  // CT.LAMBDA.PR.2
  lambda_function_public_access_prohibited_check:
    "The permission lets only API Gateway invoke the function, and only for this route of this API: " +
    "its SourceArn is the API's execute-api ARN with the route's path, which the stack builds with " +
    "Fn::Join. The control accepts only a literal string or a Ref/GetAtt as SourceArn, so it cannot " +
    "see that condition.",
} as const;

export type GuardRule = keyof typeof GUARD_REASONS;

const acknowledge = (scope: IConstruct, rule: GuardRule, reason: string = GUARD_REASONS[rule]) =>
  Validations.of(scope).acknowledge({ id: `${GUARD}::${rule}`, reason });

export function applyGuardSuppressions(targets: GuardSuppressionTargets): void {
  for (const fn of targets.functions) acknowledge(fn, "lambda_inside_vpc_check");

  for (const logGroup of targets.logGroups) {
    acknowledge(logGroup, "cloudwatch_log_group_retention_period_check");
    acknowledge(logGroup, "cloudwatch_log_group_encrypted_check");
  }

  for (const [group, routes] of Object.entries(targets.routes) as [keyof SurveyRoutes, HttpRoute[]][]) {
    for (const route of routes) {
      acknowledge(route, "api_gw_v2_authorization_type_configured_check", ROUTE_REASONS[group]);
      // The route's invoke permission is a child of the route construct.
      acknowledge(route, "lambda_function_public_access_prohibited_check");
    }
  }
}
