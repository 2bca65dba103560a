/**
 * The stack configuration a client sets at deploy time, read from CDK context and validated here.
 *
 * Pass it on the command line:
 *
 *   npx cdk deploy -c stage=prod -c senderEmail=surveys@acme.com -c alarmEmail=ops@acme.com
 *
 * or keep it with the deployment in the "context" block of cdk.json (or in cdk.context.json), where
 * values may also be JSON numbers. Keys:
 *
 *   stage             name of this deployment: 1–20 lowercase letters, digits or hyphens, starting with a
 *                     letter. It names the stack (`Nps-<stage>`) and tags every resource. Default: "dev".
 *   senderEmail       the From address of survey emails, e.g. surveys@acme.com.
 *   senderDomain      the domain verified in SES, e.g. acme.com. With senderDomain alone, the From address
 *                     is surveys@<senderDomain>; with both, senderEmail must be an address at senderDomain.
 *   alarmEmail        where operational alarms are emailed (the address must confirm the subscription).
 *   logRetentionDays  how long logs are kept; one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90, …,
 *                     3653, or 9999 for never expire). Default: 30.
 *   sendConcurrency   how many send functions may run at once, 2–50. Each sends one email at a time, so
 *                     the send rate is about sendConcurrency ÷ the time one send takes (~0.2 s): keep it
 *                     within the account's SES sending quota. Lambda's minimum for an SQS event source's
 *                     maximum concurrency is 2. Default: 2.
 *
 * Any stage other than "dev" must name the sender (senderEmail or senderDomain) and alarmEmail; a
 * missing or invalid value stops synthesis with a message listing every problem.
 *
 * With no context at all (`npx cdk synth` on a fresh clone) the app synthesizes stage "dev" with the
 * placeholder sender surveys@example.com, a reserved domain that can never receive or send mail, and
 * reports a warning on the stack for it (and for the missing alarm email) so nobody ships it unnoticed.
 *
 * Account and region come from the CLI's CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION; when they are unset
 * the stack is environment-agnostic.
 */
import type { Environment } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import * as z from "../functions/domain/zod";

/** The stage used when none is given; the only stage allowed to run on placeholder values. */
export const DEV_STAGE = "dev";
/** Sender used for a "dev" synth without one; example.com is reserved (RFC 2606), so no mail goes out. */
export const PLACEHOLDER_SENDER_EMAIL = "surveys@example.com";
/** Local part of the From address when only senderDomain is given. */
const DEFAULT_SENDER_LOCAL_PART = "surveys";

export const EXAMPLE_COMMAND =
  "npx cdk deploy -c stage=prod -c senderEmail=surveys@acme.com -c alarmEmail=ops@acme.com";

/** The context keys this app reads. */
export const CONFIG_KEYS = [
  "stage",
  "senderEmail",
  "senderDomain",
  "alarmEmail",
  "logRetentionDays",
  "sendConcurrency",
] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Validated configuration, ready for NpsStack. */
export interface StackConfig {
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
  constructor(readonly problems: readonly string[]) {
    super(
      [
        "The stack configuration (CDK context) is not valid:",
        ...problems.map((problem) => `  - ${problem}`),
        "Set each value with -c <key>=<value>, for example:",
        `  ${EXAMPLE_COMMAND}`,
        'or in the "context" block of cdk.json. The keys are documented at the top of lib/config.ts.',
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

/** A whole number given as a JSON number (cdk.json) or as digits (`-c key=3`). */
const wholeNumber = (message: string) =>
  z.pipe(
    z.union([z.number(), z.string().check(z.regex(/^\d+$/, message))], message),
    z.transform((value: number | string) => Number(value)),
  );

const emailSchema = (example: string) => z.email(`must be an email address such as ${example}`);

const contextSchema = z.object({
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
    z
      .string("must be text")
      .check(
        z.regex(
          /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
          "must be a domain name such as acme.com",
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
});

/**
 * Validates raw context values (as `-c` gives them: strings, or JSON values from cdk.json). Throws a
 * ConfigError naming every missing or invalid key.
 */
export function parseStackConfig(context: Readonly<Partial<Record<ConfigKey, unknown>>>): LoadedConfig {
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
  if (problems.length > 0) throw new ConfigError(problems);

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
      stage,
      senderEmail,
      senderDomain: values.senderDomain,
      alarmEmail: values.alarmEmail,
      logRetention: (values.logRetentionDays ?? RetentionDays.ONE_MONTH) as RetentionDays,
      sendConcurrency: values.sendConcurrency ?? SEND_CONCURRENCY_RANGE.default,
    },
    warnings,
  };
}

/** Reads this app's keys from the CDK context of `scope` (the App) and validates them. */
export function readStackConfig(scope: Construct): LoadedConfig {
  const context: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONFIG_KEYS) context[key] = scope.node.tryGetContext(key);
  return parseStackConfig(context);
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
  for (const key of CONFIG_KEYS) {
    const value = context[key];
    const trimmed = typeof value === "string" ? value.trim() : value;
    if (trimmed !== undefined && trimmed !== null && trimmed !== "") result[key] = trimmed;
  }
  return result;
}

function isAddressAt(email: string, domain: string): boolean {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase() === domain.toLowerCase();
}
