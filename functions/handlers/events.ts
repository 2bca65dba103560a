// Lambda entry for the table's stream: answers, edits, unsubscribes and case changes → cases, alerts, webhooks.
import { systemClock } from "../domain/clock";
import { createTableStreamHandler } from "../events/table-stream";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { eventsEnvironment, readEnvironment } from "../platform/environment";
import { CampaignStore } from "../store/campaign-store";
import { CaseStore } from "../store/case-store";
import { createDocumentClient } from "../store/dynamo-client";
import { changedItemKind } from "../store/keys";
import { ResponseStore } from "../store/response-store";
import { WebhookStore } from "../store/webhook-store";
import { fanOutWebhookEvent } from "../use-cases/fan-out-webhook-event";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";
import { SlackNotifier } from "../webhooks/slack-notifier";

const env = readEnvironment(eventsEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });
const poster = new HttpWebhookPoster();

// Only the stores the stream's ports name, so its bundle (and cold start) holds no other.
const webhookPorts = { webhooks: new WebhookStore(db, env.TABLE_NAME), poster, clock: systemClock };

export const handler = createTableStreamHandler({
  campaigns: new CampaignStore(db, env.TABLE_NAME),
  responses: new ResponseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
  cases: new CaseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
  changedItemKind,
  alerts: new AlertMailer(
    new SesMailSender({
      fromAddress: env.SENDER_ADDRESS,
      configurationSetName: env.CONFIGURATION_SET_NAME,
      endpoint: env.SES_ENDPOINT,
      region: env.AWS_REGION,
    }),
  ),
  slack: new SlackNotifier(poster),
  announce: async (event) => (await fanOutWebhookEvent(webhookPorts, event)).created,
  publicBaseUrl: env.PUBLIC_BASE_URL,
  clock: systemClock,
});
