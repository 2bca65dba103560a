// Lambda entry for the public survey and unsubscribe pages.
import { handle } from "hono/aws-lambda";
import { createSurveyApp } from "../http/survey-app";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { AnswerRecords } from "../store/answer-records";
import { CampaignReader } from "../store/campaign-reader";
import { createDocumentClient } from "../store/dynamo-client";
import { SegmentValues } from "../store/segment-values";
import { SubscriptionRecords } from "../store/subscription-records";
import { SurveyLinkStore } from "../store/survey-link-store";

const env = readEnvironment(tableEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Only the parts of the stores the customer pages use (each a base class of the full store), so the
// bundle (and the cold start) carries nothing else.
export const handler = handle(
  createSurveyApp({
    surveyLinks: new SurveyLinkStore(db, env.TABLE_NAME),
    campaigns: new CampaignReader(db, env.TABLE_NAME),
    responses: new AnswerRecords(db, env.TABLE_NAME, env.RETENTION_DAYS),
    results: new SegmentValues(db, env.TABLE_NAME),
    invitations: new SubscriptionRecords(db, env.TABLE_NAME),
  }),
);
