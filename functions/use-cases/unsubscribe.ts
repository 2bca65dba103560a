import type { Invitation } from "../domain/invitation";
import { type LinkRequest, openLink, type PageContext, type SurveyLinkPorts } from "./survey-link";

export type UnsubscribePorts = SurveyLinkPorts & {
  readonly invitations: { unsubscribe(invitation: Invitation, now: Date): Promise<void> };
};

/** The confirm page of an unsubscribe link: reading only, since mail scanners open every link. */
export async function showUnsubscribe(ports: SurveyLinkPorts, request: LinkRequest): Promise<PageContext> {
  return (await openLink(ports, request)).page;
}

/**
 * Suppresses the link's address for every later survey of every campaign, and drops this invitation's
 * reminder. Idempotent: unsubscribing twice keeps the first time.
 */
export async function unsubscribe(ports: UnsubscribePorts, request: LinkRequest): Promise<PageContext> {
  const { invitation, page } = await openLink(ports, request);
  await ports.invitations.unsubscribe(invitation, ports.clock());
  return page;
}
