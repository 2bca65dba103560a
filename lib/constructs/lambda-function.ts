// The one Lambda function construct: every function in the stack shares these defaults.
import { fileURLToPath } from "node:url";
import { Duration } from "aws-cdk-lib";
import { Metric, type MetricOptions } from "aws-cdk-lib/aws-cloudwatch";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
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
  /** The `service` dimension of its business metrics (METRICS_SERVICE): "send" for send.ts. */
  public readonly serviceName: string;

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
        METRICS_NAMESPACE: METRICS_NAMESPACE,
        METRICS_SERVICE: serviceNameOf(props.handlerFile),
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
        // Non-ASCII text (the Chinese of the pages and emails) as UTF-8, not as \uXXXX escapes of 6 bytes
        // each: the same strings at run time, in a smaller bundle. An esbuild argument, because the
        // `charset` bundling prop is not passed on to esbuild by aws-cdk-lib 2.276.
        esbuildArgs: { "--charset": "utf8" },
        sourceMap: true,
        // The map only needs positions; embedding the sources would double the upload for nothing.
        sourcesContent: false,
        // Bundle the AWS SDK too (the default leaves it to the runtime's copy): the function then runs
        // the exact versions the tests ran against, and tree-shaking keeps the bundle small.
        externalModules: [],
      },
    });
    this.handlerFile = props.handlerFile;
    this.serviceName = serviceNameOf(props.handlerFile);
  }

  /**
   * One of the business metrics this function emits (functions/platform/metrics.ts), e.g.
   * `SendsFailedSetup`: a count per period, summed.
   */
  metricBusiness(metricName: string, options: MetricOptions = {}): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.serviceName },
      statistic: "Sum",
      period: Duration.minutes(5),
      ...options,
    });
  }
}

/** "send.ts" → "send": the service a handler's metrics are emitted under. */
const serviceNameOf = (handlerFile: string): string => handlerFile.replace(/\.ts$/, "");

/**
 * The DynamoDB item actions `bindTable` can grant, and nothing else: no Scan (it reads every partition,
 * so no key condition can bound it), no stream reads, no table management. DeleteItem and
 * BatchWriteItem are for the one flow that removes records before their TTL (deleting a campaign that
 * never sent anything), bounded by partition like every other grant. TransactWriteItems has no action of its own: IAM authorizes each Put, Update and
 * ConditionCheck inside it as PutItem, UpdateItem and ConditionCheckItem, with the same conditions
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
export const ITEM_ACTIONS = [
  "GetItem",
  "BatchGetItem",
  "Query",
  "PutItem",
  "UpdateItem",
  "ConditionCheckItem",
  "DeleteItem",
  "BatchWriteItem",
] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/**
 * Partition-key values as IAM `StringLike` patterns (`*` matches any run of characters), e.g.
 * `"CAMPAIGN#*"`. Each needs a literal start: a pattern that begins with a wildcard would match every
 * partition.
 */
export type KeyPatterns = readonly string[];

/**
 * What a function may do with the table, item action by item action and partition by partition. Each
 * grant is conditioned on `dynamodb:LeadingKeys`, the partition-key values the request names
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html). Nothing
 * is granted that is not listed.
 */
export interface TableAccess {
  /**
   * Per item action on the table itself, the partition keys it may touch. An action left out is not
   * granted.
   * @default - no item action
   */
  readonly items?: Readonly<Partial<Record<ItemAction, KeyPatterns>>>;

  /**
   * Per secondary index (by name), the index partition keys a Query on it may read. Granted as
   * `dynamodb:Query` on that index's ARN alone, a statement of its own: AWS documents
   * `dynamodb:LeadingKeys` as the table's partition key and says nothing of the value an index query
   * carries, so the index ARN and the one action are what certainly bound it. The same LeadingKeys
   * condition is still attached: it restricts the query to these index partitions if DynamoDB gives the
   * index's partition key there, and (ForAllValues over no values) lets it through if it gives none.
   * @default - no index
   */
  readonly indexQueries?: Readonly<Record<string, KeyPatterns>>;
}

/**
 * Gives `fn` the table: sets the TABLE_NAME variable that functions/config.ts reads at cold start and
 * grants exactly `access`: each listed item action on the table, conditioned on the partition keys
 * listed for it (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`, so every key a batch or query
 * names must match), and Query on each listed index. Actions with the same partitions share one
 * statement. A table under a customer-managed KMS key is refused: its key grants are not made here.
 */
export function bindTable(fn: NodejsFunction, table: ITable, access: TableAccess): void {
  if (table.encryptionKey) {
    throw new Error(
      "bindTable: the table uses a customer-managed KMS key, whose grants bindTable does not make",
    );
  }
  for (const action of Object.keys(access.items ?? {})) {
    if (!(ITEM_ACTIONS as readonly string[]).includes(action)) {
      throw new Error(`bindTable: ${action} is not one of the item actions ${ITEM_ACTIONS.join(", ")}`);
    }
  }
  fn.addEnvironment("TABLE_NAME", table.tableName);

  // One statement per set of partitions, holding every action granted on exactly that set.
  const statements = new Map<string, { patterns: readonly string[]; actions: string[] }>();
  for (const action of ITEM_ACTIONS) {
    const patterns = access.items?.[action];
    if (patterns === undefined) continue;
    checkPatterns(action, patterns);
    const unique = [...new Set(patterns)].sort();
    const key = unique.join("\n");
    const statement = statements.get(key) ?? { patterns: unique, actions: [] };
    statement.actions.push(`dynamodb:${action}`);
    statements.set(key, statement);
  }
  for (const { patterns, actions } of statements.values()) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [table.tableArn], conditions: leadingKeys(patterns) }),
    );
  }

  for (const [indexName, patterns] of Object.entries(access.indexQueries ?? {})) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(indexName)) {
      throw new Error(`bindTable: "${indexName}" is not a DynamoDB index name`);
    }
    checkPatterns(`Query on ${indexName}`, patterns);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [`${table.tableArn}/index/${indexName}`],
        conditions: leadingKeys([...new Set(patterns)].sort()),
      }),
    );
  }
}

/** The condition that every partition key a request names matches one of `patterns`. */
function leadingKeys(patterns: readonly string[]): Record<string, unknown> {
  return { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...patterns] } };
}

function checkPatterns(what: string, patterns: KeyPatterns): void {
  if (patterns.length === 0)
    throw new Error(`bindTable: ${what} lists no partition keys; leave it out instead`);
  for (const pattern of patterns) {
    if (!/^[^*?]/.test(pattern)) {
      throw new Error(
        `bindTable: ${what}: "${pattern}" must start with a literal prefix, or it would match every partition`,
      );
    }
  }
}

/** The variable that tells a function how long the records it writes are kept. */
export const RETENTION_DAYS_VARIABLE = "RETENTION_DAYS";

/** CloudWatch namespace of the functions' business metrics (emails sent, answers recorded, …). */
export const METRICS_NAMESPACE = "OpenNps";

/**
 * Tells `fn` how long customer records live: sets RETENTION_DAYS to a whole number of days. A function
 * that creates a customer record (purchase, invitation, response) gives it the table's TTL attribute
 * (`expiresAt`, epoch seconds) = its creation time + RETENTION_DAYS × 86,400; DynamoDB deletes the item
 * within a few days after that. See NpsStackProps.retentionDays.
 */
export function bindRetention(fn: NodejsFunction, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`bindRetention: days must be a positive whole number (got ${days})`);
  }
  fn.addEnvironment(RETENTION_DAYS_VARIABLE, String(days));
}
