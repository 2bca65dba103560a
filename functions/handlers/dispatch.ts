// Lambda entry for the dispatcher: run every minute by EventBridge, queues the due invitations, retries
// due webhook deliveries and, once a day, sends the case owners' digests.
import { systemClock } from "../domain/clock";
import { createDispatchHandler } from "../events/dispatch-schedule";
import { AlertMailer } from "../mail/alert-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { dispatchEnvironment, readEnvironment } from "../platform/environment";
import { SqsWorkQueue } from "../queue/sqs-work-queue";
import { CampaignStore } from "../store/campaign-store";
import { CaseStore } from "../store/case-store";
import { createDocumentClient } from "../store/dynamo-client";
import { InvitationStore } from "../store/invitation-store";
import { ResultsStore } from "../store/results-store";
import { WebhookStore } from "../store/webhook-store";
import { DEFAULT_DISPATCH } from "../use-cases/dispatch-due-invitations";
import { HttpWebhookPoster } from "../webhooks/http-webhook-poster";

const env = readEnvironment(dispatchEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Only the stores the dispatcher's ports name, so its bundle (and cold start) holds no other.
export const handler = createDispatchHandler(
  {
    invitations: new InvitationStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
    queue: SqsWorkQueue.fromUrl(env.QUEUE_URL, env.AWS_REGION),
    clock: systemClock,
    // Webhook retries: https only, to public addresses only (the secure defaults).
    webhookDeliveries: {
      webhooks: new WebhookStore(db, env.TABLE_NAME),
      poster: new HttpWebhookPoster(),
      clock: systemClock,
    },
    caseDigests: {
      campaigns: new CampaignStore(db, env.TABLE_NAME),
      cases: new CaseStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
      results: new ResultsStore(db, env.TABLE_NAME),
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
