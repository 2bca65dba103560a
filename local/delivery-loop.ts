import type { SQSRecord } from "aws-lambda";
import type { DeliveryMessage } from "../functions/domain/invitation";
import { createSendQueueHandler } from "../functions/events/send-queue";
import { type DeliverDuePorts, deliverDueWebhooks } from "../functions/use-cases/deliver-due-webhooks";
import { type DispatchPorts, dispatchDueInvitations } from "../functions/use-cases/dispatch-due-invitations";
import { type CaseDigestPorts, sendCaseDigests } from "../functions/use-cases/send-case-digests";
import type { SendPorts } from "../functions/use-cases/send-invitation";
import { startPeriodicPass } from "./periodic-pass";

/**
 * The local stand-in for SQS: messages in memory, a receive count per message, and a dead-letter list
 * once a message has failed `maxReceiveCount` times, as the queue on AWS is configured.
 */
export class LocalWorkQueue {
  private readonly ready: { id: string; body: string; receiveCount: number }[] = [];
  readonly deadLetters: { id: string; body: string; receiveCount: number }[] = [];
  private nextId = 0;

  constructor(private readonly maxReceiveCount = 5) {}

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (const message of messages) this.push(JSON.stringify(message));
  }

  /** A raw message body, as anything could put on a queue (tests use it for poison messages). */
  push(body: string): void {
    this.ready.push({ id: `local-${this.nextId++}`, body, receiveCount: 0 });
  }

  get size(): number {
    return this.ready.length;
  }

  /** What waits to be handed to a sender: the local queue hands messages out only while draining. */
  async depth(): Promise<number> {
    return this.ready.length;
  }

  /** Delivers up to `batchSize` messages to `handler` and settles them as SQS would. */
  async deliver(
    handler: ReturnType<typeof createSendQueueHandler>,
    batchSize = 10,
  ): Promise<{ delivered: number; failed: number }> {
    const batch = this.ready.splice(0, batchSize);
    if (batch.length === 0) return { delivered: 0, failed: 0 };
    for (const message of batch) message.receiveCount++;
    const response = await handler({
      Records: batch.map((m) => ({ messageId: m.id, body: m.body }) as SQSRecord),
    });
    const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const message of batch) {
      if (!failedIds.has(message.id)) continue;
      (message.receiveCount >= this.maxReceiveCount ? this.deadLetters : this.ready).push(message);
    }
    return { delivered: batch.length - failedIds.size, failed: failedIds.size };
  }
}

export type DeliveryLoop = { stop(): Promise<void>; runOnce(): Promise<void> };

/**
 * The dispatch → send path of AWS, driven in-process: every `intervalMs` (never, when null) the
 * dispatcher queues what is due and the sender's own handler drains the queue, through the same code
 * the Lambda functions run.
 */
export function startDeliveryLoop(
  ports: {
    readonly send: SendPorts;
    readonly dispatch: Omit<DispatchPorts, "queue">;
    /** Webhook retries, attempted on the same tick as on AWS. */
    readonly webhookDeliveries?: DeliverDuePorts;
    /** The owners' daily case digests, sent from the same tick as on AWS. */
    readonly caseDigests?: CaseDigestPorts;
  },
  options: { intervalMs: number | null; queue: LocalWorkQueue; onError?: (error: unknown) => void },
): DeliveryLoop {
  const { queue } = options;
  const handler = createSendQueueHandler(ports.send);
  let stopped = false;

  const runOnce = async () => {
    await dispatchDueInvitations({ ...ports.dispatch, queue });
    while (queue.size > 0 && !stopped) await queue.deliver(handler);
    if (ports.webhookDeliveries) await deliverDueWebhooks(ports.webhookDeliveries);
    if (ports.caseDigests) await sendCaseDigests(ports.caseDigests);
  };
  const loop = startPeriodicPass(runOnce, {
    intervalMs: options.intervalMs,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    runOnce: loop.runOnce,
    stop: async () => {
      stopped = true;
      await loop.stop();
    },
  };
}
