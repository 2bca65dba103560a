// The survey function's zod-free configuration reader agrees with the zod schema it mirrors.
import { describe, expect, it } from "vitest";
import { readEnvironment, tableEnvironment } from "../../functions/platform/environment";
import { readTableEnvironment } from "../../functions/platform/table-environment";

/** What a reader gives for `env`: its value, or the message it throws. */
function outcome(read: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const VALID = { TABLE_NAME: "open-nps-Table-ABC123", AWS_REGION: "eu-west-1" };

const CASES: Record<string, NodeJS.ProcessEnv> = {
  "what the stack sets": { ...VALID, RETENTION_DAYS: "365" },
  "no retention: the default": VALID,
  "no region": { TABLE_NAME: "t12" },
  "unknown variables are left out": { ...VALID, PATH: "/usr/bin", OTHER: "x" },
  "DynamoDB Local": { ...VALID, DYNAMODB_ENDPOINT: "http://127.0.0.1:8000" },
  "an endpoint with spaces around and a line break inside": {
    ...VALID,
    DYNAMODB_ENDPOINT: "  http://local\nhost:8000/  ",
  },
  "an endpoint that is not a URL": { ...VALID, DYNAMODB_ENDPOINT: "localhost:8000 x" },
  "an empty endpoint": { ...VALID, DYNAMODB_ENDPOINT: "" },
  "an empty region": { TABLE_NAME: "abc", AWS_REGION: "" },
  "no table": { AWS_REGION: "us-east-1" },
  "a table name too short": { TABLE_NAME: "ab" },
  "a table name too long": { TABLE_NAME: "t".repeat(256) },
  "a table name of 255": { TABLE_NAME: "t".repeat(255) },
  "retention not a number": { ...VALID, RETENTION_DAYS: "two years" },
  "retention empty": { ...VALID, RETENTION_DAYS: "" },
  "retention too many digits": { ...VALID, RETENTION_DAYS: "123456" },
  "retention 0": { ...VALID, RETENTION_DAYS: "0" },
  "everything wrong at once": {
    TABLE_NAME: "x",
    DYNAMODB_ENDPOINT: "not a url",
    RETENTION_DAYS: "-1",
  },
  "nothing at all": {},
};

describe("readTableEnvironment", () => {
  for (const [name, env] of Object.entries(CASES)) {
    it(`reads ${name} as readEnvironment(tableEnvironment) does`, () => {
      const expected = outcome(() => readEnvironment(tableEnvironment, env));
      const actual = outcome(() => readTableEnvironment(env));
      expect(actual).toStrictEqual(expected);
      // Same keys in the same order, not only equal values.
      if ("value" in expected && "value" in actual)
        expect(Object.keys(actual.value as object)).toEqual(Object.keys(expected.value as object));
    });
  }
});
