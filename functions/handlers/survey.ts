// Lambda entry for the public survey and unsubscribe pages.
import { handle } from "hono/aws-lambda";
import { createSurveyApp } from "../http/survey-app";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { CampaignStore } from "../store/campaign-store";
import { createDocumentClient } from "../store/dynamo-client";
import { InvitationStore } from "../store/invitation-store";
import { ResponseStore } from "../store/response-store";
import { ResultsStore } from "../store/results-store";
import { SurveyLinkStore } from "../store/survey-link-store";

const env = readEnvironment(tableEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Only the stores the customer pages use, so the bundle (and the cold start) carries no other.
export const handler = handle(
  createSurveyApp({
    surveyLinks: new SurveyLinkStore(db, env.TABLE_NAME),
    campaigns: new CampaignStore(db, env.TABLE_NAME),
    responses: new ResponseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
    results: new ResultsStore(db, env.TABLE_NAME),
    invitations: new InvitationStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
  }),
);
