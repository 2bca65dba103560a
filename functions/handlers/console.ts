// Lambda entry for the web console (`/app`): configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { createConsoleApp } from "../http/console-app";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { SignInMailer } from "../mail/sign-in-mailer";
import { consoleEnvironment, readEnvironment } from "../platform/environment";
import { ApiKeyStore } from "../store/api-key-store";
import { CampaignStore } from "../store/campaign-store";
import { CaseStore } from "../store/case-store";
import { ConsoleSessionStore } from "../store/console-session-store";
import { createDocumentClient } from "../store/dynamo-client";
import { ResponseStore } from "../store/response-store";
import { ResultsStore } from "../store/results-store";
import { UserStore } from "../store/user-store";
import { WebhookStore } from "../store/webhook-store";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";

const env = readEnvironment(consoleEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

const ses = new SesMailSender({
  fromAddress: env.SENDER_ADDRESS,
  configurationSetName: env.CONFIGURATION_SET_NAME,
  endpoint: env.SES_ENDPOINT,
  region: env.AWS_REGION,
  // Someone waits at the form: a throttled send is given up sooner than a queued one.
  maxAttempts: 3,
});

export const handler = handle(
  createConsoleApp({
    // Only the stores the console's pages use: the bundle (and the cold start) carries no other.
    campaigns: new CampaignStore(db, env.TABLE_NAME),
    cases: new CaseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
    apiKeys: new ApiKeyStore(db, env.TABLE_NAME),
    responses: new ResponseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
    results: new ResultsStore(db, env.TABLE_NAME),
    webhooks: new WebhookStore(db, env.TABLE_NAME),
    users: new UserStore(db, env.TABLE_NAME),
    consoleSessions: new ConsoleSessionStore(db, env.TABLE_NAME),
    signInMail: new SignInMailer(ses),
    // Replies from a case page go out as the API's do: from the campaign's sender, Reply-To the owner.
    caseMail: new AlertMailer(ses),
    // Test events and manual retries: https only, to public addresses only (the secure defaults).
    webhookPoster: new HttpWebhookPoster(),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    // Lambda behind API Gateway answers with one body of at most 6 MB: no download streams past it.
    onePartDownloads: true,
  }),
);
