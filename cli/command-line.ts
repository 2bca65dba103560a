import { LocalSetupError } from "../local/local-errors";

/** A bad command line: the command prints the message and its usage to stderr, and exits 2. */
export class UsageError extends Error {}

export type Command<T> = {
  /** The whole usage text, starting "Usage:". */
  readonly usage: string;
  /** The command the arguments ask for, or "help"; throws UsageError for arguments that make no sense. */
  parse(args: string[]): T | "help";
  /** Carries it out; resolves with the exit code. */
  run(command: T): Promise<number>;
  /** One line for an unexpected failure (default: its name and message). */
  describeFailure?(error: unknown): string;
};

/**
 * Runs an operator command the way every one of them behaves: `--help` prints the usage to stdout
 * (exit 0); a usage error prints "error: …", a blank line and the usage to stderr (exit 2); a problem
 * with this machine (LocalSetupError) or any other failure prints one "error: …" line (exit 1).
 */
export function runCommand<T>(command: Command<T>, args: string[] = process.argv.slice(2)): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const failed = (error: unknown): number => {
    console.error(
      `error: ${error instanceof LocalSetupError ? error.message : (command.describeFailure ?? oneLine)(error)}`,
    );
    return 1;
  };
  const main = async (): Promise<number> => {
    let parsed: T | "help";
    try {
      parsed = command.parse(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(`error: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (parsed === "help") {
      console.log(command.usage);
      return 0;
    }
    return await command.run(parsed);
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = failed(error);
    },
  );
}

/** An error as one line: its name and the first line of its message. */
export function oneLine(error: unknown): string {
  return error instanceof Error
    ? (`${error.name}: ${error.message}`.split("\n")[0] ?? error.name)
    : String(error);
}
