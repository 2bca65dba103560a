// One real synthesis with bundling: proves esbuild builds the handlers offline, as ESM with source maps.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildStack, SYNTH } from "./stack-fixture";

/**
 * The size budget of one Lambda bundle (minified, source map apart). Cold start grows with the code a
 * function loads; today's bundles are 0.4-0.8 MB, mostly AWS SDK (the console's, at 0.79 MB, also carries its
 * pages and their texts in three languages, and is closest to it). The budget leaves room for
 * features but fails a change like the one that once pulled all of zod in (+400 KB per bundle).
 */
const BUNDLE_BUDGET_BYTES = 800 * 1024;

describe("function bundles", SYNTH, () => {
  it("are minified ESM with a require shim and a source map, built locally without Docker", () => {
    const { app } = buildStack({}, { bundle: true });
    const assembly = app.synth();

    const bundles = readdirSync(assembly.directory)
      .filter((name) => name.startsWith("asset."))
      .map((name) => join(assembly.directory, name));
    // One bundle per handler in functions/handlers: each is a function in the stack.
    const handlers = readdirSync(new URL("../../functions/handlers/", import.meta.url)).filter((name) =>
      name.endsWith(".ts"),
    );
    expect(handlers).toHaveLength(7);
    expect(bundles).toHaveLength(handlers.length);
    for (const dir of bundles) {
      const code = readFileSync(join(dir, "index.mjs"), "utf8");
      expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*as handler/);
      // Minified: the handlers' leading comments ("// Lambda entry for …") are gone.
      expect(code).not.toContain("Lambda entry for");
      expect(existsSync(join(dir, "index.mjs.map"))).toBe(true);
      expect(statSync(join(dir, "index.mjs")).size, `${dir} is over the bundle budget`).toBeLessThanOrEqual(
        BUNDLE_BUDGET_BYTES,
      );
    }

    // What each handler's bundle holds, read off its source map (esbuild lists the inputs it kept).
    const held = new Map<string, string[]>();
    for (const dir of bundles) {
      const map = JSON.parse(readFileSync(join(dir, "index.mjs.map"), "utf8")) as { sources: string[] };
      const entry = map.sources.find((source) => /functions\/handlers\/[a-z-]+\.ts$/.test(source));
      expect(entry, `${dir} names its handler`).toBeDefined();
      held.set(/([a-z-]+)\.ts$/.exec(entry ?? "")?.[1] ?? "", map.sources);
    }
    expect([...held.keys()].sort()).toEqual(handlers.map((name) => name.replace(/\.ts$/, "")).sort());
    // The functions that read no outside request body load no schema library: the customer's survey
    // pages (checked by hand), the table's stream and the dispatcher. zod there would be cold start
    // paid for nothing; a handler that imports a schema module by mistake fails here.
    for (const name of ["survey", "events", "dispatch"]) {
      const sources = held.get(name) ?? [];
      expect(sources.length, name).toBeGreaterThan(0);
      expect(
        sources.filter((source) => source.includes("node_modules/zod/")),
        `${name} holds zod`,
      ).toEqual([]);
    }
    // A worker builds only the stores its ports name: the sender never loads the case or webhook stores.
    expect(
      (held.get("send") ?? []).filter((source) => /store\/(case|webhook|person|user)-store/.test(source)),
    ).toEqual([]);
  });
});
