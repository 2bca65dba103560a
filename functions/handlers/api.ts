// Lambda entry for the marketer API: configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { createApiApp } from "../http/api-app";
import { AlertMailer } from "../mail/alert-mailer";
import { InvitationMailer } from "../mail/invitation-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { apiEnvironment, readEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";

const env = readEnvironment(apiEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

const ses = new SesMailSender({
  fromAddress: env.SENDER_ADDRESS,
  configurationSetName: env.CONFIGURATION_SET_NAME,
  endpoint: env.SES_ENDPOINT,
  region: env.AWS_REGION,
  // An API caller waits for the answer: a throttled test send is refused sooner than a queued one.
  maxAttempts: 3,
});

export const handler = handle(
  createApiApp({
    ...createStores(db, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS }),
    // Email previews render, and test emails leave, exactly as the sender's survey emails do.
    mail: new InvitationMailer(ses),
    // Replies from a case go out through the same sender.
    caseMail: new AlertMailer(ses),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    // Test events and manual retries: https only, to public addresses only (the secure defaults).
    webhookPoster: new HttpWebhookPoster(),
  }),
);
