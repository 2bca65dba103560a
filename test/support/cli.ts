import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export type CliResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs one of the operator CLIs (`cli/<name>.ts`) as `npm run <name> -- ...args` would, without
 * npm in between. `env` is added to this process's environment; `withoutEnv` names variables to drop
 * from it (e.g. a key the test must not inherit).
 */
export async function runCli(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  withoutEnv: readonly string[] = [],
): Promise<CliResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !withoutEnv.includes(name)),
  );
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: repoRoot,
    env: { ...inherited, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

/** A CLI refused its arguments: exit 2, one error line then the usage on stderr, nothing on stdout. */
export function expectUsageError(result: CliResult): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: .+\n\nUsage:\n/);
  expect(result.stdout).toBe("");
}

/** `--help`: exit 0 with the usage on stdout. */
export function expectHelp(result: CliResult): void {
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Usage:\n/);
}
