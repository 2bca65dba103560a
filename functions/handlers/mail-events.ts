// Lambda entry for SES events: bounces and complaints published to SNS by the configuration set.
import { readEnvironment, tableEnvironment } from "../config";
import { createMailEventsHandler } from "../delivery/record-mail-events";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(tableEnvironment);
const { invitations } = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
);

export const handler = createMailEventsHandler({ invitations });
