import { MAX_SENDER_ADDRESS_LENGTH } from "../domain/mail-address";
import { check } from "../domain/validation";
import * as z from "../domain/zod";

/**
 * Lambda configuration, read once at cold start. A missing or malformed variable fails the cold start
 * loudly instead of failing the first request that needs it. Each function reads only what it uses.
 */
const tableSettings = {
  TABLE_NAME: z.string().check(z.minLength(3), z.maxLength(255)),
  AWS_REGION: z.optional(z.string()),
  /** Only for the local runtime and tests: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** Days a customer's purchase, invitation and answer are kept (DynamoDB TTL); the stack sets it. */
  RETENTION_DAYS: z.pipe(
    z._default(z.string().check(z.regex(/^\d{1,5}$/, "must be a whole number of days")), "730"),
    z.transform(Number),
  ),
};

export const tableEnvironment = z.object(tableSettings);

/** What a function that sends survey emails needs besides the table. */
const mailSettings = {
  /** Origin of the survey links in emails (the API URL or the client's custom domain), no trailing slash. */
  PUBLIC_BASE_URL: z
    .url()
    .check(z.regex(/^https?:\/\/[^/]+(\/[^?#]*[^/?#])?$/, "must be an http(s) URL without a trailing slash")),
  /** The verified SES identity mail is sent from; campaign sender names are checked to fit beside it. */
  SENDER_ADDRESS: z.email().check(z.maxLength(MAX_SENDER_ADDRESS_LENGTH)),
  CONFIGURATION_SET_NAME: z.optional(z.string()),
  /** Only for the local runtime and tests: the SES emulator's address. */
  SES_ENDPOINT: z.optional(z.url()),
};

export const sendEnvironment = z.object({ ...tableSettings, ...mailSettings });

/** The marketer API: the table, and the mail settings for email previews and test sends. */
export const apiEnvironment = z.object({ ...tableSettings, ...mailSettings });

/**
 * The events function (the table's stream): the table, and the mail settings for alert emails, whose
 * links to a case use PUBLIC_BASE_URL.
 */
export const eventsEnvironment = z.object({ ...tableSettings, ...mailSettings });

/**
 * The console (`/app`): the table, and the mail settings for sign-in links, whose origin is
 * PUBLIC_BASE_URL (never the request's Host header, which a caller could set).
 */
export const consoleEnvironment = z.object({ ...tableSettings, ...mailSettings });

export const dispatchEnvironment = z.object({
  ...tableSettings,
  // The owners' daily case digests go out through SES, with links to the console.
  ...mailSettings,
  QUEUE_URL: z.url(),
  /**
   * The most messages the send queue should hold: what the senders send well within a claim's lease
   * (the stack sets it from sendConcurrency). The dispatcher claims no more than that leaves room for.
   */
  DISPATCH_QUEUE_BUDGET: z.pipe(
    z._default(z.string().check(z.regex(/^\d{1,7}$/, "must be a whole number of messages")), "10000"),
    z.transform(Number),
  ),
});

export function readEnvironment<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const checked = check(schema, env);
  if (checked.ok) return checked.value;
  throw new Error(
    `Invalid configuration: ${checked.issues.map((d) => `${d.field} ${d.message}`).join("; ")}`,
  );
}
