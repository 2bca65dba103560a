// `npm run smoke -- --url <api url> --key <api key>` (or `--local`): a post-deploy check of the whole
// API through HTTP only. Creates a campaign, posts a purchase to a test address, checks the answers,
// and archives the campaign. Exit 0 when every step passes, 1 when one fails, 2 for bad usage.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { localDirectory, portFromEnv } from "../local/local-config";
import { LocalSetupError } from "../local/local-errors";
import { oneLine, runCommand, UsageError } from "./command-line";

const DEFAULT_EMAIL = "smoke-test@example.com";
const MAX_WAIT_SECONDS = 600;
const REQUEST_TIMEOUT_MS = 15_000;

const USAGE = `Usage:
  npm run smoke -- --url <api url> [--key <api key>] [--email <address>] [--keep]
  npm run smoke -- --local [--wait <seconds>] [--email <address>] [--keep]

Checks a deployed stack (or the local runtime) through its HTTP API: /health, the OpenAPI document,
that a request without a key is refused, then it creates a campaign (delayDays 0, throttleDays 0),
reads it back and finds it in the list, posts a purchase for the test address (then again: duplicate),
posts a malformed one (400), reads the results and archives the campaign. Each step prints a line;
the exit code is 0 when all pass, 1 when one fails, 2 for bad usage. The API key is never printed.

Options:
  --url <api url>    the API's base URL: the stack's ApiUrl output
  --key <api key>    an API key (default: env NPS_API_KEY, which keeps it out of the process list);
                     create one with 'npm run apikey -- create smoke --table <name> --region <r>'
  --email <address>  the address the test purchase is for (default ${DEFAULT_EMAIL}).
                     On AWS in the SES sandbox this must be an address verified in SES; an address
                     that unsubscribed, bounced or complained is suppressed and fails the check
  --local            the local runtime ('npm start'): http://127.0.0.1:$PORT (3000), with the key in
                     $LOCAL_DIR/api-key (.local/api-key) unless --key is given
  --wait <seconds>   with --local: also wait up to this long for the survey email in the SES
                     emulator's inbox (http://127.0.0.1:$SES_PORT/store, port 8005) and check its
                     score links and List-Unsubscribe headers (default 0: don't wait)
  --keep             keep the smoke campaign active. By default it is archived at the end so that it
                     sends nothing more: a survey not yet sent by then is never sent, so on AWS pass
                     --keep to receive the email at the test address (and archive it yourself later)
  -h, --help         show this help`;

type Options = {
  /** Base URL without a trailing slash. */
  readonly url: string;
  readonly key: string;
  /** Where the key came from, for the message when it is refused. */
  readonly keySource: string;
  readonly email: string;
  readonly local: boolean;
  /** The SES emulator's origin when --wait is on, else undefined. */
  readonly sesUrl: string | undefined;
  readonly waitSeconds: number;
  readonly keep: boolean;
};

function parseCommandLine(args: string[], env: NodeJS.ProcessEnv): Options | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";

  if (values.local && values.url !== undefined) {
    throw new UsageError("--local and --url exclude each other: --local means the local runtime's URL.");
  }
  if (!values.local && values.url === undefined) {
    throw new UsageError("Missing --url <api url> (the stack's ApiUrl output), or --local.");
  }

  const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
  if (
    values.wait !== undefined &&
    (!/^\d+(?:\.\d+)?$/.test(values.wait.trim()) || waitSeconds > MAX_WAIT_SECONDS)
  ) {
    throw new UsageError(`--wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}.`);
  }
  if (waitSeconds > 0 && !values.local) {
    throw new UsageError("--wait reads the local SES emulator's inbox: it needs --local.");
  }

  const email = (values.email ?? DEFAULT_EMAIL).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new UsageError(`--email must be an email address, not '${printable(email.slice(0, 64))}'.`);
  }

  let url: string;
  if (values.local) {
    url = `http://127.0.0.1:${portFromEnv("PORT", env)}`;
  } else {
    const raw = values.url?.trim() ?? "";
    const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
      throw new UsageError(
        `--url must be the API's http(s) base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com, not '${printable(raw.slice(0, 100))}'.`,
      );
    }
    // The API key travels in a header: in clear text only to this machine.
    if (parsed.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) {
      throw new UsageError(
        `--url must use https for a deployed API (the API key would cross the network in clear text): ${printable(raw.slice(0, 100))}`,
      );
    }
    url = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
  }

  let key = values.key?.trim();
  let keySource = "check --key";
  if (!key && values.local) {
    const keyFile = join(localDirectory(env), "api-key");
    key = localKey(keyFile);
    keySource = `is ${shown(keyFile)} from the 'npm start' that is running (same LOCAL_DIR)?`;
  } else if (!key) {
    key = env.NPS_API_KEY?.trim();
    keySource = "check NPS_API_KEY";
  }
  if (!key) throw new UsageError("Missing the API key: pass --key <api key> or set NPS_API_KEY.");
  if (/\s/.test(key)) throw new UsageError("The API key must not contain spaces.");

  return {
    url,
    key,
    keySource,
    email,
    local: values.local === true,
    sesUrl: waitSeconds > 0 ? `http://127.0.0.1:${portFromEnv("SES_PORT", env)}` : undefined,
    waitSeconds,
    keep: values.keep === true,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      email: { type: "string" },
      local: { type: "boolean" },
      wait: { type: "string" },
      keep: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** The local runtime's key, as `npm start` keeps it; a missing file is a setup problem, not usage. */
function localKey(keyFile: string): string {
  const key = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : "";
  if (!key) {
    throw new LocalSetupError(
      `no API key in ${shown(keyFile)}: start the local runtime with 'npm start' (same LOCAL_DIR) first, or pass --key.`,
    );
  }
  return key;
}

// ---------------------------------------------------------------------------------------------------

type Reply = { status: number; body: unknown; text: string; headers: Headers };

/** A failed check: its message is the reason printed after the step. */
class CheckFailed extends Error {}
/** The service cannot be reached at all: every later step would fail the same way. */
class Unreachable extends CheckFailed {}

type Report = { passed: number; failed: number };

class SmokeRun {
  readonly report: Report = { passed: 0, failed: 0 };
  aborted = false;

  constructor(
    private readonly options: Options,
    private readonly out: (line: string) => void,
  ) {}

  /** Runs one check: `✓ name (ms)` or `✗ name: reason`. Returns undefined when it failed or did not run. */
  async step<T>(name: string | (() => string), check: () => Promise<T>): Promise<T | undefined> {
    const label = () => (typeof name === "string" ? name : name());
    // After a step found the service unreachable, the rest would only repeat it.
    if (this.aborted) return undefined;
    const started = performance.now();
    try {
      const value = await check();
      this.report.passed++;
      this.out(`✓ ${label()} (${Math.round(performance.now() - started)} ms)`);
      return value;
    } catch (error) {
      this.report.failed++;
      if (error instanceof Unreachable) this.aborted = true;
      const reason = error instanceof CheckFailed ? error.message : oneLine(error);
      this.out(`✗ ${label()}: ${reason}`);
      return undefined;
    }
  }

  /** A line that is neither a pass nor a failure. */
  note(name: string, what: string): void {
    this.out(`- ${name}: ${what}`);
  }

  /** Calls the API; `auth` adds the key. Never throws for an HTTP status. */
  async call(method: string, path: string, init: { auth?: boolean; json?: unknown } = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (init.auth !== false) headers.authorization = `Bearer ${this.options.key}`;
    if (init.json !== undefined) headers["content-type"] = "application/json";
    return await this.fetchReply(`${this.options.url}${path}`, {
      method,
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  }

  async fetchReply(url: string, init: RequestInit): Promise<Reply> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      text = await response.text();
    } catch (error) {
      throw this.unreachable(url, error);
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, text, headers: response.headers };
  }

  private unreachable(url: string, error: unknown): CheckFailed {
    const origin = new URL(url).origin;
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new CheckFailed(`no answer from ${origin} within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    const code = errorCode(error);
    const hint =
      this.options.local && code === "ECONNREFUSED"
        ? ": start the local runtime with 'npm start' (same PORT) first"
        : "";
    return new Unreachable(`cannot reach ${origin} (${code ?? oneLine(error)})${hint}`);
  }

  /** Throws unless the reply has `status`; the reason names what came instead. */
  expectStatus(reply: Reply, status: number): void {
    if (reply.status === status) return;
    if (reply.status === 401 && status !== 401) {
      throw new CheckFailed(`401: the API key was refused: ${this.options.keySource}`);
    }
    throw new CheckFailed(`expected ${status}, got ${reply.status}${errorSummary(reply)}`);
  }
}

type CampaignBody = { id: string; status: string; createdAt: string; [field: string]: unknown };

async function smoke(options: Options, out: (line: string) => void): Promise<Report> {
  const run = new SmokeRun(options, out);
  const target = options.local ? `the local runtime at ${options.url}` : options.url;
  out(`smoke: checking ${target} with the test address ${options.email}`);

  await run.step("GET /health → 200", async () => {
    run.expectStatus(await run.call("GET", "/health", { auth: false }), 200);
  });

  await run.step("GET /v1/openapi.json → OpenAPI 3.1", async () => {
    const reply = await run.call("GET", "/v1/openapi.json", { auth: false });
    run.expectStatus(reply, 200);
    const version = field(reply.body, "openapi");
    if (typeof version !== "string" || !/^3\.1(?:\.|$)/.test(version)) {
      throw new CheckFailed(`expected "openapi": "3.1.x", got ${JSON.stringify(version) ?? "nothing"}`);
    }
  });

  await run.step("GET /v1/campaigns without a key → 401", async () => {
    const reply = await run.call("GET", "/v1/campaigns", { auth: false });
    if (reply.status >= 200 && reply.status < 300) {
      throw new CheckFailed(`answered ${reply.status} without an API key: authentication is off`);
    }
    run.expectStatus(reply, 401);
  });

  const startedAt = Date.now();
  let createdId: string | undefined;
  const created = await run.step(
    () => `POST /v1/campaigns → 201${createdId ? ` (${createdId})` : ""}`,
    async () => {
      const reply = await run.call("POST", "/v1/campaigns", {
        json: {
          name: `smoke test ${new Date().toISOString()}`,
          brandName: "Smoke test",
          delayDays: 0,
          throttleDays: 0,
        },
      });
      run.expectStatus(reply, 201);
      const campaign = asCampaign(reply.body);
      createdId = campaign.id;
      return campaign;
    },
  );

  if (created) {
    await campaignSteps(run, options, created, startedAt);
  } else if (!run.aborted) {
    run.note("the campaign's steps", "not run: no campaign");
  }

  const stopped = run.aborted ? " (stopped early: the API cannot be reached)" : "";
  out(`smoke: ${run.report.passed} passed, ${run.report.failed} failed${stopped}`);
  return run.report;
}

async function campaignSteps(
  run: SmokeRun,
  options: Options,
  campaign: CampaignBody,
  startedAt: number,
): Promise<void> {
  const path = `/v1/campaigns/${encodeURIComponent(campaign.id)}`;

  await run.step("GET the campaign back → same campaign", async () => {
    const reply = await run.call("GET", path);
    run.expectStatus(reply, 200);
    if (!isDeepStrictEqual(reply.body, campaign)) {
      throw new CheckFailed(`differs from what POST answered in: ${differingFields(campaign, reply.body)}`);
    }
  });

  await run.step("GET /v1/campaigns lists it (first page, newest first)", async () => {
    const reply = await run.call("GET", "/v1/campaigns");
    run.expectStatus(reply, 200);
    const items = field(reply.body, "items");
    if (!Array.isArray(items)) throw new CheckFailed(`no items array${errorSummary(reply)}`);
    const index = items.findIndex((item) => field(item, "id") === campaign.id);
    if (index < 0) throw new CheckFailed(`not on the first page (${items.length} campaigns listed)`);
    const older = items.slice(0, index).find((item) => String(field(item, "createdAt")) < campaign.createdAt);
    if (older) throw new CheckFailed(`listed after the older campaign ${String(field(older, "id"))}`);
  });

  // The run's mark: in the orderId, and in the greeting of the email (the name), where --wait finds it.
  const runId = randomBytes(4).toString("hex");
  const orderId = `smoke-${startedAt.toString(36)}-${runId}`;
  const purchase = { orderId, email: options.email, name: `Smoke test ${runId}` };
  const scheduled = await run.step(`POST a purchase (${orderId}) → scheduled`, async () => {
    const reply = await run.call("POST", `${path}/purchases`, { json: purchase });
    run.expectStatus(reply, 202);
    const result = firstResult(reply);
    if (result.status === "suppressed") {
      throw new CheckFailed(
        `the address ${options.email} is suppressed (it unsubscribed, bounced or complained): choose a fresh --email or remove the suppression`,
      );
    }
    if (result.status !== "scheduled") throw new CheckFailed(`status ${resultText(result)}`);
    return true;
  });

  await run.step("POST it again → duplicate", async () => {
    const reply = await run.call("POST", `${path}/purchases`, { json: purchase });
    run.expectStatus(reply, 202);
    const result = firstResult(reply);
    if (result.status !== "duplicate") {
      throw new CheckFailed(`status ${resultText(result)}: a re-posted orderId must change nothing`);
    }
  });

  await run.step("POST a malformed purchase → 400 with details", async () => {
    const reply = await run.call("POST", `${path}/purchases`, { json: { purchases: "not a list" } });
    run.expectStatus(reply, 400);
    const details = field(field(reply.body, "error"), "details");
    if (!Array.isArray(details) || details.length === 0) {
      throw new CheckFailed(`no error.details naming the offending field: ${clip(reply.text)}`);
    }
  });

  await run.step("GET results → 200", async () => {
    const reply = await run.call("GET", `${path}/results`);
    run.expectStatus(reply, 200);
    const sent = field(field(reply.body, "overall"), "sent");
    if (typeof sent !== "number" || !Number.isInteger(sent) || sent < 0) {
      throw new CheckFailed(`overall.sent is ${JSON.stringify(sent) ?? "missing"}, not a count`);
    }
  });

  if (options.sesUrl) {
    const name = `survey email in the SES inbox (within ${options.waitSeconds} s)`;
    if (scheduled) {
      await run.step(name, () => checkEmail(run, options, options.sesUrl ?? "", runId));
    } else {
      run.note(name, "not run: no purchase was scheduled");
    }
  }

  if (options.keep) {
    run.note("PATCH status archived", `not run (--keep): campaign ${campaign.id} stays active`);
  } else {
    await run.step("PATCH status archived → 200", async () => {
      const reply = await run.call("PATCH", path, { json: { status: "archived" } });
      run.expectStatus(reply, 200);
      if (field(reply.body, "status") !== "archived") {
        throw new CheckFailed(`status is ${JSON.stringify(field(reply.body, "status"))}, not "archived"`);
      }
    });
  }
}

type StoredEmail = {
  from?: string;
  destination?: { to?: string[] };
  subject?: string;
  body?: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
};

/** Polls the SES emulator's `/store` for the smoke campaign's email, then checks its links and headers. */
async function checkEmail(run: SmokeRun, options: Options, sesUrl: string, runId: string): Promise<void> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  const address = options.email.toLowerCase();
  let email: StoredEmail | undefined;
  for (;;) {
    const reply = await run
      .fetchReply(`${sesUrl}/store`, { headers: { accept: "application/json" } })
      .catch((error: unknown) => {
        // Only the emulator is out of reach: the API's remaining steps still run.
        throw error instanceof Unreachable
          ? new CheckFailed(`the SES emulator: ${error.message.replace("(same PORT)", "(same SES_PORT)")}`)
          : error;
      });
    if (reply.status !== 200) {
      throw new CheckFailed(`the SES emulator's GET /store answered ${reply.status}`);
    }
    const emails = (field(reply.body, "emails") ?? []) as StoredEmail[];
    email = emails.find(
      (candidate) =>
        (candidate.destination?.to ?? []).some((to) => to.toLowerCase().includes(address)) &&
        `${candidate.body?.text ?? ""}${candidate.body?.html ?? ""}`.includes(runId),
    );
    if (email || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!email) {
    throw new CheckFailed(
      `no email to ${options.email} arrived within ${options.waitSeconds} s: is the delivery loop of 'npm start' running?`,
    );
  }

  const links = [...(email.body?.html ?? "").matchAll(/\shref="([^"]*)"/g)].map((m) =>
    (m[1] ?? "").replace(/&amp;/g, "&"),
  );
  const scores = new Map<string, string>();
  const tokens = new Set<string>();
  let unsubscribe: string | undefined;
  for (const link of links) {
    if (!URL.canParse(link)) continue;
    const url = new URL(link);
    const survey = /^\/s\/([^/]+)$/.exec(url.pathname);
    const score = url.searchParams.get("score");
    if (survey?.[1] && score !== null) {
      scores.set(score, link);
      tokens.add(survey[1]);
    }
    if (/^\/u\/[^/]+$/.test(url.pathname)) unsubscribe ??= link;
  }
  const expected = Array.from({ length: 11 }, (_, score) => String(score));
  const missing = expected.filter((score) => !scores.has(score));
  if (missing.length > 0) throw new CheckFailed(`the email lacks the score links ${missing.join(", ")}`);
  if (tokens.size !== 1) throw new CheckFailed(`the score links carry ${tokens.size} different tokens`);
  if (!unsubscribe) throw new CheckFailed("the email has no unsubscribe link");

  const headers = new Map((email.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
  if (headers.get("list-unsubscribe") !== `<${unsubscribe}>`) {
    throw new CheckFailed(
      `List-Unsubscribe is ${JSON.stringify(headers.get("list-unsubscribe") ?? null)}, not <${unsubscribe}>`,
    );
  }
  if (headers.get("list-unsubscribe-post") !== "List-Unsubscribe=One-Click") {
    throw new CheckFailed("List-Unsubscribe-Post is not 'List-Unsubscribe=One-Click'");
  }

  // Opening a score link shows the survey page and records nothing (a GET never changes state).
  const page = await run.fetchReply(scores.get("9") ?? "", { headers: { accept: "text/html" } });
  if (page.status !== 200) throw new CheckFailed(`the score link answered ${page.status}, not 200`);
}

// ---------------------------------------------------------------------------------------------------

function asCampaign(body: unknown): CampaignBody {
  const id = field(body, "id");
  const createdAt = field(body, "createdAt");
  if (typeof id !== "string" || typeof createdAt !== "string") {
    throw new CheckFailed(`the answer has no campaign id: ${clip(JSON.stringify(body))}`);
  }
  return body as CampaignBody;
}

type PurchaseResult = { status?: unknown; error?: unknown };

function firstResult(reply: Reply): PurchaseResult {
  const results = field(reply.body, "results");
  const result = Array.isArray(results) ? (results[0] as PurchaseResult | undefined) : undefined;
  if (!result || typeof result !== "object") throw new CheckFailed(`no results: ${clip(reply.text)}`);
  return result;
}

function resultText(result: PurchaseResult): string {
  return `${JSON.stringify(result.status)}${typeof result.error === "string" ? ` (${printable(result.error)})` : ""}`;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function differingFields(expected: CampaignBody, actual: unknown): string {
  if (typeof actual !== "object" || actual === null) return "the whole body";
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names].filter((name) => !isDeepStrictEqual(expected[name], field(actual, name))).join(", ");
}

/** `: <code>: <message>` of the API's error body, or a clip of whatever came. */
function errorSummary(reply: Reply): string {
  const error = field(reply.body, "error");
  const code = field(error, "code");
  const message = field(error, "message");
  if (typeof code === "string") {
    return ` (${printable(code)}${typeof message === "string" ? `: ${clip(message)}` : ""})`;
  }
  return reply.text ? ` (${clip(reply.text)})` : "";
}

function clip(text: string, length = 200): string {
  const line = printable(text.replace(/\s+/g, " ").trim());
  return line.length > length ? `${line.slice(0, length)}…` : line;
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}

function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 3) return undefined;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === "string") return candidate.code;
  const inner = errorCode(candidate.cause, depth + 1);
  if (inner) return inner;
  return Array.isArray(candidate.errors)
    ? candidate.errors.map((e) => errorCode(e, depth + 1)).find(Boolean)
    : undefined;
}

function shown(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") ? fromHere : path;
}

runCommand({
  usage: USAGE,
  parse: (args) => parseCommandLine(args, process.env),
  run: async (options) => {
    // Nothing the API answers should echo the key, but a line that did would never show it.
    const key = options.key;
    const report = await smoke(options, (line) => console.log(line.split(key).join("[api key]")));
    return report.failed > 0 ? 1 : 0;
  },
});
