// Lambda entry for SES events: bounces and complaints published to SNS by the configuration set.
import { systemClock } from "../domain/clock";
import { createSesNotificationHandler } from "../events/ses-notifications";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { InvitationStore } from "../store/invitation-store";

const env = readEnvironment(tableEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Each entry builds only the stores its ports name, so its bundle (and cold start) holds no other.
export const handler = createSesNotificationHandler({
  invitations: new InvitationStore(db, env.TABLE_NAME, env.RETENTION_DAYS),
  clock: systemClock,
});
