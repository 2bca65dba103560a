import { ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { LOCAL_TABLE_NAME, localDynamoEndpoint } from "../local/local-config";
import { UsageError } from "./command-line";

/**
 * What the operator CLIs (apikey, reconcile) work on: the local runtime's DynamoDB Local by default,
 * or a deployed table with --table (default AWS credential chain), or any DynamoDB Local with --endpoint.
 */
export type Target = {
  tableName: string;
  /** A DynamoDB Local address; unset for a deployed table. */
  endpoint: string | undefined;
  region: string | undefined;
  /** The local runtime's own table (the default): its errors point at 'npm start'. */
  localRuntime: boolean;
};

/** parseArgs options every operator CLI accepts. */
export const TARGET_OPTIONS = {
  table: { type: "string" },
  region: { type: "string" },
  endpoint: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const TARGET_USAGE = `Without options this works on the local runtime's DynamoDB Local ('npm start' must be running).
Options:
  --table <name>     work on this deployed table instead, with your default AWS credentials
  --region <region>  the deployed table's region (default: AWS_REGION or your AWS profile's region)
  --endpoint <url>   a DynamoDB Local endpoint (default: http://127.0.0.1:$DYNAMODB_PORT, port 8000)
  -h, --help         show this help`;

export function resolveTarget(values: { table?: string; region?: string; endpoint?: string }): Target {
  if (values.region !== undefined && values.table === undefined) {
    throw new UsageError("--region applies to a deployed table: pass --table <name> as well.");
  }
  if (values.endpoint !== undefined && !URL.canParse(values.endpoint)) {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:8000, not '${values.endpoint}'.`);
  }
  return values.table
    ? { tableName: values.table, endpoint: values.endpoint, region: values.region, localRuntime: false }
    : {
        tableName: LOCAL_TABLE_NAME,
        endpoint: values.endpoint ?? localDynamoEndpoint(),
        region: undefined,
        localRuntime: true,
      };
}

/** One sentence for the failures a user can fix; anything else keeps its details. */
export function explainTableError(error: unknown, target: Target): string {
  if (hasCode(error, "ECONNREFUSED")) {
    return target.localRuntime
      ? `cannot reach DynamoDB Local at ${target.endpoint}: start the local runtime with 'npm start' (in another terminal) first, or pass --table <name> for a deployed table.`
      : `cannot reach DynamoDB Local at ${target.endpoint}.`;
  }
  if (error instanceof ResourceNotFoundException) {
    if (target.localRuntime) {
      return `DynamoDB Local at ${target.endpoint} has no table '${target.tableName}': is this the port 'npm start' uses (DYNAMODB_PORT)?`;
    }
    const where = target.endpoint ? ` at ${target.endpoint}` : target.region ? ` in ${target.region}` : "";
    return `table '${target.tableName}' was not found${where}: check --table${target.endpoint ? "" : " and --region"}.`;
  }
  return error instanceof Error
    ? (`${error.name}: ${error.message}`.split("\n")[0] ?? error.name)
    : String(error);
}

function hasCode(error: unknown, code: string, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 3) return false;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (candidate.code === code) return true;
  if (hasCode(candidate.cause, code, depth + 1)) return true;
  return Array.isArray(candidate.errors) && candidate.errors.some((inner) => hasCode(inner, code, depth + 1));
}
