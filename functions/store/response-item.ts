import type { AggregateTarget, RecordedAnswer } from "../domain/counters";

/**
 * A response item as the answer it records: read by the response store, and by the survey-link read
 * that fetches an invitation together with its answer.
 */
export function toResponse(item: Record<string, unknown>): RecordedAnswer {
  return {
    countedIn: Array.isArray(item.countedIn) ? (item.countedIn as AggregateTarget[]) : [],
    token: String(item.token),
    score: Number(item.score),
    csat: typeof item.csat === "number" ? item.csat : null,
    attributes: (item.attributes as Record<string, number> | undefined) ?? {},
    comment: typeof item.comment === "string" ? item.comment : null,
    ...(item.complete === true ? { complete: true } : {}),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    version: Number(item.version),
    ...(typeof item.erasedAt === "string" ? { erasedAt: item.erasedAt } : {}),
  };
}
