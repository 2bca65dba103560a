import { normalizeEmail } from "./mail-address";
import * as z from "./zod";

/**
 * SES event publishing (configuration set → SNS) in the shape this product acts on: a permanent
 * bounce or a complaint suppresses the address. Transient bounces, deliveries and the other event
 * types are valid and ignored. Anything else (not JSON, not an SES event, a bounce or complaint without
 * its recipients) is malformed: a suppression might be in it, so it must not be dropped quietly.
 */

/**
 * The types SES publishes: `eventType` for configuration-set event publishing, `notificationType` for
 * identity notifications (which also confirm a topic subscription with AmazonSnsSubscriptionSucceeded).
 */
const KNOWN_TYPES = new Set([
  "Bounce",
  "Complaint",
  "Delivery",
  "Send",
  "Reject",
  "Open",
  "Click",
  "Rendering Failure",
  "DeliveryDelay",
  "Subscription",
  "AmazonSnsSubscriptionSucceeded",
]);

/**
 * An address as SES reports it. At most 320 characters, SES's own limit for an address field, which
 * also keeps its suppression key (`EMAIL#<address>`, at most 966 bytes) under DynamoDB's 2,048.
 */
const recipient = z.object({ emailAddress: z.string().check(z.minLength(3), z.maxLength(320)) });
const envelope = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.optional(z.object({ messageId: z.optional(z.string()) })),
});
const bounceSchema = z.object({ bounceType: z.string(), bouncedRecipients: z.array(recipient) });
const complaintSchema = z.object({ complainedRecipients: z.array(recipient) });

export type Suppression = { email: string; reason: "bounced" | "complained"; source: string };

/**
 * What one SES notification says: the suppressions it asks for (none for the types ignored), or why it
 * is malformed. `eventType` and `messageId` (SES's id of the email) are given when readable, to find
 * the event in the logs; never an address.
 */
export type SesEventReading =
  | { ok: true; eventType: string; messageId: string | null; suppressions: Suppression[] }
  | { ok: false; reason: string; eventType: string | null; messageId: string | null };

export function readSesEvent(message: string): SesEventReading {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, reason: "not JSON", eventType: null, messageId: null };
  }
  const head = envelope.safeParse(json);
  if (!head.success || typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, reason: "not an SES event object", eventType: null, messageId: null };
  }
  const type = head.data.eventType ?? head.data.notificationType ?? null;
  const messageId = head.data.mail?.messageId ?? null;
  const malformed = (reason: string): SesEventReading => ({ ok: false, reason, eventType: type, messageId });
  if (type === null) return malformed("no eventType or notificationType");
  if (!KNOWN_TYPES.has(type)) return malformed("not a known SES event type");
  const source = `ses:${messageId ?? "unknown"}`;
  const event = json as Record<string, unknown>;

  if (type === "Bounce") {
    const bounce = bounceSchema.safeParse(event.bounce);
    if (!bounce.success) return malformed(issuePaths(bounce.error.issues, "bounce"));
    const suppressions =
      bounce.data.bounceType === "Permanent"
        ? bounce.data.bouncedRecipients.map(
            (r): Suppression => ({
              email: normalizeEmail(r.emailAddress),
              reason: "bounced",
              source,
            }),
          )
        : [];
    return { ok: true, eventType: type, messageId, suppressions };
  }
  if (type === "Complaint") {
    const complaint = complaintSchema.safeParse(event.complaint);
    if (!complaint.success) {
      return malformed(issuePaths(complaint.error.issues, "complaint"));
    }
    const suppressions = complaint.data.complainedRecipients.map(
      (r): Suppression => ({ email: normalizeEmail(r.emailAddress), reason: "complained", source }),
    );
    return { ok: true, eventType: type, messageId, suppressions };
  }
  return { ok: true, eventType: type, messageId, suppressions: [] };
}

/** Which fields are wrong, by path only: the values may be addresses, which stay out of the logs. */
function issuePaths(issues: readonly z.core.$ZodIssue[], root: string): string {
  const paths = issues.map((issue) => [root, ...issue.path.map(String)].join("."));
  return `${[...new Set(paths)].join(", ")} missing or not valid`;
}
