import type { Invitation, Recipient } from "../domain/invitation";
import { type LinkRequest, openLink, type PageContext, type SurveyLinkPorts } from "./survey-link";

/**
 * Where the address of an unsubscribe link stands: still subscribed; unsubscribed by its person (who
 * may resubscribe through the link); or suppressed for a bounce or complaint (only the operator lifts).
 */
export type SubscriptionState = "subscribed" | "unsubscribed" | "suppressed";

export type UnsubscribePorts = SurveyLinkPorts & {
  readonly invitations: {
    recipient(email: string): Promise<Pick<Recipient, "suppressedFor">>;
    unsubscribe(invitation: Invitation, now: Date): Promise<void>;
    resubscribe(email: string, now: Date): Promise<boolean>;
  };
};

export type SubscriptionPage = PageContext & { readonly state: SubscriptionState };

/** The page behind an unsubscribe link: reading only, since mail scanners open every link. */
export async function showUnsubscribe(
  ports: UnsubscribePorts,
  request: LinkRequest,
): Promise<SubscriptionPage> {
  const { invitation, page } = await openLink(ports, request);
  return { ...page, state: await stateOf(ports, invitation.email) };
}

/**
 * Suppresses the link's address for every later survey of every campaign, and drops this invitation's
 * reminder. Idempotent: unsubscribing twice keeps the first time.
 */
export async function unsubscribe(ports: UnsubscribePorts, request: LinkRequest): Promise<SubscriptionPage> {
  const { invitation, page } = await openLink(ports, request);
  await ports.invitations.unsubscribe(invitation, ports.clock());
  return { ...page, state: await stateOf(ports, invitation.email) };
}

/**
 * Lifts the address's own unsubscribe: later purchases are surveyed again (this invitation's dropped
 * reminder stays dropped). A bounce or complaint is not lifted this way. Idempotent.
 */
export async function resubscribe(ports: UnsubscribePorts, request: LinkRequest): Promise<SubscriptionPage> {
  const { invitation, page } = await openLink(ports, request);
  await ports.invitations.resubscribe(invitation.email, ports.clock());
  return { ...page, state: await stateOf(ports, invitation.email) };
}

async function stateOf(ports: UnsubscribePorts, email: string): Promise<SubscriptionState> {
  const { suppressedFor } = await ports.invitations.recipient(email);
  return suppressedFor === null
    ? "subscribed"
    : suppressedFor === "unsubscribed"
      ? "unsubscribed"
      : "suppressed";
}
