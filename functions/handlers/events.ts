// Lambda entry for the table's stream: answers, edits, unsubscribes and case changes → cases, alerts, webhooks.
import { systemClock } from "../domain/clock";
import { createTableStreamHandler } from "../events/table-stream";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { eventsEnvironment, readEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { changedItemKind } from "../store/keys";
import { createStores } from "../store/stores";
import { fanOutWebhookEvent } from "../use-cases/fan-out-webhook-event";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";
import { SlackNotifier } from "../webhooks/slack-notifier";

const env = readEnvironment(eventsEnvironment);
const stores = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
  { retentionDays: env.RETENTION_DAYS },
);
const poster = new HttpWebhookPoster();

const webhookPorts = { ...stores, poster, clock: systemClock };

export const handler = createTableStreamHandler({
  ...stores,
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
