// Builds a fresh App and NpsStack per test; asset bundling is skipped unless a test asks for it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { onTestFinished } from "vitest";
import { NpsStack, type NpsStackProps } from "../../lib/nps-stack";
import { addPolicyValidation } from "../../lib/policy-validation";

export const testStackProps: NpsStackProps = {
  stage: "test",
  senderEmail: "surveys@acme.com",
  alarmEmail: "ops@acme.com",
};

/** Synthesis is CPU-bound; on a busy two-core machine the first one in a worker can take a while. */
export const SYNTH = { timeout: 120_000 };

/** Context that makes NodejsFunction skip esbuild: for tests that do not look at the bundle. */
export const SKIP_BUNDLING = { "aws:cdk:bundling-stacks": [] };

export interface AppOptions {
  /** Bundle the functions with esbuild (slow); off by default. */
  readonly bundle?: boolean;
  readonly context?: Record<string, unknown>;
  /**
   * Run cfn-guard on synthesis, as bin/app.ts does (lib/policy-validation.ts): an unacknowledged
   * violation makes synthesis throw. Off by default: it adds a few seconds to every synthesis, and
   * test/infra/cfn-guard.test.ts checks the stack with it.
   */
  readonly policyValidation?: boolean;
}

/**
 * A new App whose cloud assembly goes to a temporary directory removed when the test ends (an App
 * without outdir leaves one behind in the system temp directory for every synthesis).
 */
export function freshApp(options: AppOptions = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), "nps-cdk-test-"));
  onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ context: { ...(options.bundle ? {} : SKIP_BUNDLING), ...options.context }, outdir });
  if (options.policyValidation) addPolicyValidation(app);
  return app;
}

export function buildStack(props: Partial<NpsStackProps> = {}, options: AppOptions = {}) {
  const app = freshApp(options);
  const stack = new NpsStack(app, "NpsTest", { ...testStackProps, ...props });
  return { app, stack };
}

export function synthTemplate(props: Partial<NpsStackProps> = {}): Template {
  return Template.fromStack(buildStack(props).stack);
}
