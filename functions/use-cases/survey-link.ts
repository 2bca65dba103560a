import { ANSWER_WINDOW_DAYS } from "../domain/answer";
import type { Campaign, Locale } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { LinkExpiredError, NotFoundError } from "../domain/errors";
import { answerWindowClosed, type Invitation } from "../domain/invitation";
import { isToken } from "../domain/tokens";

/** What a customer-facing page shows of the link's sender: its brand, in the link's language. */
export type PageContext = {
  readonly locale: Locale;
  readonly brandName: string;
  readonly logoUrl: string | null;
  readonly accentColor: string | null;
};

export type SurveyLinkPorts = {
  readonly invitations: { get(token: string): Promise<Invitation | undefined> };
  readonly campaigns: { get(id: string): Promise<Campaign | undefined> };
  readonly clock: Clock;
};

/** A request through a survey or unsubscribe link. */
export type LinkRequest = {
  readonly token: string;
  /**
   * Told the link's page context as soon as the link is known, so that a later failure (a busy table,
   * a fault) is shown in the customer's language rather than the browser's.
   */
  readonly onOpened?: (page: PageContext) => void;
};

export type OpenedLink = { invitation: Invitation; campaign: Campaign; page: PageContext };

/**
 * The invitation behind a link, with its campaign. Unknown tokens, and invitations whose email has not
 * been sent yet (nobody can hold that link), all get the same 404, so nothing leaks.
 */
export async function openLink(ports: SurveyLinkPorts, request: LinkRequest): Promise<OpenedLink> {
  const invitation = isToken(request.token) ? await ports.invitations.get(request.token) : undefined;
  // Until SES accepted its email, nobody can hold the link.
  if (!invitation || (invitation.sentAt === null && invitation.acceptedAt === null)) {
    throw new NotFoundError("This link is not valid.");
  }
  const campaign = await ports.campaigns.get(invitation.campaignId);
  if (!campaign) throw new NotFoundError("This link is not valid.");
  const page = {
    locale: invitation.locale ?? campaign.locale,
    brandName: campaign.brandName,
    logoUrl: campaign.logoUrl,
    accentColor: campaign.accentColor,
  };
  request.onOpened?.(page);
  return { invitation, campaign, page };
}

/** Like openLink, for answering: answers and edits are taken for ANSWER_WINDOW_DAYS after sending (410). */
export async function openAnswerableLink(ports: SurveyLinkPorts, request: LinkRequest): Promise<OpenedLink> {
  const opened = await openLink(ports, request);
  if (answerWindowClosed(opened.invitation, ports.clock())) {
    throw new LinkExpiredError(ANSWER_WINDOW_DAYS, opened.page);
  }
  return opened;
}
