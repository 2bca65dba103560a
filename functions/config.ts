import { z } from "./domain/zod";
import { parseWith } from "./http/validation";

/**
 * Lambda configuration, read once at cold start. A missing or malformed variable fails the cold start
 * loudly instead of failing the first request that needs it.
 */
const environmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(3), z.maxLength(255)),
  AWS_REGION: z.optional(z.string()),
  /** Only for the local runtime and tests: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
});
export type Environment = z.infer<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  try {
    return parseWith(environmentSchema, env, "Lambda environment");
  } catch (error) {
    throw new Error(`Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}
