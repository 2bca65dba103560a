/**
 * Every cdk-nag suppression in the app, each scoped to the resources it is about (and, where the rule
 * reports granular findings, to the exact finding through `appliesTo`), with the reason it is
 * acceptable. Nothing here is stack-wide: a new finding stays visible until it is fixed or given its
 * own scoped, reasoned suppression below.
 */
import type { Stack } from "aws-cdk-lib";
import type { HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { LambdaFunction } from "./constructs/lambda-function";
import type { SurveyRoutes } from "./http-api";

export interface NagSuppressionTargets {
  /** The HTTP routes, by audience; each group has its own reason for having no API Gateway authorizer. */
  readonly routes: SurveyRoutes;
  /** The mail-events function's on-failure destination: a dead-letter queue cdk-nag cannot recognise. */
  readonly mailEventsDeadLetterQueue: IQueue;
  /** The events function's on-failure destination (its stream's failed batches): likewise. */
  readonly eventsFailureQueue: IQueue;
  /** The functions that read the table's stream: their event source grants dynamodb:ListStreams on "*". */
  readonly streamReaders: readonly LambdaFunction[];
}

/** Why the X-Ray actions have Resource "*" (every function is traced). */
const XRAY_REASON =
  "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support " +
  "resource-level permissions, so they need Resource '*' " +
  "(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).";

/** Why a stream reader also has dynamodb:ListStreams on "*". */
const LIST_STREAMS_REASON =
  "The DynamoDB event source (aws-lambda-event-sources DynamoEventSource, through " +
  "Table.grantStreamRead) grants dynamodb:ListStreams, which Lambda's stream polling uses and which " +
  "supports no resource-level permission, so it needs Resource '*' " +
  "(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html). It " +
  "lists stream ARNs only; reading a stream (DescribeStream, GetRecords, GetShardIterator) is granted " +
  "on this table's stream ARN alone.";

/** Why each group of routes has no API Gateway authorizer (cdk-nag APIG4, cfn-guard CT.APIGATEWAY.PR.5). */
export const ROUTE_REASONS: Readonly<Record<keyof SurveyRoutes, string>> = {
  open: "Public by design: the health check and the OpenAPI description carry no data.",
  marketer:
    "The api function authenticates every /v1 and /delighted request before any handler runs: an API " +
    "key (a bearer token, or the user name of HTTP Basic for Delighted's clients) whose SHA-256 hash is " +
    "looked up in the table and compared in constant time (functions/http/api-app.ts, " +
    "functions/http/delighted-app.ts, functions/domain/api-key.ts). HTTP APIs have no API-key authorizer, " +
    "and a Lambda authorizer would add an invocation and latency to every call to check the same key.",
  customer:
    "Public customer pages opened from survey emails: recipients have no account, and the " +
    "unguessable token in the path is the credential. GET never changes state; answers and " +
    "unsubscribes need a POST with the same token.",
  console:
    "The console function signs marketers in itself: every page but the sign-in pages requires a session " +
    "cookie (256 random bits, stored as its SHA-256 hash, expiring) created only through a one-time link " +
    "emailed to a user (functions/http/console-app.tsx, functions/use-cases/console-sign-in.ts); every " +
    "POST must come from the console's own origin. A Lambda authorizer would add an invocation to every " +
    "page to check the same cookie.",
};

export function applyNagSuppressions(stack: Stack, targets: NagSuppressionTargets): void {
  const functions = stack.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction);

  for (const fn of functions) {
    NagSuppressions.addResourceSuppressions(fn, [
      {
        id: "AwsSolutions-L1",
        reason:
          "Node.js 22 is pinned on purpose: the bundles target it and it is the runtime the code is " +
          "built and tested for; Lambda supports it until 2027. Moving to a newer runtime is a " +
          "deliberate, tested change, not one a new aws-cdk-lib release should force.",
      },
    ]);

    // With applyToChildren, this reaches the role's DefaultPolicy, which holds every grant.
    if (fn.role === undefined) continue;
    // One finding covers every action on Resource '*', so a stream reader's reason names both causes.
    const readsStream = targets.streamReaders.includes(fn);
    NagSuppressions.addResourceSuppressions(
      fn.role,
      [
        {
          id: "AwsSolutions-IAM5",
          reason: readsStream ? `${XRAY_REASON} ${LIST_STREAMS_REASON}` : XRAY_REASON,
          appliesTo: ["Resource::*"],
        },
      ],
      true,
    );
  }

  NagSuppressions.addResourceSuppressions(targets.mailEventsDeadLetterQueue, [
    {
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is a dead-letter queue: the mail-events function's on-failure destination " +
        "(lib/mail.ts), where Lambda puts an SES event it still failed on after its asynchronous retries. " +
        "cdk-nag only recognises queues named in another queue's redrive policy. Nothing consumes it, so " +
        "it needs no dead-letter queue of its own; an alarm fires on its first message.",
    },
  ]);
  NagSuppressions.addResourceSuppressions(targets.eventsFailureQueue, [
    {
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is a dead-letter queue: the on-failure destination of the events function's stream " +
        "event source (lib/table-events.ts), where Lambda describes a batch of the table's stream it " +
        "gave up on after its retries. cdk-nag only recognises queues named in another queue's redrive " +
        "policy. Nothing consumes it, so it needs no dead-letter queue of its own; an alarm fires on its " +
        "first message.",
    },
  ]);

  for (const [group, routes] of Object.entries(targets.routes) as [keyof SurveyRoutes, HttpRoute[]][]) {
    for (const route of routes) {
      NagSuppressions.addResourceSuppressions(route, [
        { id: "AwsSolutions-APIG4", reason: ROUTE_REASONS[group] },
      ]);
    }
  }
}
