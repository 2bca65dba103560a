import { normalizeEmail } from "./purchase";
import * as z from "./zod";

/**
 * SES event publishing (configuration set → SNS) in the shape this product acts on: a permanent
 * bounce or a complaint suppresses the address. Transient bounces, deliveries and the rest are ignored.
 */
const recipient = z.object({ emailAddress: z.string() });
const sesEventSchema = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.optional(z.object({ messageId: z.optional(z.string()) })),
  bounce: z.optional(z.object({ bounceType: z.string(), bouncedRecipients: z.array(recipient) })),
  complaint: z.optional(z.object({ complainedRecipients: z.array(recipient) })),
});

export type Suppression = { email: string; reason: "bounced" | "complained"; source: string };

export function suppressionsFromSesEvent(message: string): Suppression[] {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return [];
  }
  const parsed = sesEventSchema.safeParse(json);
  if (!parsed.success) return [];
  const event = parsed.data;
  const type = event.eventType ?? event.notificationType;
  const source = `ses:${event.mail?.messageId ?? "unknown"}`;
  if (type === "Bounce" && event.bounce?.bounceType === "Permanent") {
    return event.bounce.bouncedRecipients.map((r) => ({
      email: normalizeEmail(r.emailAddress),
      reason: "bounced",
      source,
    }));
  }
  if (type === "Complaint" && event.complaint) {
    return event.complaint.complainedRecipients.map((r) => ({
      email: normalizeEmail(r.emailAddress),
      reason: "complained",
      source,
    }));
  }
  return [];
}
