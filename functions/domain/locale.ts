/**
 * The languages of the customer-facing texts, and how a localized text is read. No zod here
 * (campaign.ts builds the schemas): the survey function needs these and loads no schema library.
 */

export const LOCALES = ["en", "zh-Hant", "zh-Hans"] as const;
export type Locale = (typeof LOCALES)[number];

/** A text the same in every language, or one per language. */
export type LocalizedText = string | Partial<Record<Locale, string>>;

/** The text in `locale`; else in the campaign's `fallback` locale, else in English, else any given. */
export function textIn(text: LocalizedText, locale: Locale, fallback: Locale): string {
  if (typeof text === "string") return text;
  return text[locale] ?? text[fallback] ?? text.en ?? Object.values(text).find((t) => t !== undefined) ?? "";
}
