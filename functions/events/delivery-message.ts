import type { DeliveryMessage } from "../domain/invitation";
import { isToken } from "../domain/tokens";
import { check } from "../domain/validation";
import * as z from "../domain/zod";

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
  const result = check(deliveryMessageSchema, parsed);
  if (!result.ok)
    throw new Error(`delivery message is malformed: ${result.issues.map((i) => i.field).join(", ")}`);
  return result.value;
}
