// `npm run apikey -- create <name> | list | revoke <id>`: API keys in the local runtime's DynamoDB Local,
// or in a deployed table with --table (default AWS credential chain).
import { parseArgs } from "node:util";
import { ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { type ApiKeyRecord, ApiKeyStore } from "../functions/store/api-key-store";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { LOCAL_TABLE_NAME, localDynamoEndpoint } from "./local-config";
import { LocalSetupError } from "./local-errors";

const USAGE = `Usage:
  npm run apikey -- create <name>   create a key; it is printed once and only its hash is stored
  npm run apikey -- list            list keys: id, name, createdAt, revoked
  npm run apikey -- revoke <id>     revoke a key by its id (as shown by list)

Without options this works on the local runtime's DynamoDB Local ('npm start' must be running).
Options:
  --table <name>     work on this deployed table instead, with your default AWS credentials
  --region <region>  the deployed table's region (default: AWS_REGION or your AWS profile's region)
  --endpoint <url>   a DynamoDB Local endpoint (default: http://127.0.0.1:$DYNAMODB_PORT, port 8000)
  -h, --help         show this help`;

const MAX_NAME_LENGTH = 100;

/** Bad command line: usage goes to stderr and the exit code is 2. */
class UsageError extends Error {}

type Target = {
  tableName: string;
  /** A DynamoDB Local address; unset for a deployed table. */
  endpoint: string | undefined;
  region: string | undefined;
  /** The local runtime's own table (the default): its errors point at 'npm start'. */
  localRuntime: boolean;
};
type Command = { action: "create"; name: string } | { action: "list" } | { action: "revoke"; id: string };

function parseCommandLine(args: string[]): { command: Command; target: Target } | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.region !== undefined && values.table === undefined) {
    throw new UsageError("--region applies to a deployed table: pass --table <name> as well.");
  }
  if (values.endpoint !== undefined && !URL.canParse(values.endpoint)) {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:8000, not '${values.endpoint}'.`);
  }
  const target: Target = values.table
    ? { tableName: values.table, endpoint: values.endpoint, region: values.region, localRuntime: false }
    : {
        tableName: LOCAL_TABLE_NAME,
        endpoint: values.endpoint ?? localDynamoEndpoint(),
        region: undefined,
        localRuntime: true,
      };

  const [action, argument, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(" ")}`);
  switch (action) {
    case "create": {
      const name = argument?.trim();
      if (!name) throw new UsageError("create needs a name for the key, e.g. 'create zapier'.");
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
        throw new UsageError(`The name must be 1 to ${MAX_NAME_LENGTH} printable characters.`);
      }
      return { command: { action, name }, target };
    }
    case "revoke":
      if (!argument) throw new UsageError("revoke needs the id of the key (see 'list').");
      return { command: { action, id: argument.trim() }, target };
    case "list":
      if (argument !== undefined) throw new UsageError(`Unexpected argument: ${argument}`);
      return { command: { action }, target };
    case undefined:
      throw new UsageError("Missing command: create, list or revoke.");
    default:
      throw new UsageError(`Unknown command '${action}': use create, list or revoke.`);
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      table: { type: "string" },
      region: { type: "string" },
      endpoint: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function run(command: Command, store: ApiKeyStore): Promise<number> {
  switch (command.action) {
    case "create": {
      const { record, apiKey } = await store.create(command.name);
      // Only the key goes to stdout, so that `$(npm run -s apikey -- create x)` captures just the key.
      console.error(`Created API key '${record.name}' (id ${record.id}):`);
      console.log(apiKey);
      console.error("Copy it now: only its hash is stored, so it cannot be shown again.");
      return 0;
    }
    case "list": {
      printRecords(await store.list());
      return 0;
    }
    case "revoke": {
      if (!(await store.revoke(command.id))) {
        console.error(`error: no API key has the id '${printable(command.id.slice(0, 64))}' (see 'list').`);
        return 1;
      }
      console.log(`Revoked API key ${command.id}: requests with it now get 401.`);
      return 0;
    }
  }
}

function printRecords(records: ApiKeyRecord[]): void {
  if (records.length === 0) {
    console.log("No API keys.");
    return;
  }
  const rows = [
    ["ID", "NAME", "CREATED AT", "REVOKED"],
    ...records.map((record) => [
      record.id,
      printable(record.name),
      record.createdAt,
      record.revokedAt ? `yes (${record.revokedAt})` : "no",
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}

/** One sentence for the failures a user can fix; anything else keeps its details. */
function explain(error: unknown, target: Target): string {
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

async function main(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const { command, target } = parsed;
  const store = new ApiKeyStore(
    createDocumentClient({ endpoint: target.endpoint, region: target.region }),
    target.tableName,
  );
  try {
    return await run(command, store);
  } catch (error) {
    console.error(`error: ${explain(error, target)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof LocalSetupError ? `error: ${error.message}` : error);
    process.exitCode = 1;
  },
);
