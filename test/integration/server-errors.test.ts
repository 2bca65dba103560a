import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from "vitest";
import { messagesFor } from "../../functions/domain/messages";
import { newToken } from "../../functions/domain/tokens";
import { createApiApp } from "../../functions/http/api-app";
import { createSurveyApp, type SurveyDependencies } from "../../functions/http/survey-app";
import { createStores, type Stores } from "../../functions/store/stores";
import { createTestTable, type TestTable } from "../support/dynamo";
import { type RunningServer, startServer } from "../support/http-server";

/**
 * A fault of our own (not the caller's, not DynamoDB's capacity) answers a 500 that leaks nothing: no
 * stack, no error text. The API answers its JSON error body; the survey pages a page in the browser's
 * language, or the same JSON body when the request asked for JSON. The store fails by injection.
 */
const SECRET = "internal detail: table test-123 at /var/task/index.mjs:42";

let table: TestTable;
let stores: Stores;
let api: RunningServer;
let survey: RunningServer;
let apiKey: string;

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  ({ apiKey } = await stores.apiKeys.create("server errors", new Date()));
  const broken = <T extends object>(store: T): T =>
    new Proxy(store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        return () => Promise.reject(new TypeError(SECRET));
      },
    });
  api = await startServer(createApiApp({ ...stores, campaigns: broken(stores.campaigns) }));
  const surveyDeps: SurveyDependencies = { ...stores, surveyLinks: broken(stores.surveyLinks) };
  survey = await startServer(createSurveyApp(surveyDeps));
});

afterAll(async () => {
  await api?.close();
  await survey?.close();
  await table?.drop();
});

/** The error log lines: the operator's only view of the fault, since the caller sees none of it. */
let logged: MockInstance<typeof console.error>;
beforeEach(() => {
  logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());
const loggedFaults = () =>
  logged.mock.calls.map(
    (args) => JSON.parse(String(args[0])) as { message: string; error: { message: string } },
  );

describe("a fault of ours", () => {
  it("answers the API's 500 error body, and nothing of the error", async () => {
    const response = await fetch(`${api.url}/v1/campaigns`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal_error", message: "Something went wrong on our side; try again later." },
    });
    expect(text).not.toContain("test-123");
    expect(loggedFaults()).toEqual([
      expect.objectContaining({
        message: "unhandled error",
        error: expect.objectContaining({ message: SECRET }),
      }),
    ]);
  });

  it("answers the survey page's 500 in the browser's language, or JSON when asked, and nothing of the error", async () => {
    const link = `${survey.url}/s/${newToken()}`;
    const page = await fetch(link, { headers: { "accept-language": "zh-TW" } });
    expect(page.status).toBe(500);
    const html = await page.text();
    expect(html).toContain('lang="zh-Hant"');
    expect(html).toContain(messagesFor("zh-Hant").serverErrorBody);
    expect(html).not.toContain("test-123");

    const json = await fetch(link, { method: "POST", headers: { accept: "application/json" }, body: "{}" });
    expect(json.status).toBe(500);
    const body = await json.text();
    expect(JSON.parse(body)).toMatchObject({ error: { code: "internal_error" } });
    expect(body).not.toContain("test-123");
    expect(loggedFaults()).toHaveLength(2);
  });
});
