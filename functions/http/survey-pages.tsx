/** @jsxImportSource hono/jsx */

import type { Child } from "hono/jsx";
import { MAX_COMMENT_LENGTH, type NextStep } from "../domain/answer";
import type { Locale } from "../domain/locale";

/**
 * The customer pages (`/s/{token}`, `/u/{token}`): pure functions from props to a complete HTML document.
 * They need no JavaScript at all (plain forms posting to the same URL), are escaped by default (Hono JSX),
 * and keep all styling in one constant `<style>` element so that a CSP can allow it by hash or nonce.
 *
 * Every string may contain `{brand}`, replaced by the campaign's brand name (as text, then escaped).
 */
export interface SurveyPageText {
  /** Survey page heading and document title, e.g. "Your feedback". */
  title: string;
  /** The NPS question, e.g. "How likely are you to recommend {brand} to a friend or colleague?" */
  question: string;
  /** Meaning of score 0, shown as "0 – …", e.g. "Not at all likely". */
  scoreLowLabel: string;
  /** Meaning of score 10, shown as "10 – …", e.g. "Extremely likely". */
  scoreHighLabel: string;
  csatQuestion: string;
  /** Meanings of CSAT 1…5, e.g. "Very dissatisfied" … "Very satisfied". */
  csatLabels: readonly [string, string, string, string, string];
  /** Heading over the attribute ratings, e.g. "How would you rate us on…" */
  attributeQuestion: string;
  /** Meanings of attribute ratings 1…5, e.g. "Very poor" … "Excellent". */
  attributeLabels: readonly [string, string, string, string, string];
  commentLabel: string;
  submit: string;
  /** Submit button when the customer changes an answer already given. */
  update: string;
  thankYouTitle: string;
  thankYouBody: string;
  expiredTitle: string;
  expiredBody: string;
  notFoundTitle: string;
  notFoundBody: string;
  unsubscribeConfirmTitle: string;
  unsubscribeConfirmBody: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: string;
  /** Line above the resubscribe button, e.g. "Unsubscribed by mistake? …". */
  resubscribeHint: string;
  resubscribeButton: string;
  /** Error when no valid score 0–10 was posted. */
  scoreError: string;
  /** Error when the comment is longer than 5000 characters. */
  commentTooLongError: string;
}

/** What every page needs to know about its document. */
export type PageBaseProps = {
  readonly locale: Locale;
  /** The campaign's logo (https image), shown instead of the brand's name line. */
  readonly logoUrl?: string | null;
  /** The campaign's accent colour (#RRGGBB), checked for contrast with white when it was set. */
  readonly accentColor?: string | null;
  /** BCP 47 tag for `<html lang>`; defaults to the locale (whose values are valid tags). */
  readonly lang?: string;
  /** CSP nonce for the one `<style>` element, when the response's CSP uses nonces rather than a hash. */
  readonly nonce?: string;
};

export type SurveyFieldError = { readonly field: string; readonly message: string };

export type SurveyPageProps = PageBaseProps & {
  readonly text: SurveyPageText;
  readonly brandName: string;
  /** The form's POST target, e.g. `/s/{token}`. */
  readonly actionUrl: string;
  readonly selectedScore: number | null;
  readonly csat: { readonly enabled: boolean; readonly selected: number | null };
  readonly attributes: readonly {
    readonly key: string;
    readonly label: string;
    readonly selected: number | null;
  }[];
  readonly comment: string;
  /** Field is `score`, `csat`, `attr.<key>` or `comment`; other fields show in the summary only. */
  readonly errors: readonly SurveyFieldError[];
  /** The customer has answered already: the button says "update". */
  readonly isEdit: boolean;
  /** A message above the form that is about no one field (the answer could not be recorded yet). */
  readonly notice?: string;
};

export type ThankYouPageProps = PageBaseProps & {
  readonly text: Pick<SurveyPageText, "thankYouTitle" | "thankYouBody">;
  readonly brandName: string;
  /** The campaign's next step for this answer: a link for a promoter, a note for anyone else. */
  readonly next?: NextStep;
};

export type MessagePageProps = PageBaseProps & {
  readonly title: string;
  readonly body: string;
  /** Left out where the page must not reveal anything (unknown token). */
  readonly brandName?: string;
  /** One button under the text: a form to `url` (a POST where it changes something, else a GET). */
  readonly action?: {
    readonly url: string;
    readonly method: "get" | "post";
    readonly label: string;
    /** A line above the button. */
    readonly hint?: string;
  };
};

export type UnsubscribeConfirmPageProps = PageBaseProps & {
  readonly text: Pick<
    SurveyPageText,
    "unsubscribeConfirmTitle" | "unsubscribeConfirmBody" | "unsubscribeButton"
  >;
  readonly brandName: string;
  /** The form's POST target, e.g. `/u/{token}`. */
  readonly actionUrl: string;
};

export type UnsubscribedPageProps = PageBaseProps & {
  readonly text: Pick<
    SurveyPageText,
    "unsubscribedTitle" | "unsubscribedBody" | "resubscribeHint" | "resubscribeButton"
  >;
  readonly brandName: string;
  /** Where the resubscribe button posts; absent when the address may not resubscribe itself. */
  readonly resubscribeUrl?: string;
};

/**
 * The whole stylesheet, constant so that its CSP hash is constant too.
 * Contrast (on white): text #111827 16:1, secondary #374151 10:1, blue #1d4ed8 6.7:1, red #b91c1c 6.5:1,
 * box borders #6b7280 4.8:1. Choice boxes are at least 48px high and 44px wide from a 320px-wide screen up.
 */
export const PAGE_STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
html:lang(zh-Hant) body{font-family:system-ui,-apple-system,"PingFang TC","Noto Sans CJK TC","Microsoft JhengHei",sans-serif}
html:lang(zh-Hans) body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:42rem;margin:0 auto;padding:0}
.card{background:#fff;padding:1.25rem 1rem 2rem}
.brand{margin:0 0 .25rem;color:#374151;font-weight:600;overflow-wrap:anywhere}
h1{margin:0 0 1rem;font-size:1.5rem;line-height:1.25;overflow-wrap:anywhere}
p{margin:0 0 1rem;overflow-wrap:anywhere}
form{margin:0}
fieldset{margin:0 0 1.75rem;padding:0;border:0;min-width:0}
fieldset fieldset{margin-bottom:1.25rem}
fieldset fieldset:last-child{margin-bottom:0}
fieldset fieldset legend{font-size:1rem}
legend{padding:0;margin-bottom:.75rem;font-weight:600;font-size:1.0625rem;overflow-wrap:anywhere}
.group-title{font-size:1.125rem}
.scale{display:grid;gap:.375rem;grid-template-columns:repeat(5,minmax(0,1fr))}
.scale-11{grid-template-columns:repeat(11,minmax(0,1fr));gap:.25rem}
.scale-11 .choice label{padding:.25rem 0;font-size:1.125rem}
.notice{margin:0 0 1.5rem;padding:.75rem 1rem;border:2px solid var(--accent,#1d4ed8);border-left-width:.5rem;border-radius:.5rem;background:var(--accent-tint,#eff6ff)}
.action{margin-top:1.5rem}
.choice{position:relative;min-width:0}
.choice input{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;cursor:pointer}
.choice label{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:3rem;padding:.25rem;border:2px solid #6b7280;border-radius:.5rem;background:#fff;color:#111827;font-size:1.25rem;font-weight:600;line-height:1.1;text-align:center;cursor:pointer}
.choice input:hover+label{border-color:var(--accent,#1d4ed8);background:var(--accent-tint,#eff6ff)}
.choice input:checked+label{border-color:var(--accent,#1d4ed8);background:var(--accent,#1d4ed8);color:#fff}
.choice input:focus-visible+label{outline:3px solid var(--accent,#1d4ed8);outline-offset:3px}
.anchors{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;margin:.5rem 0 0;color:#374151;font-size:.875rem}
.anchors span:last-child{text-align:right;margin-left:auto}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.field-label{display:block;margin-bottom:.5rem;font-weight:600;font-size:1.0625rem}
textarea{display:block;width:100%;min-height:8rem;padding:.625rem .75rem;border:2px solid #6b7280;border-radius:.5rem;background:#fff;color:#111827;font:inherit;resize:vertical}
.comment{margin-bottom:1.75rem}
button,.button{display:block;width:100%;min-height:3rem;padding:.75rem 1.5rem;border:2px solid var(--accent,#1d4ed8);border-radius:.5rem;background:var(--accent,#1d4ed8);color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
button:hover,.button:hover{background:var(--accent-dark,#1e40af);border-color:var(--accent-dark,#1e40af)}
.logo{display:block;max-width:200px;max-height:60px;margin:0 0 .75rem}
.note{white-space:pre-line}
.next{margin:1.5rem 0}
textarea:focus-visible,button:focus-visible,a:focus-visible,.alert:focus{outline:3px solid var(--accent,#1d4ed8);outline-offset:3px}
a{color:var(--accent,#1d4ed8)}
.alert{margin:0 0 1.5rem;padding:.75rem 1rem;border:2px solid #b91c1c;border-left-width:.5rem;border-radius:.5rem;background:#fff}
.alert ul{margin:0;padding-left:1.25rem}
.alert a{color:#b91c1c;font-weight:600}
.error{margin:0 0 .5rem;color:#b91c1c;font-weight:600}
.has-error{padding-left:.75rem;border-left:4px solid #b91c1c}
textarea[aria-invalid=true]{border-color:#b91c1c}
@media (max-width:359px){.card{padding-left:.625rem;padding-right:.625rem}.scale{gap:.25rem}.scale-11{gap:2px}.scale-11 .choice label{font-size:1rem}.has-error{padding-left:.5rem}}
@media (min-width:44rem){main{padding:2rem 1rem}.card{padding:2rem 1.5rem;border-radius:.75rem;box-shadow:0 1px 3px rgb(0 0 0/.12)}.scale-11{gap:.375rem}.scale-11 .choice label{font-size:1.25rem}button,.button{width:auto;min-width:12rem}.button{display:inline-block}}
@media (forced-colors:active){.choice input:checked+label{outline:4px solid Highlight;outline-offset:-6px}}
`;

/**
 * The second stylesheet of a page in a campaign's colour: the accent, a darker shade for hover and a
 * light tint, mixed with black and white here so the page needs no colour functions. The CSP allows it
 * by its hash, like the first.
 */
export function accentStyle(accentColor: string): string {
  const mix = (toward: number, share: number) =>
    `#${[1, 3, 5]
      .map((at) => {
        const channel = Number.parseInt(accentColor.slice(at, at + 2), 16);
        return Math.round(channel + (toward - channel) * share)
          .toString(16)
          .padStart(2, "0");
      })
      .join("")}`;
  return `:root{--accent:${accentColor.toLowerCase()};--accent-dark:${mix(0, 0.2)};--accent-tint:${mix(255, 0.9)}}`;
}

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const FIVE = [1, 2, 3, 4, 5] as const;

/** Replaces `{brand}` as plain text; a replacer function so that `$&` and friends in a name stay literal. */
function fill(template: string, brandName: string | undefined): string {
  return template.replaceAll("{brand}", () => brandName ?? "");
}

function toDocument(node: Child): string {
  const html = node?.toString();
  if (typeof html !== "string" && !(html instanceof String)) {
    throw new Error("survey pages must render synchronously");
  }
  return `<!doctype html>${html}`;
}

function Layout(props: PageBaseProps & { title: string; brandName?: string | undefined; children?: Child }) {
  return (
    <html lang={props.lang ?? props.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: PAGE_STYLE }} />
        {props.accentColor ? (
          <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: accentStyle(props.accentColor) }} />
        ) : null}
      </head>
      <body>
        <main>
          <div class="card">
            {props.brandName === undefined ? null : props.logoUrl ? (
              <img class="logo" src={props.logoUrl} alt={props.brandName} />
            ) : (
              <p class="brand">{props.brandName}</p>
            )}
            {props.children}
          </div>
        </main>
      </body>
    </html>
  );
}

/** Element ids: field names are `score`, `csat`, `attr.<key>`, `comment`. */
const groupId = (field: string) => field.replace(/[^A-Za-z0-9_-]/g, "-");
const optionId = (field: string, value: number) => `${groupId(field)}-${value}`;
const errorId = (field: string) => `${groupId(field)}-error`;

function ChoiceGroup(props: {
  field: string;
  legend: Child;
  legendClass?: string;
  values: readonly number[];
  /** Hidden extra name per value (the 1–5 meanings); the visible number starts every accessible name. */
  optionNames?: readonly string[];
  selected: number | null;
  hint?: Child;
  error?: string;
  required?: boolean;
  wide?: boolean;
  children?: Child;
}) {
  const hintId = `${groupId(props.field)}-hint`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId(props.field) : null]
    .filter((id) => id !== null)
    .join(" ");
  return (
    <fieldset
      id={groupId(props.field)}
      class={props.error ? "has-error" : undefined}
      aria-describedby={describedBy || undefined}
    >
      <legend class={props.legendClass}>{props.legend}</legend>
      {props.error ? (
        <p class="error" id={errorId(props.field)}>
          {props.error}
        </p>
      ) : null}
      <div class={props.wide ? "scale scale-11" : "scale"}>
        {props.values.map((value, index) => {
          const id = optionId(props.field, value);
          const extra = props.optionNames?.[index];
          return (
            <div class="choice">
              <input
                type="radio"
                id={id}
                name={props.field}
                value={String(value)}
                checked={props.selected === value}
                required={props.required}
                aria-invalid={props.error ? "true" : undefined}
              />
              <label for={id}>
                {value}
                {extra ? <span class="visually-hidden">{` ${extra}`}</span> : null}
              </label>
            </div>
          );
        })}
      </div>
      {props.hint ? (
        <p class="anchors" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The visible meanings of both ends of a scale, e.g. "0 – Not at all likely" … "10 – Extremely likely". */
function Anchors(props: { low: number; lowLabel: string; high: number; highLabel: string }) {
  return (
    <>
      <span>{`${props.low} – ${props.lowLabel}`}</span>
      <span>{`${props.high} – ${props.highLabel}`}</span>
    </>
  );
}

/** The survey form: NPS 0–10, optional CSAT 1–5, optional attribute ratings 1–5, comment. */
export function renderSurveyPage(props: SurveyPageProps): string {
  const { text, brandName } = props;
  const t = (template: string) => fill(template, brandName);
  const errorFor = (field: string) => props.errors.find((e) => e.field === field)?.message;
  const selectedFor = (field: string): number | null => {
    if (field === "score") return props.selectedScore;
    if (field === "csat") return props.csat.selected;
    return props.attributes.find((a) => `attr.${a.key}` === field)?.selected ?? null;
  };
  /** Where an error summary link leads: the checked (or first) option of a group, or the textarea. */
  const targetFor = (field: string): string | null => {
    if (field === "comment") return "comment";
    const first = field === "score" ? 0 : 1;
    const known =
      field === "score" ||
      (field === "csat" && props.csat.enabled) ||
      props.attributes.some((a) => `attr.${a.key}` === field);
    return known ? optionId(field, selectedFor(field) ?? first) : null;
  };
  const title = t(text.title);
  const firstError = props.errors[0];
  const documentTitle = `${firstError ? `${firstError.message} – ` : ""}${title} – ${brandName}`;
  const commentError = errorFor("comment");
  // The HTML parser drops one newline right after <textarea>: add one so a leading newline survives.
  const commentText = props.comment.startsWith("\n") ? `\n${props.comment}` : props.comment;

  return toDocument(
    <Layout
      locale={props.locale}
      lang={props.lang}
      nonce={props.nonce}
      logoUrl={props.logoUrl}
      accentColor={props.accentColor}
      title={documentTitle}
      brandName={brandName}
    >
      <h1>{title}</h1>
      {props.notice ? (
        <div class="notice" role="alert" tabindex={-1} autofocus>
          {props.notice}
        </div>
      ) : null}
      {props.errors.length > 0 ? (
        // Focused on load (no script needed) and announced; each entry links to its field.
        <div class="alert" role="alert" tabindex={-1} autofocus>
          <ul>
            {props.errors.map((error) => {
              const target = targetFor(error.field);
              return <li>{target ? <a href={`#${target}`}>{error.message}</a> : error.message}</li>;
            })}
          </ul>
        </div>
      ) : null}
      <form method="post" action={props.actionUrl} accept-charset="utf-8">
        <ChoiceGroup
          field="score"
          legend={t(text.question)}
          legendClass="group-title"
          values={SCORES}
          selected={props.selectedScore}
          error={errorFor("score")}
          required
          wide
          hint={
            <Anchors low={0} lowLabel={t(text.scoreLowLabel)} high={10} highLabel={t(text.scoreHighLabel)} />
          }
        />
        {props.csat.enabled ? (
          <ChoiceGroup
            field="csat"
            legend={t(text.csatQuestion)}
            legendClass="group-title"
            values={FIVE}
            optionNames={text.csatLabels.map(t)}
            selected={props.csat.selected}
            error={errorFor("csat")}
            hint={
              <Anchors low={1} lowLabel={t(text.csatLabels[0])} high={5} highLabel={t(text.csatLabels[4])} />
            }
          />
        ) : null}
        {props.attributes.length > 0 ? (
          <fieldset>
            <legend class="group-title">{t(text.attributeQuestion)}</legend>
            {props.attributes.map((attribute) => (
              <ChoiceGroup
                field={`attr.${attribute.key}`}
                legend={attribute.label}
                values={FIVE}
                optionNames={text.attributeLabels.map(t)}
                selected={attribute.selected}
                error={errorFor(`attr.${attribute.key}`)}
                hint={
                  <Anchors
                    low={1}
                    lowLabel={t(text.attributeLabels[0])}
                    high={5}
                    highLabel={t(text.attributeLabels[4])}
                  />
                }
              />
            ))}
          </fieldset>
        ) : null}
        <div class="comment">
          <label class="field-label" for="comment">
            {t(text.commentLabel)}
          </label>
          {commentError ? (
            <p class="error" id={errorId("comment")}>
              {commentError}
            </p>
          ) : null}
          <textarea
            id="comment"
            name="comment"
            rows={5}
            maxlength={MAX_COMMENT_LENGTH}
            aria-invalid={commentError ? "true" : undefined}
            aria-describedby={commentError ? errorId("comment") : undefined}
          >
            {commentText}
          </textarea>
        </div>
        <button type="submit">{props.isEdit ? t(text.update) : t(text.submit)}</button>
      </form>
    </Layout>,
  );
}

/** A title and a paragraph: 404 (unknown link, no brand), 410 (expired) and the like. */
export function renderMessagePage(props: MessagePageProps): string {
  const title = fill(props.title, props.brandName);
  return toDocument(
    <Layout
      locale={props.locale}
      lang={props.lang}
      nonce={props.nonce}
      logoUrl={props.logoUrl}
      accentColor={props.accentColor}
      title={props.brandName === undefined ? title : `${title} – ${props.brandName}`}
      brandName={props.brandName}
    >
      <h1>{title}</h1>
      <p>{fill(props.body, props.brandName)}</p>
      {props.action ? (
        <form class="action" method={props.action.method} action={props.action.url} accept-charset="utf-8">
          {props.action.hint ? <p>{fill(props.action.hint, props.brandName)}</p> : null}
          {/* A GET form replaces the action's query with its fields: carry the query over. */}
          {props.action.method === "get"
            ? [...new URL(props.action.url, "http://page.invalid").searchParams].map(([name, value]) => (
                <input type="hidden" name={name} value={value} />
              ))
            : null}
          <button type="submit">{fill(props.action.label, props.brandName)}</button>
        </form>
      ) : null}
    </Layout>,
  );
}

export function renderThankYouPage(props: ThankYouPageProps): string {
  const { text, next, ...rest } = props;
  const title = fill(text.thankYouTitle, props.brandName);
  return toDocument(
    <Layout
      locale={props.locale}
      lang={props.lang}
      nonce={props.nonce}
      logoUrl={props.logoUrl}
      accentColor={props.accentColor}
      title={`${title} – ${rest.brandName}`}
      brandName={rest.brandName}
    >
      <h1>{title}</h1>
      {next?.kind === "note" ? <p class="note">{next.text}</p> : null}
      {next?.kind === "link" ? (
        <p class="next">
          <a class="button" href={next.url} rel="noopener">
            {next.label}
          </a>
        </p>
      ) : null}
      <p>{fill(text.thankYouBody, props.brandName)}</p>
    </Layout>,
  );
}

/** After unsubscribing (or when the link is opened again later): said plainly, with the way back. */
export function renderUnsubscribedPage(props: UnsubscribedPageProps): string {
  const { text, resubscribeUrl, ...rest } = props;
  return renderMessagePage({
    ...rest,
    title: text.unsubscribedTitle,
    body: text.unsubscribedBody,
    ...(resubscribeUrl === undefined
      ? {}
      : {
          action: {
            url: resubscribeUrl,
            method: "post",
            label: text.resubscribeButton,
            hint: text.resubscribeHint,
          },
        }),
  });
}

/** The page behind the email's unsubscribe link: a GET shows this; only its POST unsubscribes. */
export function renderUnsubscribeConfirmPage(props: UnsubscribeConfirmPageProps): string {
  const { text, brandName } = props;
  const title = fill(text.unsubscribeConfirmTitle, brandName);
  return toDocument(
    <Layout
      locale={props.locale}
      lang={props.lang}
      nonce={props.nonce}
      logoUrl={props.logoUrl}
      accentColor={props.accentColor}
      title={`${title} – ${brandName}`}
      brandName={brandName}
    >
      <h1>{title}</h1>
      <p>{fill(text.unsubscribeConfirmBody, brandName)}</p>
      <form method="post" action={props.actionUrl} accept-charset="utf-8">
        <button type="submit">{fill(text.unsubscribeButton, brandName)}</button>
      </form>
    </Layout>,
  );
}
