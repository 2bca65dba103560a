import { type Answer, type NextStep, nextStepAfter, parseAnswer, type RecordOutcome } from "../domain/answer";
import type { RecordedAnswer } from "../domain/counters";
import { ThrottledError, ValidationError } from "../domain/errors";
import type { Invitation } from "../domain/invitation";
import { invalid } from "../domain/validation";
import { type ShowSurveyPorts, type SurveyForm, surveyForm } from "./show-survey";
import { type LinkRequest, openAnswerableLink, type PageContext } from "./survey-link";

export type RecordAnswerPorts = ShowSurveyPorts & {
  readonly responses: {
    /** `existing`: the answer as the link's read found it, so the first attempt reads nothing more. */
    record(
      invitation: Invitation,
      answer: Answer,
      segments: Record<string, string>,
      now: Date,
      options?: { readonly existing: RecordedAnswer | undefined },
    ): Promise<RecordOutcome>;
  };
  readonly results: {
    resolveSegments(
      campaignId: string,
      segmentBy: readonly string[],
      properties: Record<string, string | number | boolean>,
      known?: Record<string, string>,
    ): Promise<Record<string, string>>;
  };
};

/** An answer that does not fit the survey: a 400 that also carries the form as it was sent, to show again. */
export class AnswerInvalidError extends ValidationError {
  constructor(
    readonly form: SurveyForm,
    details: ValidationError["details"] & object,
  ) {
    super(invalid("answer", details).message, details);
  }
}

/**
 * The table was too busy to record the answer (nothing was written): a 429 that also carries the form
 * filled with the answer, so the customer can send it again as it was.
 */
export class AnswerNotRecordedError extends ThrottledError {
  constructor(
    readonly form: SurveyForm,
    cause: ThrottledError,
  ) {
    super(cause.message);
    this.cause = cause;
  }
}

/**
 * What happens when a customer answers: the link is opened (404 unknown, 410 past its window), then
 * the posted fields are read (only for a link that can be answered) and checked against what the campaign asks, the answer is counted under the segment
 * values fixed when the email was sent, and recorded (or an earlier answer replaced) together with the
 * result counters it moves, in one transaction.
 */
export async function recordAnswer(
  ports: RecordAnswerPorts,
  request: LinkRequest & { readonly readFields: () => Promise<Record<string, unknown>> },
): Promise<{ status: RecordOutcome; answer: Answer; page: PageContext; next: NextStep }> {
  const { invitation, campaign, page, response: existing } = await openAnswerableLink(ports, request);
  const fields = await request.readFields();
  const parsed = parseAnswer(fields, campaign);
  if (!parsed.ok) {
    const comment = typeof fields.comment === "string" ? fields.comment : "";
    const isEdit = existing !== undefined;
    const form = surveyForm(campaign, page, invitation.token, { answer: parsed.partial, comment, isEdit });
    throw new AnswerInvalidError(form, parsed.issues);
  }
  try {
    const segments = await ports.results.resolveSegments(
      campaign.id,
      campaign.segmentBy,
      invitation.properties,
      invitation.segments ?? {},
    );
    const status = await ports.responses.record(invitation, parsed.value, segments, ports.clock(), {
      existing,
    });
    return {
      status,
      answer: parsed.value,
      page,
      next: nextStepAfter(campaign, parsed.value.score, page.locale),
    };
  } catch (error) {
    if (!(error instanceof ThrottledError)) throw error;
    const filled = { answer: parsed.value, comment: parsed.value.comment ?? "", isEdit: false };
    throw new AnswerNotRecordedError(surveyForm(campaign, page, invitation.token, filled), error);
  }
}
