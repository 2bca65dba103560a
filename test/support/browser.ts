import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium; playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless Chromium for browser tests. The machine's network is closed: these flags stop Chromium from
 * reaching out (QUIC, component updates, sync, background fetches) and waiting on it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM_PATH}: install it with 'sudo apt-get install -y chromium'.`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type AccessibilityViolation = {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
};

const require = createRequire(import.meta.url);

/**
 * Runs axe-core on the page and returns its serious and critical violations (empty when the page passes).
 * Needs a context with JavaScript enabled: axe runs as a page script.
 */
export async function checkAccessibility(page: Page): Promise<AccessibilityViolation[]> {
  await page.addScriptTag({ path: require.resolve("axe-core") });
  const results = await page.evaluate(async () => {
    // The project compiles without the DOM library: name the two browser globals used here.
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: object): Promise<AxeResults> };
      document: unknown;
    };
    return await axe.run(document, { resultTypes: ["violations"] });
  });
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? "unknown",
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
}
