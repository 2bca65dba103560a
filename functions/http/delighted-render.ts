import { type Campaign, textIn } from "../domain/campaign";
import type { DelightedMetrics } from "../domain/delighted";
import { unixSecondsOf } from "../domain/delighted";
import { personIdOf } from "../domain/hash";
import type { SuppressionReason } from "../domain/invitation";
import type { RecordedPurchase } from "../domain/purchase-status";
import type { ResponseItem } from "../domain/response-export";
import type { ScheduledPerson } from "../use-cases/schedule-person";

/** The Delighted-compatible API's JSON: Delighted's field names, Unix-second timestamps. */

const seconds = (iso: string | null): number | null => (iso === null ? null : unixSecondsOf(iso));

/** `POST people`: the person as posted, and when their survey goes out (null: no survey to come). */
export function renderScheduledPerson({ person, createdAt, surveyScheduledAt }: ScheduledPerson) {
  return {
    id: personIdOf(person.email),
    email: person.email,
    name: person.name,
    phone_number: null,
    created_at: seconds(createdAt),
    survey_scheduled_at: seconds(surveyScheduledAt),
    properties: person.properties,
  };
}

/** `GET people`: one purchase of the campaign as a person. */
export function renderListedPerson(purchase: RecordedPurchase) {
  return {
    id: personIdOf(purchase.email),
    email: purchase.email,
    name: purchase.name,
    phone_number: null,
    created_at: seconds(purchase.recordedAt),
  };
}

type Scale = { id: string; text: string; rating: number };

/**
 * `GET survey_responses`: one answer. Satisfaction and attribute ratings become `additional_answers`
 * of type `scale` (ids `csat` and `attribute.<key>`); notes and tags are always empty here.
 */
export function renderSurveyResponse(
  response: ResponseItem,
  campaign: Pick<Campaign, "attributes" | "locale">,
  expandPerson: boolean,
) {
  const id = personIdOf(response.email);
  const scales: Scale[] = [
    ...(response.csat === null ? [] : [{ id: "csat", text: "Satisfaction (1-5)", rating: response.csat }]),
    ...Object.entries(response.attributes).map(([key, rating]) => {
      const label = campaign.attributes.find((a) => a.key === key)?.label;
      // In the campaign's language: the listing has no reader's language to go by.
      const text = label === undefined ? key : textIn(label, campaign.locale, campaign.locale);
      return { id: `attribute.${key}`, text, rating };
    }),
  ];
  return {
    id: response.id,
    person: expandPerson ? { id, email: response.email, name: response.name, phone_number: null } : id,
    survey_type: "nps",
    score: response.score,
    comment: response.comment,
    permalink: null,
    created_at: seconds(response.createdAt),
    updated_at: seconds(response.updatedAt),
    person_properties: response.properties,
    notes: [],
    tags: [],
    additional_answers: scales.map((scale) => ({
      id: scale.id,
      value: { free_response: null, scale: scale.rating, select_one: null, select_many: null },
      question: { id: scale.id, type: "scale", text: scale.text },
    })),
  };
}

export function renderMetrics(metrics: DelightedMetrics) {
  return {
    nps: metrics.nps,
    promoter_count: metrics.promoterCount,
    promoter_percent: metrics.promoterPercent,
    passive_count: metrics.passiveCount,
    passive_percent: metrics.passivePercent,
    detractor_count: metrics.detractorCount,
    detractor_percent: metrics.detractorPercent,
    response_count: metrics.responseCount,
  };
}

/** `GET unsubscribes` (`unsubscribed_at`) and `GET bounces` (`bounced_at`): one suppressed address. */
export function renderSuppression(
  suppression: { email: string; reason: SuppressionReason; suppressedAt: string },
  at: "unsubscribed_at" | "bounced_at",
) {
  return {
    person_id: personIdOf(suppression.email),
    email: suppression.email,
    name: null,
    [at]: seconds(suppression.suppressedAt),
  };
}
