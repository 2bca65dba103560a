import type { CampaignSettings } from "./campaign";
import type { ErrorDetail } from "./errors";
import { type Locale, textIn } from "./locale";
import { isWellFormed, MULTI_LINE, WELL_FORMED_MESSAGE } from "./text-rules";

/** A customer's answer to a survey, as recorded; posting again replaces it. */
export type Answer = {
  score: number;
  csat: number | null;
  attributes: Record<string, number>;
  comment: string | null;
  /**
   * Whether it rated every attribute the campaign asked when it was given (and the campaign asks at
   * least one): only such answers enter the driver sums (moments.ts), and an edit subtracts by this
   * flag, not by what the campaign asks later.
   */
  complete?: boolean;
};

/** What recording an answer did: the first answer, an edit, or the same answer again. */
export type RecordOutcome = "created" | "updated" | "unchanged";

export const MAX_COMMENT_LENGTH = 5000;
/** Links answer 410 this long after the email was sent. */
export const ANSWER_WINDOW_DAYS = 30;

/**
 * Reads an answer from a posted form or JSON body (fields `score`, `csat`, `comment`, `attr.<key>`;
 * JSON may also nest `attributes: {key: n}`), checked against what the campaign asks. Numbers may come
 * as strings, as forms send them; an empty optional field counts as not answered. A Checked result,
 * whose failure also carries the valid part (`partial`) so a form can be shown again as it was sent.
 */
export function parseAnswer(
  body: Record<string, unknown>,
  campaign: Pick<CampaignSettings, "csat" | "attributes">,
): { ok: true; value: Answer } | { ok: false; issues: ErrorDetail[]; partial: Partial<Answer> } {
  const errors: ErrorDetail[] = [];
  const known = new Set(["score", "csat", "comment", "attributes"]);
  const attributeKeys = new Set(campaign.attributes.map((a) => a.key));

  const score = wholeNumber(body.score, 0, 10);
  if (score === undefined || score === null)
    errors.push({ field: "score", message: "must be a whole number from 0 to 10" });

  const csat = wholeNumber(body.csat, 1, 5);
  if (csat === undefined) errors.push({ field: "csat", message: "must be a whole number from 1 to 5" });
  else if (csat !== null && !campaign.csat)
    errors.push({ field: "csat", message: "is not asked in this survey" });

  const attributes: Record<string, number> = {};
  const nested =
    typeof body.attributes === "object" && body.attributes !== null
      ? (body.attributes as Record<string, unknown>)
      : {};
  if (
    body.attributes !== undefined &&
    (typeof body.attributes !== "object" || body.attributes === null || Array.isArray(body.attributes))
  ) {
    errors.push({ field: "attributes", message: "must be an object of ratings" });
  }
  const rawAttributes: [string, unknown][] = [
    ...Object.entries(nested),
    ...Object.entries(body)
      .filter(([name]) => name.startsWith("attr."))
      .map(([name, value]): [string, unknown] => [name.slice("attr.".length), value]),
  ];
  for (const [key, value] of rawAttributes) {
    const field = `attr.${key.slice(0, 40)}`;
    if (!attributeKeys.has(key)) {
      errors.push({ field, message: "is not an attribute of this survey" });
      continue;
    }
    const rating = wholeNumber(value, 1, 5);
    if (rating === undefined) errors.push({ field, message: "must be a whole number from 1 to 5" });
    else if (rating !== null) attributes[key] = rating;
  }

  let comment: string | null = null;
  if (body.comment !== undefined && body.comment !== null) {
    if (typeof body.comment !== "string") errors.push({ field: "comment", message: "must be text" });
    else {
      // Line ends as any browser or client sends them, and tabs, become plain newlines and spaces.
      const trimmed = body.comment.replace(/\r\n?/g, "\n").replace(/\t/g, " ").trim();
      if (trimmed.length > MAX_COMMENT_LENGTH) {
        errors.push({ field: "comment", message: `must be at most ${MAX_COMMENT_LENGTH} characters` });
      } else if (!MULTI_LINE.test(trimmed)) {
        errors.push({ field: "comment", message: "must not contain control characters other than newlines" });
      } else if (!isWellFormed(trimmed)) {
        errors.push({ field: "comment", message: WELL_FORMED_MESSAGE });
      }
      comment = trimmed.length > 0 ? trimmed : null;
    }
  }

  for (const name of Object.keys(body)) {
    if (!known.has(name) && !name.startsWith("attr."))
      errors.push({ field: name.slice(0, 64), message: "is not a known field" });
  }

  const partial = {
    ...(typeof score === "number" ? { score } : {}),
    csat: csat ?? null,
    attributes,
    comment,
  };
  if (errors.length > 0 || typeof score !== "number") return { ok: false, issues: errors, partial };
  const complete = attributeKeys.size > 0 && [...attributeKeys].every((key) => key in attributes);
  return { ok: true, value: { ...partial, score, ...(complete ? { complete } : {}) } };
}

/** A whole number in range, null when absent or empty, undefined when present but wrong. */
function wholeNumber(value: unknown, min: number, max: number): number | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d{1,2}\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

export function answersEqual(a: Answer, b: Answer): boolean {
  return (
    a.score === b.score &&
    a.csat === b.csat &&
    a.comment === b.comment &&
    JSON.stringify(Object.entries(a.attributes).sort()) ===
      JSON.stringify(Object.entries(b.attributes).sort())
  );
}

/** What the thank-you page offers after an answer, if the campaign says anything more. */
export type NextStep =
  | { readonly kind: "link"; readonly url: string; readonly label: string }
  | { readonly kind: "note"; readonly text: string }
  | null;

/** Promoters (9–10) get the campaign's link, e.g. to review or refer; everyone else its note. */
export function nextStepAfter(
  campaign: Pick<CampaignSettings, "promoterLink" | "thankYouNote" | "locale">,
  score: number,
  locale: Locale,
): NextStep {
  if (score >= 9) {
    const link = campaign.promoterLink;
    return link ? { kind: "link", url: link.url, label: textIn(link.label, locale, campaign.locale) } : null;
  }
  const note = campaign.thankYouNote;
  return note === null ? null : { kind: "note", text: textIn(note, locale, campaign.locale) };
}
