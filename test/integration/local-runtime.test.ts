import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStores } from "../../functions/store/stores";
import { createLocalFetch, isSurveyPath } from "../../local/local-app";
import { LocalSetupError } from "../../local/local-errors";
import { assertPortFree, freePort, waitFor } from "../../local/ports";
import { delightedClient } from "../support/delighted-client";
import { createTestTable, type TestTable } from "../support/dynamo";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("createLocalFetch: one origin for both apps", () => {
  let table: TestTable;
  let fetchLocal: ReturnType<typeof createLocalFetch>;
  let apiKey: string;

  beforeAll(async () => {
    table = await createTestTable();
    const stores = createStores(table.db, table.tableName);
    fetchLocal = createLocalFetch(stores);
    apiKey = (await stores.apiKeys.create("test", new Date())).apiKey;
  });
  afterAll(async () => table.drop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetchLocal(new Request(`http://localhost${path}`, { headers }));

  it("sends /s/* and /u/* to the survey pages", async () => {
    for (const path of ["/s/anything", "/u/anything", "/s", "/u/"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toMatch(/^text\/html/);
    }
  });

  it("sends everything else to the API", async () => {
    expect((await get("/health")).status).toBe(200);
    expect((await get("/v1/campaigns")).status).toBe(401);
    expect((await get("/v1/campaigns", { authorization: `Bearer ${apiKey}` })).status).toBe(200);
    const lookalike = await get("/sx/anything");
    expect(lookalike.status).toBe(404);
    expect(lookalike.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("sends /app and /app/* to the console, which asks to sign in", async () => {
    const console = await get("/app");
    expect(console.status).toBe(200);
    expect(await console.text()).toContain('action="/app/sign-in"');
    const page = await get("/app/campaigns");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/app/sign-in?next=%2Fapp%2Fcampaigns");
    expect((await get("/apps")).headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("matches survey paths by their first segment only", () => {
    expect(isSurveyPath("/s/abc")).toBe(true);
    expect(isSurveyPath("/u")).toBe(true);
    expect(isSurveyPath("/survey")).toBe(false);
    expect(isSurveyPath("/v1/s/abc")).toBe(false);
  });
});

type Ports = { PORT: number; SES_PORT: number; DYNAMODB_PORT: number };

type Runtime = {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const started = new Set<Runtime>();

/** `npm start` without npm in between, so that signals reach the runtime itself. */
function startRuntime(localDir: string, ports: Ports, env: Record<string, string> = {}): Runtime {
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOCAL_DIR: localDir,
      PORT: String(ports.PORT),
      SES_PORT: String(ports.SES_PORT),
      DYNAMODB_PORT: String(ports.DYNAMODB_PORT),
      // The AWS SDK's notice about Node 20 would be the only other stderr line.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exit = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const runtime = { child, output, exit };
  started.add(runtime);
  void exit.then(() => started.delete(runtime));
  return runtime;
}

async function waitUntilServing(runtime: Runtime, ports: Ports): Promise<void> {
  let exited = false;
  void runtime.exit.then(() => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new LocalSetupError(`the runtime exited while starting:\n${runtime.output.stderr}`);
      return (await fetch(`http://localhost:${ports.PORT}/health`)).ok;
    },
    60_000,
    "the local runtime",
  );
}

async function stopRuntime(runtime: Runtime, signal: NodeJS.Signals) {
  runtime.child.kill(signal);
  return await runtime.exit;
}

/** Processes whose command line mentions `text` (the java child carries the data folder in -dbPath). */
function processesMentioning(text: string): string[] {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return ps.stdout.split("\n").filter((line) => line.includes(text));
}

async function freePorts(): Promise<Ports> {
  return { PORT: await freePort(), SES_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

afterAll(async () => {
  // A failed assertion may leave a runtime up: stop it the way a user would, so Java goes too.
  await Promise.all(
    [...started].map(async (runtime) => {
      runtime.child.kill("SIGINT");
      const timer = setTimeout(() => runtime.child.kill("SIGKILL"), 15_000);
      await runtime.exit;
      clearTimeout(timer);
    }),
  );
});

// Each start runs Java and the whole stack: give it room on a busy machine.
describe("the local runtime (npm start)", { timeout: 120_000 }, () => {
  const localDir = mkdtempSync(join(tmpdir(), "nps-local-runtime-"));
  const keyFile = join(localDir, "api-key");
  let ports: Ports;
  let firstKey = "";

  afterAll(() => rmSync(localDir, { recursive: true, force: true }));

  it("serves the API, the pages and the SES emulator, then stops cleanly on SIGINT", async () => {
    ports = await freePorts();
    const runtime = startRuntime(localDir, ports);
    await waitUntilServing(runtime, ports);
    const app = `http://localhost:${ports.PORT}`;

    firstKey = readFileSync(keyFile, "utf8").trim();
    expect(firstKey).toMatch(/^nps_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(runtime.output.stdout).toContain(firstKey);
    expect(runtime.output.stdout).toContain("created now");
    expect(runtime.output.stdout).toContain(`export KEY=${firstKey}\n  export API=${app}\n`);

    const health = await fetch(`${app}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(`${app}/v1/campaigns`, { headers: bearer(firstKey) })).status).toBe(200);
    expect((await fetch(`${app}/v1/campaigns`)).status).toBe(401);
    const page = await fetch(`${app}/s/anything`);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("<html");

    const store = await fetch(`http://localhost:${ports.SES_PORT}/store`);
    expect(store.status).toBe(200);
    expect(store.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await store.json()).toEqual({ templates: {}, emails: [] });
    expect((await fetch(`http://localhost:${ports.SES_PORT}/`)).status).toBe(200);

    expect(await stopRuntime(runtime, "SIGINT")).toEqual({ code: 0, signal: null });
    expect(runtime.output.stderr).toBe("");
    for (const [envVar, port] of Object.entries(ports)) {
      await expect(assertPortFree(port, envVar, envVar), envVar).resolves.toBeUndefined();
    }
    expect(processesMentioning(localDir)).toEqual([]);
  });

  it("keeps its data across restarts: the same key still works", async () => {
    const runtime = startRuntime(localDir, ports);
    await waitUntilServing(runtime, ports);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(firstKey);
    expect(runtime.output.stdout).toContain(`from ${keyFile}`);
    const campaigns = await fetch(`http://localhost:${ports.PORT}/v1/campaigns`, {
      headers: bearer(firstKey),
    });
    expect(campaigns.status).toBe(200);

    expect(await stopRuntime(runtime, "SIGTERM")).toEqual({ code: 0, signal: null });
    expect(processesMentioning(localDir)).toEqual([]);
  });

  it("answers the official Delighted client's documented calls, and mails the person it creates", async () => {
    const runtime = startRuntime(localDir, ports);
    await waitUntilServing(runtime, ports);
    try {
      const app = `http://localhost:${ports.PORT}`;
      const created = await fetch(`${app}/v1/campaigns`, {
        method: "POST",
        headers: { ...bearer(firstKey), "content-type": "application/json" },
        body: JSON.stringify({ name: "Switched from Delighted", brandName: "Acme", delayDays: 0 }),
      });
      expect(created.status).toBe(201);
      const campaignId = ((await created.json()) as { id: string }).id;
      const client = delightedClient(app, firstKey, campaignId);

      const person = await client.person.create({
        email: "Ana@Example.com",
        name: "Ana",
        delay: 0,
        properties: { order_id: "D-1", region: "north" },
      });
      expect(person).toMatchObject({ email: "ana@example.com", name: "Ana" });
      // npm start's own delivery loop mails her within seconds.
      let survey = "";
      await waitFor(
        async () => {
          const store = (await (await fetch(`http://localhost:${ports.SES_PORT}/store`)).json()) as {
            emails: { destination: { to: string[] }; body: { text: string } }[];
          };
          const email = store.emails.find((e) => e.destination.to.includes("ana@example.com"));
          survey = (email && /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{24}/.exec(email.body.text)?.[0]) ?? "";
          return survey !== "";
        },
        30_000,
        "the survey email",
      );
      // As in the walk-through: the link opens once the sender has recorded SES's acceptance.
      await waitFor(async () => (await fetch(survey)).status === 200, 30_000, "the survey link to open");
      const answered = await fetch(survey, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ score: "9", comment: "Great" }),
      });
      expect(answered.status).toBe(200);

      const responses = await client.surveyResponse.all({ expand: ["person"], per_page: 10 });
      expect(JSON.parse(JSON.stringify(responses))).toMatchObject([
        { score: 9, comment: "Great", person: { email: "ana@example.com" } },
      ]);
      expect(await client.metrics.retrieve({})).toMatchObject({ nps: 100, response_count: 1 });
      expect(await client.unsubscribe.create({ person_email: "bo@example.com" })).toMatchObject({ ok: true });
      expect(await client.person.delete({ email: "ana@example.com" })).toEqual({ ok: true });
    } finally {
      expect(await stopRuntime(runtime, "SIGINT")).toEqual({ code: 0, signal: null });
    }
  });

  it("replaces the key when the data folder was deleted", async () => {
    rmSync(join(localDir, "dynamodb"), { recursive: true, force: true });
    const runtime = startRuntime(localDir, ports);
    await waitUntilServing(runtime, ports);
    const newKey = readFileSync(keyFile, "utf8").trim();
    expect(newKey).not.toBe(firstKey);
    expect(runtime.output.stdout).toContain(newKey);
    const app = `http://localhost:${ports.PORT}/v1/campaigns`;
    expect((await fetch(app, { headers: bearer(firstKey) })).status).toBe(401);
    expect((await fetch(app, { headers: bearer(newKey) })).status).toBe(200);

    expect(await stopRuntime(runtime, "SIGINT")).toEqual({ code: 0, signal: null });
    expect(processesMentioning(localDir)).toEqual([]);
  });
});

describe("the local runtime's setup errors", { timeout: 60_000 }, () => {
  const localDir = mkdtempSync(join(tmpdir(), "nps-local-errors-"));
  afterAll(() => rmSync(localDir, { recursive: true, force: true }));

  it.each(["PORT", "SES_PORT", "DYNAMODB_PORT"] as const)(
    "explains in one line that %s's port is in use, and exits 1",
    async (envVar) => {
      const ports = await freePorts();
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(ports[envVar], "127.0.0.1", resolve));
      try {
        const runtime = startRuntime(localDir, ports);
        expect(await runtime.exit).toEqual({ code: 1, signal: null });
        const lines = runtime.output.stderr.trimEnd().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: Port \d+ /);
        expect(lines[0]).toContain(String(ports[envVar]));
        expect(lines[0]).toContain(envVar);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );

  it("runs the README's walk-through word for word, with every port moved", async () => {
    const walkDir = mkdtempSync(join(tmpdir(), "nps-walk-through-"));
    const walkPorts = await freePorts();
    const runtime = startRuntime(walkDir, walkPorts);
    try {
      await waitUntilServing(runtime, walkPorts);
      // What the reader pastes: the banner's two export lines.
      const exports = runtime.output.stdout.split("\n").filter((line) => /^\s+export (KEY|API)=/.test(line));
      expect(exports).toHaveLength(2);
      expect(exports.join("\n")).toContain(`API=http://localhost:${walkPorts.PORT}`);
      const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
      const walkThrough = readme.slice(
        readme.indexOf("### Walk-through"),
        readme.indexOf("More of the campaign API"),
      );
      const blocks = [...walkThrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
      expect(blocks).toHaveLength(3);
      const [create = "", numbers = "", parts = ""] = blocks;
      const pasted = create.replace(
        /^export KEY=.*\nexport API=.*$/m,
        exports.map((l) => l.trim()).join("\n"),
      );
      expect(pasted).not.toContain("nps_…");
      const bash = (script: string) => {
        const result = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
          cwd: walkDir,
          encoding: "utf8",
        });
        expect(result.status, result.stderr).toBe(0);
        return result.stdout;
      };

      // Steps 1 and 2: the campaign and the purchase.
      const first = bash(`${pasted}\necho\necho "CAMPAIGN=$CAMPAIGN"`);
      const campaign = /^CAMPAIGN=(cmp_[A-Za-z0-9_-]{16})$/m.exec(first)?.[1];
      expect(campaign, first).toBeDefined();
      expect(first).toContain('"status":"scheduled"');

      // Steps 3 and 4: the email reaches the inbox, and a score link is answered.
      const sesStore = `http://localhost:${walkPorts.SES_PORT}/store`;
      let link: string | undefined;
      await waitFor(
        async () => {
          const { emails } = (await (await fetch(sesStore)).json()) as {
            emails: { body: { html?: string } }[];
          };
          link = /href="([^"]*\/s\/[^"?]+)\?score=9"/.exec(emails.at(-1)?.body.html ?? "")?.[1];
          return link !== undefined;
        },
        30_000,
        "the survey email",
      );
      // The email lands a few milliseconds before the sender records SES's acceptance, and until then the
      // link is (rightly) not valid; a reader takes seconds. Wait for the link to open, as they would.
      await waitFor(async () => (await fetch(link ?? "")).status === 200, 30_000, "the survey link to open");
      const answer = await fetch(link ?? "", { method: "POST", body: new URLSearchParams({ score: "9" }) });
      expect(answer.status).toBe(200);

      // Step 6 and the CSV loop, in the same shell state as a reader's terminal.
      const state = `${exports.map((l) => l.trim()).join("\n")}\nCAMPAIGN=${campaign}\n`;
      const read = bash(`${state}${numbers}`);
      expect(read).toContain('"responses":1');
      expect(read).toContain('"value":"north"');
      expect(readFileSync(join(walkDir, "responses.csv"), "utf8")).toContain("A-1001");
      bash(`${state}${parts}`);
      expect(readFileSync(join(walkDir, "responses-1.csv"), "utf8")).toContain("A-1001");
    } finally {
      await stopRuntime(runtime, "SIGINT");
      rmSync(walkDir, { recursive: true, force: true });
    }
  });

  it("explains in one line that a Java runtime without its compiler is not enough, and exits 1", async () => {
    const ports = await freePorts();
    // A `java` that is version 17 but lists no jdk.compiler module, as a JRE-only install does.
    const bin = join(localDir, "jre-only");
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, "java"),
      '#!/bin/sh\nif [ "$1" = "-version" ]; then echo \'openjdk version "17.0.9" 2023-10-17\' >&2; else echo "java.base@17.0.9"; fi\n',
      { mode: 0o755 },
    );
    const runtime = startRuntime(localDir, ports, { PATH: bin });
    expect(await runtime.exit).toEqual({ code: 1, signal: null });
    const lines = runtime.output.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: DynamoDB Local is started on 127\.0\.0\.1 only, which needs a Java development kit/,
    );
  });

  it("explains in one line that Java is missing, and exits 1", async () => {
    const ports = await freePorts();
    const runtime = startRuntime(localDir, ports, { PATH: join(localDir, "no-java-here") });
    expect(await runtime.exit).toEqual({ code: 1, signal: null });
    const lines = runtime.output.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: DynamoDB Local needs Java/);
  });
});
