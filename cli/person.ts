// `npm run person -- export <email> | erase <email> | index`: a person's data rights from the command
// line, through the same use cases as GET and DELETE /v1/people/{email}, and the backfill of the links
// that find a person's purchases.
import { parseArgs } from "node:util";
import { systemClock } from "../functions/domain/clock";
import { AppError } from "../functions/domain/errors";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { createStores, type Stores } from "../functions/store/stores";
import { erasePerson } from "../functions/use-cases/erase-person";
import { exportPerson } from "../functions/use-cases/export-person";
import { indexPeople } from "../functions/use-cases/index-people";
import { runCommand, UsageError } from "./command-line";
import { explainTableError, resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target } from "./table-target";

const USAGE = `Usage:
  npm run person -- export <email>   print everything held about the address, as JSON
  npm run person -- erase <email>    erase the address's personal data everywhere (results keep their
                                     counts; a suppression in force is kept under a hash of the address)
  npm run person -- index            link every purchase recorded before person links existed to its
                                     person, so that export and erase find it: run it once after
                                     upgrading, before erasing anyone (it reads the whole table)

${TARGET_USAGE}`;

/** Who the erasure log names when it is run from here (the API logs the API key's id). */
const CLI_CALLER = "cli";

type Command = { action: "export" | "erase"; email: string } | { action: "index" };

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
    case "export":
    case "erase":
      if (!argument) throw new UsageError(`${action} needs the person's email address.`);
      return { command: { action, email: argument }, target };
    case "index":
      if (argument !== undefined) throw new UsageError(`Unexpected argument: ${argument}`);
      return { command: { action }, target };
    case undefined:
      throw new UsageError("Missing command: export, erase or index.");
    default:
      throw new UsageError(`Unknown command '${action}': use export, erase or index.`);
  }
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: TARGET_OPTIONS });
}

async function run(command: Command, stores: Stores): Promise<number> {
  const ports = { ...stores, clock: systemClock };
  switch (command.action) {
    case "export":
      console.log(JSON.stringify(await exportPerson(ports, command.email), null, 2));
      return 0;
    case "erase": {
      const result = await erasePerson(ports, command.email, CLI_CALLER);
      console.log(JSON.stringify(result, null, 2));
      return 0;
    }
    case "index": {
      const report = await indexPeople(ports, ({ purchases, linked }) => {
        console.error(`${purchases} purchases read, ${linked} linked`);
      });
      console.log(
        `Read ${report.purchases} purchases; linked ${report.linked} to their person (the others were linked already, or erased).`,
      );
      return 0;
    }
  }
}

runCommand({
  usage: USAGE,
  parse: parseCommandLine,
  run: async ({ command, target }) => {
    const stores = createStores(
      createDocumentClient({ endpoint: target.endpoint, region: target.region }),
      target.tableName,
    );
    try {
      return await run(command, stores);
    } catch (error) {
      // The request's own faults (not an address; a send under way) read as the API answers them.
      console.error(`error: ${error instanceof AppError ? error.message : explainTableError(error, target)}`);
      return 1;
    }
  },
});
