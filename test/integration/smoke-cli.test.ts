import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { freePort } from "../../local/ports";
import { expectHelp, expectUsageError, runCli } from "../support/cli";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/** `npm run smoke -- ...args`; NPS_API_KEY only when `env` sets it. */
const smoke = (args: string[], env: Record<string, string> = {}) =>
  runCli("cli/smoke.ts", args, env, ["NPS_API_KEY"]);

const lines = (text: string) => text.trimEnd().split("\n");

/** The secret part of an API key `nps_<id>_<secret>` (the id alone may be shown, e.g. by `apikey list`). */
const secretOf = (apiKey: string) => apiKey.slice(apiKey.indexOf("_", "nps_".length) + 1);

/** The "done when": the smoke command passes against the product as `npm start` wires it. */
describe("npm run smoke", () => {
  let h: DeliveryHarness;
  let target: string[];

  beforeAll(async () => {
    h = await startDeliveryHarness();
    target = ["--url", h.baseUrl, "--key", h.apiKey];
  });
  afterAll(async () => h?.close());

  const campaignsNamedSmoke = async () => {
    const listed = await h.api<{ items: Campaign[] }>("GET", "/v1/campaigns?limit=100");
    return listed.body.items.filter((campaign) => campaign.name.startsWith("smoke test "));
  };

  it("passes every step, archives its campaign and never prints the key", async () => {
    const before = (await campaignsNamedSmoke()).length;
    const result = await smoke([...target, "--email", "pass@example.com"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = lines(result.stdout);
    expect(output[0]).toBe(`smoke: checking ${h.baseUrl} with the test address pass@example.com`);
    const steps = output.slice(1, -1);
    expect(
      steps.map((line) => line.replace(/ \(\d+ ms\)$/, "").replace(/cmp_[\w-]+|smoke-[\w-]+/g, "…")),
    ).toEqual([
      "✓ GET /health → 200",
      "✓ GET /v1/openapi.json → OpenAPI 3.1",
      "✓ GET /v1/campaigns without a key → 401",
      "✓ POST /v1/campaigns → 201 (…)",
      "✓ GET the campaign back → same campaign",
      "✓ GET /v1/campaigns lists it (first page, newest first)",
      "✓ POST a purchase (…) → scheduled",
      "✓ POST it again → duplicate",
      "✓ POST a malformed purchase → 400 with details",
      "✓ GET results → 200",
      "✓ PATCH status archived → 200",
    ]);
    for (const step of steps) expect(step).toMatch(/ \(\d+ ms\)$/);
    expect(output.at(-1)).toBe("smoke: 11 passed, 0 failed");

    const created = await campaignsNamedSmoke();
    expect(created).toHaveLength(before + 1);
    expect(created[0]).toMatchObject({ brandName: "Smoke test", delayDays: 0, status: "archived" });
    // Archived before any delivery pass: the survey is never sent.
    await h.deliver();
    expect(await h.inbox({ to: "pass@example.com" })).toEqual([]);

    const secret = secretOf(h.apiKey);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("reads the key from NPS_API_KEY and keeps the campaign with --keep", async () => {
    const result = await smoke(["--url", `${h.baseUrl}/`, "--keep", "--email", "keep@example.com"], {
      NPS_API_KEY: h.apiKey,
    });
    expect(result.code).toBe(0);
    const id = /POST \/v1\/campaigns → 201 \((cmp_[\w-]+)\)/.exec(result.stdout)?.[1];
    expect(result.stdout).toContain(`- PATCH status archived: not run (--keep): campaign ${id} stays active`);
    expect(lines(result.stdout).at(-1)).toBe("smoke: 10 passed, 0 failed");
    const kept = await h.api<Campaign>("GET", `/v1/campaigns/${id}`);
    expect(kept.body.status).toBe("active");
    await h.api("PATCH", `/v1/campaigns/${id}`, { status: "archived" });
  });

  it("with --local --wait, finds the survey email in the SES inbox and checks it", async () => {
    const localDir = mkdtempSync(join(tmpdir(), "smoke-local-"));
    writeFileSync(join(localDir, "api-key"), `${h.apiKey}\n`);
    // The harness delivers only when asked: a pass every 200 ms stands in for `npm start`'s loop.
    let running = true;
    const delivering = (async () => {
      while (running) {
        await h.deliver();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      const result = await smoke(["--local", "--wait", "20", "--email", "inbox@example.com"], {
        PORT: new URL(h.baseUrl).port,
        SES_PORT: new URL(h.sesUrl).port,
        LOCAL_DIR: localDir,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`checking the local runtime at ${h.baseUrl}`);
      expect(result.stdout).toMatch(/\n✓ survey email in the SES inbox \(within 20 s\) \(\d+ ms\)\n/);
      expect(lines(result.stdout).at(-1)).toBe("smoke: 12 passed, 0 failed");
      expect(await h.inbox({ to: "inbox@example.com" })).toHaveLength(1);
      expect(result.stdout).not.toContain(h.apiKey);
    } finally {
      running = false;
      await delivering;
      rmSync(localDir, { recursive: true, force: true });
    }
  });

  it("fails with one clear line when the key is refused, and does not print it", async () => {
    const wrongKey = `${h.apiKey.slice(0, -4)}AAAA`;
    const result = await smoke(["--url", h.baseUrl, "--key", wrongKey]);
    expect(result.code).toBe(1);
    const output = lines(result.stdout);
    expect(output.slice(1, 4).every((line) => line.startsWith("✓ "))).toBe(true);
    expect(output).toContain("✗ POST /v1/campaigns → 201: 401: the API key was refused: check --key");
    expect(output.at(-1)).toBe("smoke: 3 passed, 1 failed");
    expect(result.stdout + result.stderr).not.toContain(secretOf(wrongKey));
  });

  it("names where a refused key came from: NPS_API_KEY or the local key file", async () => {
    const wrongKey = `${h.apiKey.slice(0, -4)}AAAA`;
    const fromEnv = await smoke(["--url", h.baseUrl], { NPS_API_KEY: wrongKey });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stdout).toContain(
      "✗ POST /v1/campaigns → 201: 401: the API key was refused: check NPS_API_KEY\n",
    );

    const localDir = mkdtempSync(join(tmpdir(), "smoke-stale-"));
    try {
      writeFileSync(join(localDir, "api-key"), `${wrongKey}\n`);
      const fromFile = await smoke(["--local"], { PORT: new URL(h.baseUrl).port, LOCAL_DIR: localDir });
      expect(fromFile.code).toBe(1);
      expect(fromFile.stdout).toContain(
        `✗ POST /v1/campaigns → 201: 401: the API key was refused: is ${join(localDir, "api-key")} from the 'npm start' that is running (same LOCAL_DIR)?\n`,
      );
      expect(fromEnv.stdout + fromFile.stdout).not.toContain(secretOf(wrongKey));
    } finally {
      rmSync(localDir, { recursive: true, force: true });
    }
  });

  it("says that the test address is suppressed", async () => {
    await h.stores.invitations.suppress("gone@example.com", "unsubscribed", new Date(), "test");
    const result = await smoke([...target, "--email", "gone@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\n✗ POST a purchase \(smoke-[\w-]+\) → scheduled: the address gone@example.com is suppressed \(it unsubscribed, bounced or complained\): choose a fresh --email or remove the suppression\n/,
    );
    // The rest still runs, and the campaign is archived.
    expect(result.stdout).toContain("✓ PATCH status archived → 200");
    expect(lines(result.stdout).at(-1)).toBe("smoke: 10 passed, 1 failed");
  });

  it("stops after one line when the API cannot be reached", async () => {
    const port = await freePort();
    const result = await smoke(["--url", `http://127.0.0.1:${port}`, "--key", h.apiKey]);
    expect(result.code).toBe(1);
    expect(lines(result.stdout).slice(1)).toEqual([
      `✗ GET /health → 200: cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`,
      "smoke: 0 passed, 1 failed (stopped early: the API cannot be reached)",
    ]);
  });

  it("says the local runtime is not started when --local finds no key file", async () => {
    const result = await smoke(["--local"], { LOCAL_DIR: join(tmpdir(), "smoke-no-such-dir") });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: no API key in .+: start the local runtime with 'npm start'.+\n$/);
  });

  it.each([
    [[]],
    [["--key", "k"]],
    [["--url", "not a url", "--key", "k"]],
    [["--url", "ftp://example.com", "--key", "k"]],
    [["--url", "http://127.0.0.1:3000"]],
    [["--url", "http://127.0.0.1:3000", "--local", "--key", "k"]],
    [["--url", "http://127.0.0.1:3000", "--key", "k", "--wait", "5"]],
    [["--local", "--key", "k", "--wait", "soon"]],
    [["--url", "http://127.0.0.1:3000", "--key", "k", "--email", "nobody"]],
    [["--url", "http://127.0.0.1:3000", "--key", "k", "extra"]],
    [["--url", "http://127.0.0.1:3000", "--key", "k", "--unknown"]],
    // The key would cross the network in clear text.
    [["--url", "http://api.example.com", "--key", "k"]],
  ])("prints usage and exits 2 for %j", async (args) => {
    const result = await smoke(args);
    expectUsageError(result);
  });

  it("prints usage on --help, naming the SES sandbox rule", async () => {
    const result = await smoke(["--help"]);
    expectHelp(result);
    expect(result.stdout).toContain("SES sandbox");
  });
});
