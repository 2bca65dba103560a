// Lambda entry for the public survey and unsubscribe pages.
import { handle } from "hono/aws-lambda";
import { createSurveyApp } from "../http/survey-app";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(tableEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

export const handler = handle(
  createSurveyApp(createStores(db, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS })),
);
