// Lambda entry for the dispatcher: run every minute by EventBridge, queues the due invitations, retries
// due webhook deliveries and, once a day, sends the case owners' digests.
import { systemClock } from "../domain/clock";
import { createDispatchHandler } from "../events/dispatch-schedule";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { dispatchEnvironment, readEnvironment } from "../platform/environment";
import { SqsWorkQueue } from "../queue/sqs-work-queue";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";
import { DEFAULT_DISPATCH } from "../use-cases/dispatch-due-invitations";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";

const env = readEnvironment(dispatchEnvironment);
const { invitations, webhooks, campaigns, cases, results } = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
);

export const handler = createDispatchHandler(
  {
    invitations,
    queue: SqsWorkQueue.fromUrl(env.QUEUE_URL, env.AWS_REGION),
    clock: systemClock,
    // Webhook retries: https only, to public addresses only (the secure defaults).
    webhookDeliveries: { webhooks, poster: new HttpWebhookPoster(), clock: systemClock },
    caseDigests: {
      campaigns,
      cases,
      results,
      caseMail: new AlertMailer(
        new SesMailSender({
          fromAddress: env.SENDER_ADDRESS,
          configurationSetName: env.CONFIGURATION_SET_NAME,
          endpoint: env.SES_ENDPOINT,
          region: env.AWS_REGION,
        }),
      ),
      publicBaseUrl: env.PUBLIC_BASE_URL,
      clock: systemClock,
    },
  },
  { ...DEFAULT_DISPATCH, queueBudget: env.DISPATCH_QUEUE_BUDGET },
);
