// Lambda entry for the sender: SQS batches of due invitations → SES.
import { systemClock } from "../domain/clock";
import { createSendQueueHandler } from "../events/send-queue";
import { InvitationMailer } from "../mail/invitation-mailer";
import { SesMailSender } from "../mail/ses-mail-sender";
import { readEnvironment, sendEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(sendEnvironment);
const stores = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
  { retentionDays: env.RETENTION_DAYS },
);

export const handler = createSendQueueHandler({
  ...stores,
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
