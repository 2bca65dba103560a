import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore } from "../../functions/store/api-key-store";
import { LOCAL_TABLE_NAME } from "../../local/local-config";
import { freePort } from "../../local/ports";
import { expectHelp, expectUsageError, runCli } from "../support/cli";
import { createTestTable, type TestTable } from "../support/dynamo";

/** `npm run apikey -- ...args`. */
const apikey = (args: string[], env: Record<string, string> = {}) => runCli("cli/apikey.ts", args, env);

describe("npm run apikey", () => {
  let table: TestTable;
  let store: ApiKeyStore;
  let target: string[];

  beforeAll(async () => {
    table = await createTestTable();
    store = new ApiKeyStore(table.db, table.tableName);
    target = ["--endpoint", table.endpoint, "--table", table.tableName];
  });
  afterAll(async () => table.drop());

  it("creates, lists and revokes keys", async () => {
    const created = await apikey(["create", "zapier integration", ...target]);
    expect(created.code).toBe(0);
    // The key alone on stdout; what it is and the warning on stderr.
    const apiKey = created.stdout.trim();
    expect(apiKey).toMatch(/^nps_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain("cannot be shown again");
    const record = await store.verify(apiKey);
    expect(record?.name).toBe("zapier integration");
    const id = record?.id ?? "";
    expect(created.stderr).toContain(id);

    const listed = await apikey(["list", ...target]);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
    expect(row).toContain("zapier integration");
    expect(row).toContain(record?.createdAt);
    expect(row).toMatch(/\bno$/);
    expect(listed.stdout).not.toContain(apiKey.slice(`nps_${id}_`.length));

    const revoked = await apikey(["revoke", id, ...target]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(id);
    expect(await store.verify(apiKey)).toBeUndefined();

    const afterRevoke = await apikey(["list", ...target]);
    const revokedRow = afterRevoke.stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
    expect(revokedRow).toMatch(/\byes \(\d{4}-\d\d-\d\dT/);
  });

  it("lists nothing in a table without keys", async () => {
    const other = await createTestTable();
    try {
      const listed = await apikey(["list", "--endpoint", other.endpoint, "--table", other.tableName]);
      expect(listed).toEqual({ code: 0, stdout: "No API keys.\n", stderr: "" });
    } finally {
      await other.drop();
    }
  });

  it("exits 1 with a clear message when revoking an unknown id", async () => {
    const result = await apikey(["revoke", "0123456789abcdef", ...target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("error: no API key has the id '0123456789abcdef' (see 'list').\n");
  });

  it.each([
    [[]],
    [["create"]],
    [["create", "   "]],
    [["revoke"]],
    [["list", "extra"]],
    [["rotate", "x"]],
    [["list", "--unknown-flag"]],
    [["list", "--region", "eu-west-1"]],
    [["list", "--endpoint", "not a url"]],
  ])("prints usage and exits 2 for %j", async (args) => {
    const result = await apikey(args);
    expectUsageError(result);
  });

  it("prints usage on --help", async () => {
    const result = await apikey(["--help"]);
    expectHelp(result);
  });

  it("says in one line that the local runtime must be running when it cannot connect", async () => {
    const port = await freePort();
    const result = await apikey(["list"], { DYNAMODB_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot reach DynamoDB Local at http://127.0.0.1:${port}: start the local runtime with 'npm start' (in another terminal) first, or pass --table <name> for a deployed table.\n`,
    );
  });

  it("says so when the DynamoDB Local it reaches has no local runtime table", async () => {
    const result = await apikey(["list", "--endpoint", table.endpoint]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`has no table '${LOCAL_TABLE_NAME}'`);
  });
});
