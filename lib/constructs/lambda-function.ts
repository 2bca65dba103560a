// The one Lambda function construct: every function in the stack shares these defaults.
import { fileURLToPath } from "node:url";
import { Duration } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** Repository root and the folder holding one thin entry file per Lambda. */
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const handlersDirectory = fileURLToPath(new URL("../../functions/handlers/", import.meta.url));

/**
 * esbuild emits ESM, where `require` does not exist; a CommonJS dependency that calls `require` for a
 * Node built-in would fail at cold start. This banner gives the bundle a real `require`.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface LambdaFunctionProps {
  /**
   * The entry file, relative to `functions/handlers/` (e.g. `"api.ts"`). Its `handler` export is the
   * Lambda handler.
   */
  readonly handlerFile: string;

  /**
   * What the function is for, shown in the console.
   * @default - no description
   */
  readonly description?: string;

  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10) — HTTP functions answer well within API Gateway's 30 s limit
   */
  readonly timeout?: Duration;

  /**
   * Memory in MB; CPU is allocated in proportion, so more memory also means faster cold starts.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Extra environment variables. Use `bindTable` for the table rather than setting TABLE_NAME here.
   * @default - only NODE_OPTIONS
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * How long the function's log events are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * A Node.js Lambda function with the project's defaults: Node 22 on ARM64, an ESM bundle built locally
 * by esbuild (minified, with source maps), X-Ray tracing, JSON logs to an explicit log group with a
 * retention period, and an execution role that may write to that log group and nothing else until a
 * `bind…` helper grants more.
 */
export class LambdaFunction extends NodejsFunction {
  /**
   * The entry file under `functions/handlers/`: it says which environment the code reads at cold start
   * (the tests check each function's variables against that handler's schema in functions/config.ts).
   */
  public readonly handlerFile: string;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    // An explicit log group: Lambda's implicit one never expires and is not removed with the stack.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy, which may write to every
    // log group in the account: this one may write to its own log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of the ${id} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: `${handlersDirectory}${props.handlerFile}`,
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 1024,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        // Stack traces in the logs point at the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: "--enable-source-maps",
        // Business metrics (functions/metrics.ts): EMF lines in namespace OpenNps, one service per function.
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_SERVICE_NAME: props.handlerFile.replace(/\.ts$/, ""),
        ...props.environment,
      },
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        banner: ESM_REQUIRE_BANNER,
        // Prefer packages' ESM builds so that esbuild can tree-shake them.
        mainFields: ["module", "main"],
        target: "node22",
        minify: true,
        sourceMap: true,
        // The map only needs positions; embedding the sources would double the upload for nothing.
        sourcesContent: false,
        // Bundle the AWS SDK too (the default leaves it to the runtime's copy): the function then runs
        // the exact versions the tests ran against, and tree-shaking keeps the bundle small.
        externalModules: [],
      },
    });
    this.handlerFile = props.handlerFile;
  }
}

/** What a function may do with the table. */
export type TableAccess = "read" | "readWrite";

/**
 * The DynamoDB actions the functions' code calls (functions/store): item reads, queries, and
 * conditional puts and updates, alone or inside TransactWriteItems (which IAM authorizes per item
 * action). Nothing deletes, scans or batch-writes: records expire through TTL, and deletes are the
 * operator CLIs' business, under the operator's credentials. The CDK's grantReadWriteData would add
 * DeleteItem, BatchWriteItem, Scan and stream reads, which would let the public survey function
 * delete or dump the whole table.
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
  readWrite: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
  ],
};

/**
 * Gives `fn` the table: sets the TABLE_NAME variable that functions/config.ts reads at cold start and
 * grants exactly the actions of `access` (TABLE_ACTIONS) on the table and its indexes; no table
 * management, no deletes, no scans.
 */
export function bindTable(fn: NodejsFunction, table: ITable, access: TableAccess): void {
  fn.addEnvironment("TABLE_NAME", table.tableName);
  table.grant(fn, ...TABLE_ACTIONS[access]);
}

/** The variable that tells a function how long the records it writes are kept. */
export const RETENTION_DAYS_VARIABLE = "RETENTION_DAYS";

/**
 * Tells `fn` how long customer records live: sets RETENTION_DAYS to a whole number of days. A function
 * that creates a customer record (purchase, invitation, response) gives it the table's TTL attribute
 * (`expiresAt`, epoch seconds) = its creation time + RETENTION_DAYS × 86,400; DynamoDB deletes the item
 * within a few days after that. See NpsStackProps.retentionDays.
 */
/** CloudWatch namespace of the functions' business metrics (emails sent, answers recorded, …). */
export const METRICS_NAMESPACE = "OpenNps";

export function bindRetention(fn: NodejsFunction, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`bindRetention: days must be a positive whole number (got ${days})`);
  }
  fn.addEnvironment(RETENTION_DAYS_VARIABLE, String(days));
}
