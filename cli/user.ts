// `npm run user -- add <email> [--admin] | list | remove <email>`: console users in the local runtime's
// DynamoDB Local, or in a deployed table with --table (default AWS credential chain).
import { parseArgs } from "node:util";
import { systemClock } from "../functions/domain/clock";
import type { ConsoleUser } from "../functions/domain/console-access";
import { AppError } from "../functions/domain/errors";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { UserStore } from "../functions/store/user-store";
import { addUser, listUsers, removeUser, type UserPorts } from "../functions/use-cases/manage-users";
import { runCommand, UsageError } from "./command-line";
import { explainTableError, resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target } from "./table-target";

const USAGE = `Usage:
  npm run user -- add <email> [--admin]   let <email> sign in to the console (/app); --admin: with every page
  npm run user -- list                    list users: email, role, added
  npm run user -- remove <email>          remove a user; their open sessions are refused from the next request

A user signs in by asking for a link at /app: it is emailed to their address.

${TARGET_USAGE}`;

type Command =
  | { action: "add"; email: string; admin: boolean }
  | { action: "list" }
  | { action: "remove"; email: string };

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
  if (values.admin && action !== "add") throw new UsageError("--admin goes with add.");
  switch (action) {
    case "add":
      if (!argument) throw new UsageError("add needs an email address, e.g. 'add ann@example.com'.");
      return { command: { action, email: argument, admin: values.admin === true }, target };
    case "remove":
      if (!argument) throw new UsageError("remove needs the user's email address (see 'list').");
      return { command: { action, email: argument }, target };
    case "list":
      if (argument !== undefined) throw new UsageError(`Unexpected argument: ${argument}`);
      return { command: { action }, target };
    case undefined:
      throw new UsageError("Missing command: add, list or remove.");
    default:
      throw new UsageError(`Unknown command '${action}': use add, list or remove.`);
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...TARGET_OPTIONS, admin: { type: "boolean" } },
  });
}

async function run(command: Command, ports: UserPorts): Promise<number> {
  switch (command.action) {
    case "add": {
      const user = await addUser(ports, { email: command.email, role: command.admin ? "admin" : "member" });
      console.log(
        `Added ${user.email} as ${user.role === "admin" ? "an admin" : "a member"}: they sign in at /app.`,
      );
      return 0;
    }
    case "list": {
      printUsers(await listUsers(ports));
      return 0;
    }
    case "remove": {
      const email = await removeUser(ports, { email: command.email });
      console.log(`Removed ${email}: their sessions are refused from now on.`);
      return 0;
    }
  }
}

function printUsers(users: ConsoleUser[]): void {
  if (users.length === 0) {
    console.log("No users.");
    return;
  }
  const rows = [
    ["EMAIL", "ROLE", "ADDED AT"],
    ...users.map((user) => [user.email, user.role, user.createdAt]),
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

runCommand({
  usage: USAGE,
  parse: parseCommandLine,
  run: async ({ command, target }) => {
    const users = new UserStore(
      createDocumentClient({ endpoint: target.endpoint, region: target.region }),
      target.tableName,
    );
    try {
      return await run(command, { users, clock: systemClock });
    } catch (error) {
      // Said plainly: an address that is not one, a user already there, no such user.
      console.error(`error: ${error instanceof AppError ? error.message : explainTableError(error, target)}`);
      return 1;
    }
  },
});
