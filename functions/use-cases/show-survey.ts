import type { Answer } from "../domain/answer";
import type { Campaign } from "../domain/campaign";
import { textIn } from "../domain/locale";
import { type LinkRequest, openAnswerableLink, type PageContext, type SurveyLinkPorts } from "./survey-link";

export type ShowSurveyPorts = SurveyLinkPorts;

/** Everything the survey page shows: the questions, and what is selected or typed in them. */
export type SurveyForm = PageContext & {
  readonly token: string;
  readonly selectedScore: number | null;
  readonly csat: { readonly enabled: boolean; readonly selected: number | null };
  readonly attributes: readonly { key: string; label: string; selected: number | null }[];
  readonly comment: string;
  /** The customer answered before: the page offers to change the answer. */
  readonly isEdit: boolean;
};

/**
 * The survey page of a link: the score the email's link carried (`?score=`) pre-selected, or the
 * customer's earlier answer, which they may change. Reads only: mail scanners open every link.
 */
export async function showSurvey(
  ports: ShowSurveyPorts,
  request: LinkRequest & { readonly score?: string | undefined },
): Promise<SurveyForm> {
  const { invitation, campaign, page, response: previous } = await openAnswerableLink(ports, request);
  const linkScore = /^(?:10|\d)$/.test(request.score ?? "") ? Number(request.score) : null;
  return surveyForm(campaign, page, invitation.token, {
    answer: { ...previous, score: linkScore ?? previous?.score },
    comment: previous?.comment ?? "",
    isEdit: previous !== undefined,
  });
}

/** The form of `campaign`'s survey filled with `answer` (whatever of it is known). */
export function surveyForm(
  campaign: Pick<Campaign, "csat" | "attributes" | "locale">,
  page: PageContext,
  token: string,
  filled: { answer: Partial<Answer>; comment: string; isEdit: boolean },
): SurveyForm {
  const { answer } = filled;
  return {
    ...page,
    token,
    selectedScore: answer.score ?? null,
    csat: { enabled: campaign.csat, selected: answer.csat ?? null },
    attributes: campaign.attributes.map((a) => ({
      key: a.key,
      label: textIn(a.label, page.locale, campaign.locale),
      selected: answer.attributes?.[a.key] ?? null,
    })),
    comment: filled.comment,
    isEdit: filled.isEdit,
  };
}
