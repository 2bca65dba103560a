// Lambda entry for the dispatcher: run every minute by EventBridge, queues the due invitations.
import { dispatchEnvironment, readEnvironment } from "../config";
import { dispatchDueInvitations } from "../delivery/dispatch-due-invitations";
import { SqsWorkQueue } from "../delivery/sqs-work-queue";
import { log } from "../log";
import { createDocumentClient } from "../store/dynamo-client";
import { createStores } from "../store/stores";

const env = readEnvironment(dispatchEnvironment);
const { invitations } = createStores(
  createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }),
  env.TABLE_NAME,
);
const queue = SqsWorkQueue.fromUrl(env.QUEUE_URL, env.AWS_REGION);

export const handler = async (): Promise<{ queued: number }> => {
  const queued = await dispatchDueInvitations(invitations, queue, new Date());
  log("info", "dispatched due invitations", { queued });
  return { queued };
};
