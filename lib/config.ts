/**
 * The stack configuration a client sets at deploy time (README, "Configuration"): a client file
 * `config/<client>.json` selected with `-c client=<name>`, overridden key by key by CDK context
 * (`-c key=value` or cdk.json). Both go through one zod schema, so a misspelt key is an error, and a
 * stage other than "dev" must name its sender and alarm address. With no context at all the app
 * synthesizes stage "dev" with a placeholder sender (example.com, which never receives or sends mail)
 * and warns, so that a fresh clone synthesizes offline.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Environment } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { MAX_SENDER_ADDRESS_LENGTH } from "../functions/domain/mail-address";
import { RETENTION_DAYS_RANGE } from "../functions/domain/retention";
import * as z from "../functions/domain/zod";

/** The stage used when none is given; the only stage allowed to run on placeholder values. */
export const DEV_STAGE = "dev";
/** Sender used for a "dev" synth without one; example.com is reserved (RFC 2606), so no mail goes out. */
export const PLACEHOLDER_SENDER_EMAIL = "surveys@example.com";
/** Local part of the From address when only senderDomain is given. */
const DEFAULT_SENDER_LOCAL_PART = "surveys";

export const EXAMPLE_COMMAND =
  "npx cdk deploy -c stage=prod -c senderEmail=surveys@acme.com -c alarmEmail=ops@acme.com";

/** Where the client files live: `config/<client>.json` at the repository root. */
export const CLIENT_CONFIG_DIRECTORY = fileURLToPath(new URL("../config/", import.meta.url));

/** The keys a client file may hold (and context may set). */
export const CONFIG_KEYS = [
  "stage",
  "senderEmail",
  "senderDomain",
  "alarmEmail",
  "logRetentionDays",
  "sendConcurrency",
  "retentionDays",
  "customDomain",
  "certificateArn",
  "createDomainIdentity",
] as const;
/** The context keys this app reads: the file keys, plus the client that selects a file. */
export const CONTEXT_KEYS = ["client", ...CONFIG_KEYS] as const;
type ConfigKey = (typeof CONTEXT_KEYS)[number];

/** Validated configuration, ready for NpsStack. */
export interface StackConfig {
  /** The client this deployment is for, when one was selected (`-c client=<name>`). */
  readonly client?: string;
  readonly stage: string;
  /** From address of survey emails. */
  readonly senderEmail: string;
  /** SES domain identity, when the client verified a whole domain. */
  readonly senderDomain?: string;
  /** Where alarms are emailed; absent only for "dev". */
  readonly alarmEmail?: string;
  readonly logRetention: RetentionDays;
  /** Maximum concurrent send functions (what keeps sending within the SES rate quota). */
  readonly sendConcurrency: number;
  /** Days customer records are kept before TTL deletes them (RETENTION_DAYS in the functions). */
  readonly retentionDays: number;
  /** Domain name survey links and the API are served on (with certificateArn). */
  readonly customDomain?: string;
  /** ACM certificate for customDomain, in the stack's region (with customDomain). */
  readonly certificateArn?: string;
  /** Create the SES identity for senderDomain, with Easy DKIM, in this stack. */
  readonly createDomainIdentity: boolean;
}

/** Something that lets synthesis go on but must be fixed before a real deployment. */
export interface ConfigWarning {
  /** Stable id, for `Annotations.addWarningV2` (and for acknowledging the warning). */
  readonly id: string;
  readonly message: string;
}

export interface LoadedConfig {
  readonly config: StackConfig;
  readonly warnings: readonly ConfigWarning[];
}

/** Thrown when the configuration is missing or invalid; the message is meant for a person. */
export class ConfigError extends Error {
  /**
   * @param problems one line per missing or invalid value
   * @param source where the values came from, when a client file was read (e.g. "config/acme.json")
   */
  constructor(
    readonly problems: readonly string[],
    readonly source?: string,
  ) {
    super(
      [
        source
          ? `The stack configuration (${source}, overridden by CDK context) is not valid:`
          : "The stack configuration (CDK context) is not valid:",
        ...problems.map((problem) => `  - ${problem}`),
        "Set each value with -c <key>=<value>, for example:",
        `  ${EXAMPLE_COMMAND}`,
        'or in the "context" block of cdk.json, or in a client file config/<client>.json selected with',
        "-c client=<client> (see config/example.json). The keys are documented at the top of lib/config.ts.",
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

const RETENTION_VALUES: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === "number",
);

/** Bounds of sendConcurrency: Lambda's minimum for an SQS event source; a ceiling against typos. */
export const SEND_CONCURRENCY_RANGE = { min: 2, max: 50, default: 2 } as const;

// Bounds of retentionDays: defined with the retention rules, also read by `npm run reconcile`.
export { RETENTION_DAYS_RANGE };

/** A client name: it becomes part of the stack name and of a file name, so nothing else is allowed. */
const CLIENT_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;

/** A domain name such as acme.com or surveys.acme.com. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An ACM certificate ARN: `arn:<partition>:acm:<region>:<account>:certificate/<id>`. */
export const CERTIFICATE_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/[0-9a-f-]{36}$/;

/** The region of an ACM certificate ARN (undefined if it is not one). */
export function certificateRegionOf(certificateArn: string): string | undefined {
  return CERTIFICATE_ARN_PATTERN.exec(certificateArn)?.[1];
}

/** A whole number given as a JSON number (cdk.json) or as digits (`-c key=3`). */
const wholeNumber = (message: string) =>
  z.pipe(
    z.union([z.number(), z.string().check(z.regex(/^\d+$/, message))], message),
    z.transform((value: number | string) => Number(value)),
  );

const emailSchema = (example: string) => z.email(`must be an email address such as ${example}`);

const contextSchema = z.object({
  client: z.optional(
    z
      .string("must be text")
      .check(
        z.regex(CLIENT_PATTERN, "must be 1–30 lowercase letters, digits or hyphens, starting with a letter"),
      ),
  ),
  stage: z.optional(
    z
      .string("must be text")
      .check(
        z.regex(
          /^[a-z][a-z0-9-]{0,19}$/,
          "must be 1–20 lowercase letters, digits or hyphens, starting with a letter",
        ),
      ),
  ),
  senderEmail: z.optional(emailSchema("surveys@acme.com")),
  senderDomain: z.optional(
    z.string("must be text").check(z.regex(DOMAIN_PATTERN, "must be a domain name such as acme.com")),
  ),
  createDomainIdentity: z.optional(
    z.pipe(
      z.union([z.boolean(), z.enum(["true", "false"])], "must be true or false"),
      z.transform((value: boolean | "true" | "false") => value === true || value === "true"),
    ),
  ),
  customDomain: z.optional(
    z.string("must be text").check(z.regex(DOMAIN_PATTERN, "must be a domain name such as surveys.acme.com")),
  ),
  certificateArn: z.optional(
    z
      .string("must be text")
      .check(
        z.regex(
          CERTIFICATE_ARN_PATTERN,
          "must be an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/<id>",
        ),
      ),
  ),
  alarmEmail: z.optional(emailSchema("ops@acme.com")),
  logRetentionDays: z.optional(
    z.pipe(
      z.union(
        [z.number(), z.string().check(z.regex(/^\d+$/, "must be a whole number of days"))],
        "must be a whole number of days",
      ),
      z.pipe(
        z.transform((value: number | string) => Number(value)),
        z
          .number()
          .check(
            z.refine(
              (days) => RETENTION_VALUES.includes(days),
              `must be one of ${RETENTION_VALUES.join(", ")}`,
            ),
          ),
      ),
    ),
  ),
  sendConcurrency: z.optional(
    z.pipe(
      wholeNumber("must be a whole number"),
      z
        .number()
        .check(
          z.refine(
            (n) => Number.isInteger(n) && n >= SEND_CONCURRENCY_RANGE.min && n <= SEND_CONCURRENCY_RANGE.max,
            `must be a whole number from ${SEND_CONCURRENCY_RANGE.min} to ${SEND_CONCURRENCY_RANGE.max}`,
          ),
        ),
    ),
  ),
  retentionDays: z.optional(
    z.pipe(
      wholeNumber("must be a whole number of days"),
      z
        .number()
        .check(
          z.refine(
            (n) => Number.isInteger(n) && n >= RETENTION_DAYS_RANGE.min && n <= RETENTION_DAYS_RANGE.max,
            `must be a whole number of days from ${RETENTION_DAYS_RANGE.min} to ${RETENTION_DAYS_RANGE.max}`,
          ),
        ),
    ),
  ),
});

/**
 * Validates raw context values (as `-c` gives them: strings, or JSON values from cdk.json). Throws a
 * ConfigError naming every missing or invalid key.
 */
export function parseStackConfig(
  context: Readonly<Partial<Record<ConfigKey, unknown>>>,
  source?: string,
  region?: string,
): LoadedConfig {
  const raw = normalize(context);
  const problems: string[] = [];

  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "(context)");
      problems.push(`${key}: ${issue.message} (got ${JSON.stringify(raw[key as ConfigKey])})`);
    }
  }
  const values = parsed.success ? parsed.data : {};

  const stage = typeof raw.stage === "string" ? raw.stage : DEV_STAGE;
  const isDev = stage === DEV_STAGE;
  if (!isDev && raw.senderEmail === undefined && raw.senderDomain === undefined) {
    problems.push(
      `senderEmail or senderDomain: required for stage "${stage}" (the address survey emails come from)`,
    );
  }
  if (!isDev && raw.alarmEmail === undefined) {
    problems.push(`alarmEmail: required for stage "${stage}" (where alarms are sent)`);
  }
  if (values.senderEmail && values.senderDomain && !isAddressAt(values.senderEmail, values.senderDomain)) {
    problems.push(
      `senderEmail: must be an address at senderDomain "${values.senderDomain}" (got "${values.senderEmail}")`,
    );
  }
  // Campaign sender names are checked to fit SES's From line next to an address up to this long.
  const sender =
    values.senderEmail ??
    (values.senderDomain ? `${DEFAULT_SENDER_LOCAL_PART}@${values.senderDomain}` : undefined);
  if (sender && sender.length > MAX_SENDER_ADDRESS_LENGTH) {
    problems.push(
      `${values.senderEmail ? "senderEmail" : "senderDomain"}: the sender address must be at most ` +
        `${MAX_SENDER_ADDRESS_LENGTH} characters (SES takes a From line of at most 320 with the sender ` +
        `name), got ${sender.length}`,
    );
  }
  if (values.createDomainIdentity && !values.senderDomain) {
    problems.push(
      "createDomainIdentity: needs senderDomain (the domain whose SES identity and DKIM keys to create)",
    );
  }
  if ((raw.customDomain === undefined) !== (raw.certificateArn === undefined)) {
    problems.push(
      raw.customDomain === undefined
        ? "customDomain: required with certificateArn (set both, for a custom domain, or neither)"
        : "certificateArn: required with customDomain, an ACM certificate for it in the stack's region " +
            "(set both, for a custom domain, or neither)",
    );
  }
  const certificateRegion = values.certificateArn ? certificateRegionOf(values.certificateArn) : undefined;
  if (region && certificateRegion && certificateRegion !== region) {
    problems.push(
      `certificateArn: must be a certificate in the stack's region ${region}, where API Gateway's ` +
        `regional custom domain is (got one in ${certificateRegion})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems, source);

  const warnings: ConfigWarning[] = [];
  let senderEmail = values.senderEmail;
  if (!senderEmail && values.senderDomain)
    senderEmail = `${DEFAULT_SENDER_LOCAL_PART}@${values.senderDomain}`;
  if (!senderEmail) {
    senderEmail = PLACEHOLDER_SENDER_EMAIL;
    warnings.push({
      id: "open-nps:placeholder-sender",
      message:
        `No sender configured: using the placeholder ${PLACEHOLDER_SENDER_EMAIL}, which cannot send mail. ` +
        "Set -c senderEmail=<address> or -c senderDomain=<domain> before a real deployment.",
    });
  }
  if (!values.alarmEmail) {
    warnings.push({
      id: "open-nps:no-alarm-email",
      message: "No alarmEmail configured: alarms will notify nobody. Set -c alarmEmail=<address>.",
    });
  }

  return {
    config: {
      client: values.client,
      stage,
      senderEmail,
      senderDomain: values.senderDomain,
      alarmEmail: values.alarmEmail,
      logRetention: (values.logRetentionDays ?? RetentionDays.ONE_MONTH) as RetentionDays,
      sendConcurrency: values.sendConcurrency ?? SEND_CONCURRENCY_RANGE.default,
      retentionDays: values.retentionDays ?? RETENTION_DAYS_RANGE.default,
      customDomain: values.customDomain?.toLowerCase(),
      certificateArn: values.certificateArn,
      createDomainIdentity: values.createDomainIdentity ?? false,
    },
    warnings,
  };
}

/**
 * Reads this app's keys from the CDK context of `scope` (the App) and, when the context names a client,
 * that client's file in `directory`; context values override the file's. Validates the result; with
 * `region` (the stack's, when known), also that certificateArn is in it.
 */
export function readStackConfig(
  scope: Construct,
  directory: string = CLIENT_CONFIG_DIRECTORY,
  region?: string,
): LoadedConfig {
  const context: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONTEXT_KEYS) context[key] = scope.node.tryGetContext(key);
  const { client } = normalize(context);
  if (client === undefined) return parseStackConfig(context, undefined, region);

  const file = readClientFile(client, directory);
  return parseStackConfig({ ...file.values, ...normalize(context) }, file.source, region);
}

/**
 * The values of `config/<client>.json`: a JSON object with only CONFIG_KEYS. Throws a ConfigError when
 * the name is invalid, the file is missing or is not such an object (the values themselves are
 * validated later, with the context's).
 */
export function readClientFile(
  client: unknown,
  directory: string = CLIENT_CONFIG_DIRECTORY,
): { readonly values: Partial<Record<ConfigKey, unknown>>; readonly source: string } {
  if (typeof client !== "string" || !CLIENT_PATTERN.test(client)) {
    throw new ConfigError([
      `client: must be 1–30 lowercase letters, digits or hyphens, starting with a letter (got ${JSON.stringify(client)})`,
    ]);
  }
  const source = `config/${client}.json`;
  const path = join(directory, `${client}.json`);
  if (!existsSync(path)) {
    const known = existsSync(directory)
      ? readdirSync(directory)
          .filter((name) => name.endsWith(".json"))
          .map((name) => name.slice(0, -".json".length))
      : [];
    throw new ConfigError([
      `client: no file ${source} for client "${client}"` +
        (known.length > 0 ? ` (clients with a file: ${known.join(", ")})` : "") +
        "; copy config/example.json to start one",
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError([`${source}: not valid JSON (${(error as Error).message})`], source);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`${source}: must be a JSON object of settings`], source);
  }
  const unknownKeys = Object.keys(parsed).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
  if (unknownKeys.length > 0) {
    throw new ConfigError(
      unknownKeys.map((key) =>
        key === "client"
          ? `${key}: not allowed in the file (the file's name is the client)`
          : `${key}: not a setting (the settings are ${CONFIG_KEYS.join(", ")})`,
      ),
      source,
    );
  }
  return { values: { ...(parsed as Record<string, unknown>), client }, source };
}

/** The stack's id (and CloudFormation name): `Nps-<client>-<stage>`, or `Nps-<stage>` without a client. */
export function stackIdOf(config: Pick<StackConfig, "client" | "stage">): string {
  return config.client ? `Nps-${config.client}-${config.stage}` : `Nps-${config.stage}`;
}

/** The target account and region as the CDK CLI sets them; both undefined means environment-agnostic. */
export function deployEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION };
}

/** Treats absent, null and blank values alike (a `-c key=` on the command line gives ""). */
function normalize(
  context: Readonly<Partial<Record<ConfigKey, unknown>>>,
): Partial<Record<ConfigKey, unknown>> {
  const result: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONTEXT_KEYS) {
    const value = context[key];
    const trimmed = typeof value === "string" ? value.trim() : value;
    if (trimmed !== undefined && trimmed !== null && trimmed !== "") result[key] = trimmed;
  }
  return result;
}

function isAddressAt(email: string, domain: string): boolean {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase() === domain.toLowerCase();
}
