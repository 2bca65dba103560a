// Lambda entry for SES events: bounces and complaints published to SNS by the configuration set.
import { systemClock } from "../domain/clock";
import { createSesNotificationHandler } from "../events/ses-notifications";
import { readEnvironment, tableEnvironment } from "../platform/environment";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(tableEnvironment);
const { invitations } = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
);

export const handler = createSesNotificationHandler({ invitations, clock: systemClock });
