// Lambda entry for the web console (`/app`): configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { createConsoleApp } from "../http/console-app";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { SignInMailer } from "../mail/sign-in-mailer";
import { consoleEnvironment, readEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";
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
    ...createStores(db, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS }),
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
