import { MAX_SENDER_ADDRESS_LENGTH } from "../domain/mail-address";

/**
 * Lambda configuration, read once at cold start. A missing or malformed variable fails the cold start
 * loudly instead of failing the first request that needs it. Each function reads only what it uses.
 *
 * Read by hand, without zod, so that no function's bundle carries a schema library for this: the cold
 * start is what a customer who clicked a score in an email waits for. Each rule, result and message is
 * zod's (`z.string()`, `z.url()`, `z.email()`, optional and defaulted variables), as the rest of the
 * project reads input: test/unit/environment.test.ts holds them to the same rules written in zod.
 */

/** Reads one variable's value, pushing a message onto `faults` for each rule it breaks. */
type Read<T> = (value: unknown, faults: string[]) => T;

/** How one variable is read. */
export type Setting<T> = {
  /** An absent optional variable is left out of the configuration, as zod leaves it out. */
  readonly optional: boolean;
  readonly read: Read<T>;
};

type Settings = Record<string, Setting<unknown>>;

/** The configuration `S` describes: an optional setting's key is there only when its variable is. */
export type Environment<S extends Settings> = Simplify<
  { -readonly [K in keyof S as S[K]["optional"] extends true ? never : K]: ReturnType<S[K]["read"]> } & {
    -readonly [K in keyof S as S[K]["optional"] extends true ? K : never]?: ReturnType<S[K]["read"]>;
  }
>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A variable always in the configuration: refused when absent, unless its reader has a default. */
const setting = <T>(read: Read<T>): Setting<T> & { readonly optional: false } => ({ optional: false, read });

/** A variable that may be absent: then left out of the configuration, as zod leaves it out. */
const optional = <T>(read: Read<T>): Setting<T | undefined> & { readonly optional: true } => ({
  optional: true,
  read: (value, faults) => (value === undefined ? undefined : read(value, faults)),
});

/** A check on text that may also rewrite it, as zod's `url()` does; later checks see the rewrite. */
type Format = (value: string, faults: string[]) => string;

type TextRules = { formats?: Format[]; min?: number; max?: number };

/** Text, checked by each of `formats` in turn, then of `min` to `max` characters (code points, as zod counts). */
function text({ formats = [], min, max }: TextRules = {}): Read<string> {
  return (value, faults) => {
    if (typeof value !== "string") {
      // process.env holds only text; anything else (or nothing) is refused as zod refuses it.
      faults.push(
        value === undefined ? "is required" : `Invalid input: expected string, received ${typeNameOf(value)}`,
      );
      return value as string;
    }
    let result = value;
    for (const format of formats) result = format(result, faults);
    const length = [...value].length;
    if (min !== undefined && length < min)
      faults.push(`Too small: expected string to have >=${min} characters`);
    if (max !== undefined && length > max)
      faults.push(`Too big: expected string to have <=${max} characters`);
    return result;
  };
}

/** As zod's `url()`: trimmed, parseable by the WHATWG URL parser, tabs and line breaks removed. */
const url: Format = (value, faults) => {
  const trimmed = value.trim();
  if (URL.canParse(trimmed)) return trimmed.replace(/[\t\n\r]/g, "");
  faults.push("Invalid URL");
  return value;
};

/** A pattern the text must match, as zod's `regex()` check with its own message. */
const matching =
  (pattern: RegExp, message: string): Format =>
  (value, faults) => {
    if (!pattern.test(value)) faults.push(message);
    return value;
  };

/**
 * zod's `z.email()` pattern (zod 4's `regexes.email`, its default), copied so the bundles need no zod;
 * test/unit/environment.test.ts checks it against the installed zod's.
 */
export const EMAIL_PATTERN =
  // biome-ignore lint/complexity/noUselessEscapeInRegex: zod's text verbatim, so the two compare equal
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** A whole number written as `pattern` allows, or `fallback` when the variable is absent. */
function wholeNumber(pattern: RegExp, message: string, fallback: number): Read<number> {
  const digits = text({ formats: [matching(pattern, message)] });
  return (value, faults) => {
    if (value === undefined) return fallback;
    const written = digits(value, faults);
    // Number() of a value that is not text may throw; such a value is refused anyway.
    return typeof written === "string" ? Number(written) : Number.NaN;
  };
}

const tableSettings = {
  TABLE_NAME: setting(text({ min: 3, max: 255 })),
  AWS_REGION: optional(text()),
  /** Only for the local runtime and tests: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT: optional(text({ formats: [url] })),
  /** Days a customer's purchase, invitation and answer are kept (DynamoDB TTL); the stack sets it. */
  RETENTION_DAYS: setting(wholeNumber(/^\d{1,5}$/, "must be a whole number of days", 730)),
};

export const tableEnvironment = tableSettings;

/** What a function that sends survey emails needs besides the table. */
const mailSettings = {
  /** Origin of the survey links in emails (the API URL or the client's custom domain), no trailing slash. */
  PUBLIC_BASE_URL: setting(
    text({
      formats: [
        url,
        matching(/^https?:\/\/[^/]+(\/[^?#]*[^/?#])?$/, "must be an http(s) URL without a trailing slash"),
      ],
    }),
  ),
  /** The verified SES identity mail is sent from; campaign sender names are checked to fit beside it. */
  SENDER_ADDRESS: setting(
    text({ formats: [matching(EMAIL_PATTERN, "Invalid email address")], max: MAX_SENDER_ADDRESS_LENGTH }),
  ),
  CONFIGURATION_SET_NAME: optional(text()),
  /** Only for the local runtime and tests: the SES emulator's address. */
  SES_ENDPOINT: optional(text({ formats: [url] })),
};

export const sendEnvironment = { ...tableSettings, ...mailSettings };

/** The marketer API: the table, and the mail settings for email previews and test sends. */
export const apiEnvironment = { ...tableSettings, ...mailSettings };

/**
 * The events function (the table's stream): the table, and the mail settings for alert emails, whose
 * links to a case use PUBLIC_BASE_URL.
 */
export const eventsEnvironment = { ...tableSettings, ...mailSettings };

/**
 * The console (`/app`): the table, and the mail settings for sign-in links, whose origin is
 * PUBLIC_BASE_URL (never the request's Host header, which a caller could set).
 */
export const consoleEnvironment = { ...tableSettings, ...mailSettings };

export const dispatchEnvironment = {
  ...tableSettings,
  // The owners' daily case digests go out through SES, with links to the console.
  ...mailSettings,
  QUEUE_URL: setting(text({ formats: [url] })),
  /**
   * The most messages the send queue should hold: what the senders send well within a claim's lease
   * (the stack sets it from sendConcurrency). The dispatcher claims no more than that leaves room for.
   */
  DISPATCH_QUEUE_BUDGET: setting(wholeNumber(/^\d{1,7}$/, "must be a whole number of messages", 10000)),
};

/**
 * The configuration `settings` describe, read from `env`, or an "Invalid configuration: …" error that
 * names every bad variable.
 */
export function readEnvironment<S extends Settings>(
  settings: S,
  env: NodeJS.ProcessEnv = process.env,
): Environment<S> {
  const configuration: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [name, { optional, read }] of Object.entries(settings)) {
    if (optional && !(name in env)) continue;
    const faults: string[] = [];
    configuration[name] = read(env[name], faults);
    for (const fault of faults) issues.push(`${name} ${fault}`);
  }
  if (issues.length > 0) throw new Error(`Invalid configuration: ${issues.join("; ")}`);
  return configuration as Environment<S>;
}

/** zod's name for a value's type in "expected string, received …". */
const typeNameOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isNaN(value) ? "NaN" : typeof value;
