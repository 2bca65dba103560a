/**
 * The table settings (environment.ts's `tableEnvironment`) read by hand: the same rules, the same
 * result and the same messages as `readEnvironment(tableEnvironment)`, which
 * test/unit/table-environment.test.ts holds it to, without loading zod. The survey function reads its
 * configuration with this: its cold start is what a customer who clicked a score in an email waits for.
 */

export type TableEnvironment = {
  TABLE_NAME: string;
  AWS_REGION?: string | undefined;
  /** Only for the local runtime and tests: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT?: string | undefined;
  /** Days a customer's purchase, invitation and answer are kept (DynamoDB TTL); the stack sets it. */
  RETENTION_DAYS: number;
};

type Issue = { field: string; message: string };

/** The table settings from `env`, or an "Invalid configuration: …" error naming every bad variable. */
export function readTableEnvironment(env: NodeJS.ProcessEnv = process.env): TableEnvironment {
  const issues: Issue[] = [];
  const text = (field: string, optional: boolean): string | undefined => {
    const value: unknown = env[field];
    if (typeof value === "string") return value;
    if (value === undefined) {
      if (!optional) issues.push({ field, message: "is required" });
    } else {
      issues.push({ field, message: `Invalid input: expected string, received ${typeNameOf(value)}` });
    }
    return undefined;
  };

  const tableName = text("TABLE_NAME", false);
  if (tableName !== undefined && tableName.length < 3)
    issues.push({ field: "TABLE_NAME", message: "Too small: expected string to have >=3 characters" });
  if (tableName !== undefined && tableName.length > 255)
    issues.push({ field: "TABLE_NAME", message: "Too big: expected string to have <=255 characters" });

  const region = text("AWS_REGION", true);

  let endpoint = text("DYNAMODB_ENDPOINT", true);
  if (endpoint !== undefined) {
    // As zod's url(): trimmed, parseable by the WHATWG URL parser, tabs and line breaks removed.
    const trimmed = endpoint.trim();
    if (URL.canParse(trimmed)) endpoint = trimmed.replace(/[\t\n\r]/g, "");
    else issues.push({ field: "DYNAMODB_ENDPOINT", message: "Invalid URL" });
  }

  let retentionDays = 730;
  if (env.RETENTION_DAYS !== undefined) {
    const days = text("RETENTION_DAYS", false);
    if (days !== undefined && /^\d{1,5}$/.test(days)) retentionDays = Number(days);
    else if (days !== undefined)
      issues.push({ field: "RETENTION_DAYS", message: "must be a whole number of days" });
  }

  if (issues.length > 0) {
    throw new Error(`Invalid configuration: ${issues.map((d) => `${d.field} ${d.message}`).join("; ")}`);
  }
  // An optional variable that is not there is left out, as zod leaves it out.
  return {
    TABLE_NAME: tableName as string,
    ...("AWS_REGION" in env ? { AWS_REGION: region } : {}),
    ...("DYNAMODB_ENDPOINT" in env ? { DYNAMODB_ENDPOINT: endpoint } : {}),
    RETENTION_DAYS: retentionDays,
  };
}

/** zod's name for a value's type in "expected string, received …". */
const typeNameOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isNaN(value) ? "NaN" : typeof value;
