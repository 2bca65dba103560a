// Lambda entry for the sender: SQS batches of due invitations → SES.
import { systemClock } from "../domain/clock";
import { createSendQueueHandler } from "../events/send-queue";
import { InvitationMailer } from "../mail/invitation-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { readEnvironment, sendEnvironment } from "../platform/environment";
import { CampaignStore } from "../store/campaign-store";
import { createDocumentClient } from "../store/dynamo-client";
import { InvitationStore } from "../store/invitation-store";
import { ResultsStore } from "../store/results-store";

const env = readEnvironment(sendEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Only the stores the sender's ports name, so its bundle (and cold start) holds no other.
export const handler = createSendQueueHandler({
  campaigns: new CampaignStore(db, env.TABLE_NAME),
  invitations: new InvitationStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
  results: new ResultsStore(db, env.TABLE_NAME),
  publicBaseUrl: env.PUBLIC_BASE_URL,
  mail: new InvitationMailer(
    new SesMailSender({
      fromAddress: env.SENDER_ADDRESS,
      configurationSetName: env.CONFIGURATION_SET_NAME,
      endpoint: env.SES_ENDPOINT,
      region: env.AWS_REGION,
    }),
  ),
  clock: systemClock,
});
