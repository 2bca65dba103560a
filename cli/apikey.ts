// `npm run apikey -- create <name> | list | revoke <id>`: API keys in the local runtime's DynamoDB Local,
// or in a deployed table with --table (default AWS credential chain).
import { parseArgs } from "node:util";
import { checkApiKeyName } from "../functions/domain/api-key";
import { systemClock } from "../functions/domain/clock";
import { type ApiKeyRecord, ApiKeyStore } from "../functions/store/api-key-store";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { runCommand, UsageError } from "./command-line";
import { explainTableError, resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target } from "./table-target";

const USAGE = `Usage:
  npm run apikey -- create <name>   create a key; it is printed once and only its hash is stored
  npm run apikey -- list            list keys: id, name, createdAt, revoked
  npm run apikey -- revoke <id>     revoke a key by its id (as shown by list)


${TARGET_USAGE}`;

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
  const target = resolveTarget(values);

  const [action, argument, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(" ")}`);
  switch (action) {
    case "create": {
      if (!argument?.trim()) throw new UsageError("create needs a name for the key, e.g. 'create zapier'.");
      const checked = checkApiKeyName(argument);
      if (!checked.ok) throw new UsageError(`The name ${checked.issues.map((i) => i.message).join("; ")}.`);
      const name = checked.value;
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
    options: TARGET_OPTIONS,
  });
}

async function run(command: Command, store: ApiKeyStore): Promise<number> {
  switch (command.action) {
    case "create": {
      const { record, apiKey } = await store.create(command.name, systemClock());
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
      if (!(await store.revoke(command.id, systemClock()))) {
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

runCommand({
  usage: USAGE,
  parse: parseCommandLine,
  run: async ({ command, target }) => {
    const store = new ApiKeyStore(
      createDocumentClient({ endpoint: target.endpoint, region: target.region }),
      target.tableName,
    );
    try {
      return await run(command, store);
    } catch (error) {
      console.error(`error: ${explainTableError(error, target)}`);
      return 1;
    }
  },
});
