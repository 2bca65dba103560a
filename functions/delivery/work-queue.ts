import type { DueAction } from "../domain/invitation";
import { isToken } from "../domain/tokens";
import * as z from "../domain/zod";

/** A unit of delivery work: one due action of one invitation. SQS carries it on AWS. */
export type DeliveryMessage = { token: string; action: DueAction };

export interface WorkQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}

const deliveryMessageSchema = z.strictObject({
  token: z.string().check(z.refine(isToken, "must be an invitation token")),
  action: z.enum(["send", "remind"]),
});

/** Reads a queued message; a malformed one throws, so the queue retries it and then dead-letters it. */
export function parseDeliveryMessage(body: string): DeliveryMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error("delivery message is not JSON");
  }
  const result = deliveryMessageSchema.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `delivery message is malformed: ${result.error.issues.map((i) => i.path.join(".")).join(", ")}`,
    );
  return result.data;
}
