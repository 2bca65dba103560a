// Lambda entry for the marketer API: configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { readEnvironment } from "../config";
import { createApiApp } from "../http/api-app";
import { ApiKeyStore } from "../store/api-key-store";
import { CampaignStore } from "../store/campaign-store";
import { createDocumentClient } from "../store/dynamo-client";

const env = readEnvironment();
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

export const handler = handle(
  createApiApp({
    campaigns: new CampaignStore(db, env.TABLE_NAME),
    apiKeys: new ApiKeyStore(db, env.TABLE_NAME),
  }),
);
