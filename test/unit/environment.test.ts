// The hand-written configuration reader agrees with zod: same values, same keys, same messages.
import { describe, expect, expectTypeOf, it } from "vitest";
import { MAX_SENDER_ADDRESS_LENGTH } from "../../functions/domain/mail-address";
import { check } from "../../functions/domain/validation";
import * as z from "../../functions/domain/zod";
import {
  apiEnvironment,
  consoleEnvironment,
  dispatchEnvironment,
  EMAIL_PATTERN,
  type Environment,
  eventsEnvironment,
  readEnvironment,
  sendEnvironment,
  tableEnvironment,
} from "../../functions/platform/environment";

/** The reference: every setting's rules as zod schemas, read as a zod-validated configuration is. */
const reference = (() => {
  const tableSettings = {
    TABLE_NAME: z.string().check(z.minLength(3), z.maxLength(255)),
    AWS_REGION: z.optional(z.string()),
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    RETENTION_DAYS: z.pipe(
      z._default(z.string().check(z.regex(/^\d{1,5}$/, "must be a whole number of days")), "730"),
      z.transform(Number),
    ),
  };
  const mailSettings = {
    PUBLIC_BASE_URL: z
      .url()
      .check(
        z.regex(/^https?:\/\/[^/]+(\/[^?#]*[^/?#])?$/, "must be an http(s) URL without a trailing slash"),
      ),
    SENDER_ADDRESS: z.email().check(z.maxLength(MAX_SENDER_ADDRESS_LENGTH)),
    CONFIGURATION_SET_NAME: z.optional(z.string()),
    SES_ENDPOINT: z.optional(z.url()),
  };
  return {
    tableEnvironment: z.object(tableSettings),
    sendEnvironment: z.object({ ...tableSettings, ...mailSettings }),
    apiEnvironment: z.object({ ...tableSettings, ...mailSettings }),
    eventsEnvironment: z.object({ ...tableSettings, ...mailSettings }),
    consoleEnvironment: z.object({ ...tableSettings, ...mailSettings }),
    dispatchEnvironment: z.object({
      ...tableSettings,
      ...mailSettings,
      QUEUE_URL: z.url(),
      DISPATCH_QUEUE_BUDGET: z.pipe(
        z._default(z.string().check(z.regex(/^\d{1,7}$/, "must be a whole number of messages")), "10000"),
        z.transform(Number),
      ),
    }),
  };
})();

/** A configuration read with zod, its issues in the reader's words. */
function readWithZod<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv): T {
  const checked = check(schema, env);
  if (checked.ok) return checked.value;
  throw new Error(
    `Invalid configuration: ${checked.issues.map((d) => `${d.field} ${d.message}`).join("; ")}`,
  );
}

/** The reader's settings, by the same names. */
const environment = {
  tableEnvironment,
  sendEnvironment,
  apiEnvironment,
  eventsEnvironment,
  consoleEnvironment,
  dispatchEnvironment,
} satisfies Record<keyof typeof reference, unknown>;

const ENVIRONMENTS = Object.keys(reference) as (keyof typeof reference)[];

/** What a reader gives: its value, or the message it throws. */
function outcome(read: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** What the stack sets for the function that reads the most (the dispatcher). */
const COMPLETE: Record<string, unknown> = {
  TABLE_NAME: "open-nps-Table-ABC123",
  AWS_REGION: "eu-west-1",
  RETENTION_DAYS: "365",
  PUBLIC_BASE_URL: "https://surveys.example.com",
  SENDER_ADDRESS: "surveys@example.com",
  CONFIGURATION_SET_NAME: "open-nps-ConfigurationSet-XYZ",
  QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/open-nps-SendQueue",
  DISPATCH_QUEUE_BUDGET: "2000",
};

/** COMPLETE with `changes`; a variable set to ABSENT is left out (unlike one set to `undefined`). */
const ABSENT = Symbol("absent");
function completeWith(changes: Record<string, unknown>): Record<string, unknown> {
  const env = { ...COMPLETE, ...changes };
  for (const [name, value] of Object.entries(env)) if (value === ABSENT) delete env[name];
  return env;
}

/** Values that are not text (process.env never holds one; the reading still refuses them as zod does). */
const NOT_TEXT: Record<string, unknown> = {
  "a number": 42,
  null: null,
  "a boolean": true,
};

const EMAIL_LOCAL_PART_OF = (total: number) => "s".repeat(total - "@example.com".length);

const VALUES: Record<string, Record<string, unknown>> = {
  TABLE_NAME: {
    absent: ABSENT,
    undefined: undefined,
    empty: "",
    "2 characters": "ab",
    "3 characters": "abc",
    "255 characters": "t".repeat(255),
    "256 characters": "t".repeat(256),
    "2 emoji (4 UTF-16 units)": "😀😀",
    "200 emoji (400 UTF-16 units)": "😀".repeat(200),
    "256 emoji": "😀".repeat(256),
    "a lone surrogate and 1 letter": "\ud83dx",
    ...NOT_TEXT,
  },
  AWS_REGION: { absent: ABSENT, undefined: undefined, empty: "", "us-east-1": "us-east-1", ...NOT_TEXT },
  DYNAMODB_ENDPOINT: {
    absent: ABSENT,
    undefined: undefined,
    "DynamoDB Local": "http://127.0.0.1:8000",
    "spaces around and a line break inside": "  http://local\nhost:8000/  ",
    "a tab inside": "http://local\thost:8000",
    "not a URL": "localhost:8000 x",
    "a scheme only": "http:",
    empty: "",
    ...NOT_TEXT,
  },
  RETENTION_DAYS: {
    "absent (the default)": ABSENT,
    "undefined (the default)": undefined,
    "0": "0",
    "99999": "99999",
    "123456": "123456",
    empty: "",
    "two years": "two years",
    "-1": "-1",
    "3.5": "3.5",
    "with a space": " 365",
    "1e3": "1e3",
    ...NOT_TEXT,
  },
  PUBLIC_BASE_URL: {
    absent: ABSENT,
    undefined: undefined,
    "an origin": "https://surveys.example.com",
    "with a trailing slash": "https://surveys.example.com/",
    "with a path": "https://example.com/surveys",
    "with a path and a trailing slash": "https://example.com/surveys/",
    "with a query": "https://surveys.example.com?x=1",
    "with a fragment": "https://surveys.example.com#top",
    "local http with a port": "http://localhost:3000",
    "not http": "ftp://surveys.example.com",
    "not a URL": "not a url",
    "spaces around": "  https://surveys.example.com  ",
    "a line break in the host": "https://surveys.exa\nmple.com",
    "a trailing line break": "https://surveys.example.com\n",
    empty: "",
    ...NOT_TEXT,
  },
  SENDER_ADDRESS: {
    absent: ABSENT,
    undefined: undefined,
    "not an address": "surveys at example.com",
    short: "a@b.co",
    "dots and a tag": "first.last+tag@mail.example.org",
    "an apostrophe": "o'brien@example.com",
    "an apostrophe before the @": "obrien'@example.com",
    "an apostrophe before a dot": "o'brien.smith@example.com",
    "a leading dot": ".surveys@example.com",
    "two dots": "sur..veys@example.com",
    "a dot before the @": "surveys.@example.com",
    "a hyphen starting the domain": "surveys@-example.com",
    "a one-letter top-level domain": "surveys@example.c",
    "no top-level domain": "surveys@localhost",
    "a display name": "Surveys <surveys@example.com>",
    "a trailing space": "surveys@example.com ",
    "non-ASCII": "umfrage@bücher.de",
    "an IP domain": "surveys@[127.0.0.1]",
    "100 characters": `${EMAIL_LOCAL_PART_OF(100)}@example.com`,
    "101 characters": `${EMAIL_LOCAL_PART_OF(101)}@example.com`,
    "101 characters and not an address": `${"s".repeat(101)}`,
    "60 emoji and an address": `${"😀".repeat(60)}a@example.com`,
    empty: "",
    ...NOT_TEXT,
  },
  CONFIGURATION_SET_NAME: { absent: ABSENT, undefined: undefined, empty: "", a: "a", ...NOT_TEXT },
  SES_ENDPOINT: {
    absent: ABSENT,
    undefined: undefined,
    "the emulator": "http://127.0.0.1:8005",
    "not a URL": "emulator",
    empty: "",
    ...NOT_TEXT,
  },
  QUEUE_URL: {
    absent: ABSENT,
    undefined: undefined,
    "with spaces around": " https://sqs.eu-west-1.amazonaws.com/1/q ",
    "not a URL": "send-queue",
    ...NOT_TEXT,
  },
  DISPATCH_QUEUE_BUDGET: {
    "absent (the default)": ABSENT,
    "undefined (the default)": undefined,
    "0": "0",
    "1234567": "1234567",
    "12345678": "12345678",
    empty: "",
    lots: "lots",
    "1e3": "1e3",
    ...NOT_TEXT,
  },
};

const CASES: [string, Record<string, unknown>][] = [
  ["what the stack sets", COMPLETE],
  ["nothing at all", {}],
  ["only the table", { TABLE_NAME: "t12" }],
  ["unknown variables besides", { ...COMPLETE, PATH: "/usr/bin", OTHER: "x" }],
  [
    "every optional variable set",
    { ...COMPLETE, DYNAMODB_ENDPOINT: "http://127.0.0.1:8000", SES_ENDPOINT: "http://127.0.0.1:8005" },
  ],
  [
    "everything wrong at once",
    {
      TABLE_NAME: "x",
      AWS_REGION: 1,
      DYNAMODB_ENDPOINT: "not a url",
      RETENTION_DAYS: "-1",
      PUBLIC_BASE_URL: "https://surveys.example.com/",
      SENDER_ADDRESS: "surveys",
      CONFIGURATION_SET_NAME: null,
      SES_ENDPOINT: "",
      DISPATCH_QUEUE_BUDGET: "lots",
    },
  ],
  ...Object.entries(VALUES).flatMap(([name, values]) =>
    Object.entries(values).map(([label, value]): [string, Record<string, unknown>] => [
      `${name}: ${label}`,
      completeWith({ [name]: value }),
    ]),
  ),
];

describe.each(ENVIRONMENTS)("readEnvironment(%s)", (name) => {
  const settings = environment[name];
  const schema = reference[name];

  it("reads the variables zod's schema names, in its order, optional where it is", () => {
    expect(Object.keys(settings)).toEqual(Object.keys(schema.shape));
    const optional = Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.optional]));
    const zodOptional = Object.fromEntries(
      Object.entries(schema.shape).map(([key, s]) => [key, s._zod.optin === "optional"]),
    );
    expect(optional).toEqual(zodOptional);
  });

  it.each(CASES)("reads %s as zod does", (_, env) => {
    const expected = outcome(() => readWithZod(schema, env as NodeJS.ProcessEnv));
    const actual = outcome(() => readEnvironment(settings, env as NodeJS.ProcessEnv));
    expect(actual).toStrictEqual(expected);
    // Same keys in the same order, not only equal values.
    if ("value" in expected && "value" in actual)
      expect(Object.keys(actual.value as object)).toEqual(Object.keys(expected.value as object));
  });
});

describe("readEnvironment", () => {
  it("names every bad variable in one error", () => {
    const env = CASES.find(([name]) => name === "everything wrong at once")?.[1] as NodeJS.ProcessEnv;
    expect(() => readEnvironment(dispatchEnvironment, env)).toThrow(
      new Error(
        "Invalid configuration: TABLE_NAME Too small: expected string to have >=3 characters; " +
          "AWS_REGION Invalid input: expected string, received number; DYNAMODB_ENDPOINT Invalid URL; " +
          "RETENTION_DAYS must be a whole number of days; " +
          "PUBLIC_BASE_URL must be an http(s) URL without a trailing slash; " +
          "SENDER_ADDRESS Invalid email address; " +
          "CONFIGURATION_SET_NAME Invalid input: expected string, received null; SES_ENDPOINT Invalid URL; " +
          "QUEUE_URL is required; DISPATCH_QUEUE_BUDGET must be a whole number of messages",
      ),
    );
  });

  it("reads process.env by default", () => {
    const saved = process.env.TABLE_NAME;
    process.env.TABLE_NAME = "from-process-env";
    try {
      expect(readEnvironment({ TABLE_NAME: tableEnvironment.TABLE_NAME })).toEqual({
        TABLE_NAME: "from-process-env",
      });
    } finally {
      if (saved === undefined) delete process.env.TABLE_NAME;
      else process.env.TABLE_NAME = saved;
    }
  });

  it("checks addresses with zod's own email pattern", () => {
    expect(EMAIL_PATTERN.source).toBe(z.regexes.email.source);
    expect(EMAIL_PATTERN.flags).toBe(z.regexes.email.flags);
  });

  it("gives each configuration zod's type", () => {
    expectTypeOf<Environment<typeof tableEnvironment>>().toEqualTypeOf<
      z.output<typeof reference.tableEnvironment>
    >();
    expectTypeOf<Environment<typeof sendEnvironment>>().toEqualTypeOf<
      z.output<typeof reference.sendEnvironment>
    >();
    expectTypeOf<Environment<typeof dispatchEnvironment>>().toEqualTypeOf<
      z.output<typeof reference.dispatchEnvironment>
    >();
  });
});
