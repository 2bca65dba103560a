import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserStore } from "../../functions/store/user-store";
import { expectHelp, expectUsageError, runCli } from "../support/cli";
import { createTestTable, type TestTable } from "../support/dynamo";

/** `npm run user -- ...args`. */
const user = (args: string[]) => runCli("cli/user.ts", args);

describe("npm run user", () => {
  let table: TestTable;
  let store: UserStore;
  let target: string[];

  beforeAll(async () => {
    table = await createTestTable();
    store = new UserStore(table.db, table.tableName);
    target = ["--endpoint", table.endpoint, "--table", table.tableName];
  });
  afterAll(async () => table.drop());

  it("adds, lists and removes console users", async () => {
    const admin = await user(["add", "  Ann@Example.com ", "--admin", ...target]);
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain("Added ann@example.com as an admin");
    const member = await user(["add", "bo@example.com", ...target]);
    expect(member.code).toBe(0);
    expect((await store.get("ann@example.com"))?.role).toBe("admin");
    expect((await store.get("bo@example.com"))?.role).toBe("member");

    const listed = await user(["list", ...target]);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^EMAIL\s+ROLE\s+ADDED AT$/);
    expect(rows[1]).toMatch(/^ann@example\.com\s+admin\s+\d{4}-\d\d-\d\dT/);
    expect(rows[2]).toMatch(/^bo@example\.com\s+member\s+/);

    const again = await user(["add", "ann@example.com", ...target]);
    expect(again).toMatchObject({ code: 1, stderr: "error: ann@example.com is a user already.\n" });

    const removed = await user(["remove", "BO@example.com", ...target]);
    expect(removed.code).toBe(0);
    expect(await store.get("bo@example.com")).toBeUndefined();
    const missing = await user(["remove", "bo@example.com", ...target]);
    expect(missing).toMatchObject({ code: 1, stderr: "error: bo@example.com is not a user.\n" });
  });

  it("refuses what makes no sense, with the usage", async () => {
    expectUsageError(await user([...target]));
    expectUsageError(await user(["add", ...target]));
    expectUsageError(await user(["list", "--admin", ...target]));
    expectUsageError(await user(["promote", "a@example.com", ...target]));
    const invalid = await user(["add", "not an address", ...target]);
    expect(invalid).toMatchObject({ code: 1, stderr: "error: The email address is not valid.\n" });
    expectHelp(await user(["--help"]));
  });
});
