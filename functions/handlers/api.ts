// Lambda entry for the marketer API: configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { createApiApp } from "../http/api-app";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(tableEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

export const handler = handle(
  createApiApp(createStores(db, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS })),
);
