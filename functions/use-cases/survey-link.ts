import { ANSWER_WINDOW_DAYS } from "../domain/answer";
import type { Campaign } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import type { RecordedAnswer } from "../domain/counters";
import { LinkExpiredError, NotFoundError } from "../domain/errors";
import {
  answerWindowClosed,
  type Invitation,
  type SurveySnapshot,
  surveySnapshotOf,
} from "../domain/invitation";
import type { Locale } from "../domain/locale";
import { isToken } from "../domain/tokens";

/** What a customer-facing page shows of the link's sender: its brand, in the link's language. */
export type PageContext = {
  readonly locale: Locale;
  readonly brandName: string;
  readonly logoUrl: string | null;
  readonly accentColor: string | null;
};

export type SurveyLinkPorts = {
  /** The invitation behind a token, with its answer if any: one read. */
  readonly surveyLinks: {
    read(
      token: string,
    ): Promise<{ invitation: Invitation; response: RecordedAnswer | undefined } | undefined>;
  };
  /** Only for invitations emailed before they carried their survey (Invitation.survey null). */
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

export type OpenedLink = {
  invitation: Invitation;
  /** The invitation's answer so far, if any. */
  response: RecordedAnswer | undefined;
  /** The survey as it was emailed (see SurveySnapshot). */
  campaign: SurveySnapshot;
  page: PageContext;
};

/**
 * The invitation behind a link, with its answer and its survey: one read, or two for an invitation
 * emailed before invitations carried their survey. Unknown tokens, invitations whose email has not
 * been sent yet (nobody can hold that link) and those whose person's data was erased all get the same
 * 404, so nothing leaks.
 */
export async function openLink(ports: SurveyLinkPorts, request: LinkRequest): Promise<OpenedLink> {
  const link = isToken(request.token) ? await ports.surveyLinks.read(request.token) : undefined;
  const invitation = link?.invitation;
  // Until SES accepted its email, nobody can hold the link; once its person is erased, nobody may use it.
  if (
    !link ||
    !invitation ||
    (invitation.sentAt === null && invitation.acceptedAt === null) ||
    invitation.erasedAt !== null
  ) {
    throw new NotFoundError("This link is not valid.");
  }
  const campaign = invitation.survey ?? (await campaignOf(ports, invitation.campaignId));
  if (!campaign) throw new NotFoundError("This link is not valid.");
  const page = {
    locale: invitation.locale ?? campaign.locale,
    brandName: campaign.brandName,
    logoUrl: campaign.logoUrl,
    accentColor: campaign.accentColor,
  };
  request.onOpened?.(page);
  return { invitation, response: link.response, campaign, page };
}

async function campaignOf(ports: SurveyLinkPorts, campaignId: string): Promise<SurveySnapshot | undefined> {
  const campaign = await ports.campaigns.get(campaignId);
  return campaign ? surveySnapshotOf(campaign) : undefined;
}

/** Like openLink, for answering: answers and edits are taken for ANSWER_WINDOW_DAYS after sending (410). */
export async function openAnswerableLink(ports: SurveyLinkPorts, request: LinkRequest): Promise<OpenedLink> {
  const opened = await openLink(ports, request);
  if (answerWindowClosed(opened.invitation, ports.clock())) {
    throw new LinkExpiredError(ANSWER_WINDOW_DAYS, opened.page);
  }
  return opened;
}
