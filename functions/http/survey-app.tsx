import { createHash } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Hono } from "hono/tiny";
import { parseAccept } from "hono/utils/accept";
import { ANSWER_WINDOW_DAYS, MAX_COMMENT_LENGTH } from "../domain/answer";
import { type Clock, systemClock } from "../domain/clock";
import { LinkExpiredError, NotFoundError, PayloadTooLargeError } from "../domain/errors";
import type { Locale } from "../domain/locale";
import { localeForLanguages, type PageMessages, pageMessagesFor } from "../domain/messages";
import { countMetric, flushMetrics } from "../platform/metrics";
import {
  AnswerInvalidError,
  AnswerNotRecordedError,
  type RecordAnswerPorts,
  recordAnswer,
} from "../use-cases/record-answer";
import { type SurveyForm, showSurvey } from "../use-cases/show-survey";
import type { PageContext } from "../use-cases/survey-link";
import {
  resubscribe,
  type SubscriptionPage,
  showUnsubscribe,
  type UnsubscribePorts,
  unsubscribe,
} from "../use-cases/unsubscribe";
import { type HttpError, toHttpError } from "./error-response";
import { readFormFields } from "./request-body";
import {
  accentStyle,
  type MessagePageProps,
  PAGE_STYLE,
  renderMessagePage,
  renderSurveyPage,
  renderThankYouPage,
  renderUnsubscribeConfirmPage,
  renderUnsubscribedPage,
  type SurveyPageText,
} from "./survey-pages";

/** What the customer pages work with: the stores (or fakes) behind their use cases. */
export type SurveyDependencies = Omit<RecordAnswerPorts & UnsubscribePorts, "clock"> & {
  readonly clock?: Clock;
};

/**
 * The security headers of every answer: what hono's `secureHeaders()` middleware sets by default, with
 * HSTS for two years, no referrer and no framing at all. Written out rather than taken from
 * `hono/secure-headers`, whose option handling (CSP builders, nonces, permissions policy) this fixed
 * list does not need, to keep the survey function's bundle small. The CSP is set per page below.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=63072000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

/** Answers are small: a 5,000-character comment is at most 20 KB of UTF-8. */
const MAX_SURVEY_BODY_BYTES = 64 * 1024;

/**
 * The public customer pages: `/s/{token}` (survey) and `/u/{token}` (unsubscribe), no API key. A GET
 * never changes anything (mail scanners open every link); only a POST records an answer or
 * unsubscribes. Each route calls one use case and renders a page, or the API's JSON for JSON callers;
 * errors are mapped by the one mapper and rendered here as pages in the customer's language.
 */
export function createSurveyApp(deps: SurveyDependencies): Hono {
  const ports = { ...deps, clock: deps.clock ?? systemClock };
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
    c.res.headers.delete("X-Powered-By");
  });
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    // Known once the page is rendered: a campaign's accent stylesheet and logo are allowed by name.
    c.header("Content-Security-Policy", contentSecurityPolicy(pageContexts.get(c)));
  });
  app.use("*", async (_c, next) => {
    await next();
    flushMetrics();
  });
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => renderError(c, toHttpError(new NotFoundError("This link is not valid."))));
  app.onError((error, c) => renderError(c, toHttpError(error)));

  const link = (c: Context) => ({
    token: c.req.param("token") ?? "",
    onOpened: (page: PageContext) => pageContexts.set(c, page),
  });
  const limitBody = bodyLimit({
    maxSize: MAX_SURVEY_BODY_BYTES,
    onError: () => {
      throw new PayloadTooLargeError(MAX_SURVEY_BODY_BYTES);
    },
  });

  app.get("/s/:token", async (c) => {
    const form = await showSurvey(ports, { ...link(c), score: c.req.query("score") });
    return c.html(surveyPage(form, []));
  });

  app.post("/s/:token", limitBody, async (c) => {
    const { status, answer, page, next } = await recordAnswer(ports, {
      ...link(c),
      readFields: () => readFormFields(c),
    });
    if (status !== "unchanged") countMetric("AnswersRecorded");
    if (wantsJson(c)) return c.json({ status, answer });
    return c.html(renderThankYouPage({ ...page, text: surveyPageText(page.locale, page.brandName), next }));
  });

  app.get("/u/:token", async (c) => {
    const page = await showUnsubscribe(ports, link(c));
    if (page.state !== "subscribed") return c.html(subscriptionPage(c, page));
    return c.html(
      renderUnsubscribeConfirmPage({
        ...page,
        text: surveyPageText(page.locale, page.brandName),
        actionUrl: `/u/${c.req.param("token")}`,
      }),
    );
  });

  // RFC 8058 one-click target: mail providers POST `List-Unsubscribe=One-Click` here; the page's button does too.
  app.post("/u/:token", limitBody, async (c) => {
    const page = await unsubscribe(ports, link(c));
    countMetric("Unsubscribes");
    if (wantsJson(c)) return c.json({ status: "unsubscribed" });
    return c.html(subscriptionPage(c, page));
  });

  app.post("/u/:token/resubscribe", limitBody, async (c) => {
    const page = await resubscribe(ports, link(c));
    if (page.state === "subscribed") countMetric("Resubscribes");
    if (wantsJson(c)) return c.json({ status: page.state });
    return c.html(subscriptionPage(c, page));
  });

  return app;
}

const styleHash = (style: string) =>
  `'sha256-${createHash("sha256").update(style, "utf8").digest("base64")}'`;
const STYLE_HASH = styleHash(PAGE_STYLE);

/**
 * The pages' CSP: nothing but the page's stylesheets, by hash (no script or other inline style can
 * run), and, on a campaign's page, its accent stylesheet and images from its logo's origin alone.
 */
function contentSecurityPolicy(page: PageContext | undefined): string {
  const styles = [STYLE_HASH, ...(page?.accentColor ? [styleHash(accentStyle(page.accentColor))] : [])];
  return [
    "default-src 'none'",
    `style-src ${styles.join(" ")}`,
    ...(page?.logoUrl ? [`img-src ${new URL(page.logoUrl).origin}`] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The page texts in a locale, with the brand already in them. */
export function surveyPageText(locale: Locale, brand: string): SurveyPageText {
  const m = pageMessagesFor(locale);
  return {
    title: m.pageTitle,
    question: m.npsQuestion(brand),
    scoreLowLabel: m.scoreLowMeaning,
    scoreHighLabel: m.scoreHighMeaning,
    csatQuestion: m.csatQuestion(brand),
    csatLabels: m.csatLabels,
    attributeQuestion: m.attributeQuestion,
    attributeLabels: m.attributeLabels,
    commentLabel: m.commentLabel,
    submit: m.submitButton,
    update: m.updateButton,
    thankYouTitle: m.thanksTitle,
    thankYouBody: `${m.thanksBody} ${m.thanksEditHint(ANSWER_WINDOW_DAYS)}`,
    expiredTitle: m.expiredTitle,
    expiredBody: m.expiredBody,
    notFoundTitle: m.notFoundTitle,
    notFoundBody: m.notFoundBody,
    unsubscribeConfirmTitle: m.unsubscribeTitle,
    unsubscribeConfirmBody: m.unsubscribeBody,
    unsubscribeButton: m.unsubscribeButton,
    unsubscribedTitle: m.unsubscribedTitle,
    unsubscribedBody: m.unsubscribedBody,
    resubscribeHint: m.resubscribeHint,
    resubscribeButton: m.resubscribeButton,
    scoreError: m.errorScoreRequired,
    commentTooLongError: m.errorCommentTooLong(MAX_COMMENT_LENGTH),
  };
}

function surveyPage(form: SurveyForm, errors: { field: string; message: string }[], notice?: string): string {
  return renderSurveyPage({
    ...form,
    text: surveyPageText(form.locale, form.brandName),
    actionUrl: `/s/${form.token}`,
    errors,
    ...(notice === undefined ? {} : { notice }),
  });
}

/** Where an unsubscribe link's address stands: a confirmation, and the way back if it may take it. */
function subscriptionPage(c: Context, page: SubscriptionPage): string {
  const m = pageMessagesFor(page.locale);
  if (page.state === "subscribed") {
    return renderMessagePage({ ...page, title: m.resubscribedTitle, body: m.resubscribedBody });
  }
  return renderUnsubscribedPage({
    ...page,
    text: surveyPageText(page.locale, page.brandName),
    ...(page.state === "unsubscribed" ? { resubscribeUrl: `/u/${c.req.param("token")}/resubscribe` } : {}),
  });
}

const wantsJson = (c: Context): boolean =>
  /application\/json/i.test(c.req.header("content-type") ?? "") ||
  /^application\/json/i.test(c.req.header("accept") ?? "");

/** The page context of the link a request opened, for the pages of errors after that point. */
const pageContexts = new WeakMap<Context, PageContext>();

/**
 * The locale of an error page: the link's once the request has opened one; otherwise (the link is
 * unknown, or the request failed before the link was read) the browser's choice, and then the
 * response varies by `Accept-Language`.
 */
function requestLocale(c: Context): Locale {
  const known = pageContexts.get(c);
  if (known !== undefined) return known.locale;
  c.header("Vary", "Accept-Language", { append: true });
  // What hono's `accepts(c, { header: "Accept-Language", default: "en", match: localeForLanguages })`
  // does, with its header parser alone: the bundle then carries none of the helper's own matching.
  const header = c.req.header("Accept-Language");
  return header ? localeForLanguages(parseAccept(header)) : "en";
}

/**
 * An error as the customer sees it: the API's error body for JSON callers, else a page in the link's
 * (or the browser's) language. An answer that does not fit the survey shows the form again, with
 * each problem next to its field.
 */
function renderError(c: Context, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  if (wantsJson(c)) return c.json(error.body, error.status);
  const cause = error.cause;
  if (cause instanceof AnswerInvalidError) {
    const text = surveyPageText(cause.form.locale, cause.form.brandName);
    const messages = pageMessagesFor(cause.form.locale);
    const shown = (cause.details ?? []).map((e) => ({
      field: e.field,
      message:
        e.field === "score"
          ? text.scoreError
          : e.field === "comment"
            ? cause.form.comment.trim().length > MAX_COMMENT_LENGTH
              ? text.commentTooLongError
              : messages.errorCommentInvalid
            : messages.errorRatingInvalid,
    }));
    return c.html(surveyPage(cause.form, shown), 400);
  }
  if (cause instanceof AnswerNotRecordedError) {
    return c.html(surveyPage(cause.form, [], pageMessagesFor(cause.form.locale).busyAnswerAlert), 429);
  }
  if (cause instanceof LinkExpiredError) {
    const locale = cause.page.locale as Locale;
    const text = pageMessagesFor(locale);
    return c.html(
      renderMessagePage({
        ...pageContexts.get(c),
        locale,
        brandName: cause.page.brandName,
        title: text.expiredTitle,
        body: text.expiredBody,
      }),
      410,
    );
  }
  const locale = requestLocale(c);
  const text = pageMessagesFor(locale);
  const { title, body } = PAGE_OF_STATUS[error.status](text);
  const page = pageContexts.get(c);
  return c.html(
    renderMessagePage({
      locale,
      title,
      body,
      ...(page === undefined
        ? {}
        : { brandName: page.brandName, logoUrl: page.logoUrl, accentColor: page.accentColor }),
      ...(error.status === 429 ? { action: retryAction(c, text.tryAgainButton) } : {}),
    }),
    error.status,
  );
}

/**
 * "Try again" on a busy page: the same page again for a GET; for a POST, the same unsubscribe or
 * resubscribe (safe to repeat), or the survey page of the link (its form, to answer again).
 */
function retryAction(c: Context, label: string): NonNullable<MessagePageProps["action"]> {
  const url = new URL(c.req.url);
  if (c.req.method === "GET") return { url: `${url.pathname}${url.search}`, method: "get", label };
  if (url.pathname.startsWith("/u/")) return { url: url.pathname, method: "post", label };
  return { url: url.pathname, method: "get", label };
}

const PAGE_OF_STATUS: Record<HttpError["status"], (text: PageMessages) => { title: string; body: string }> = {
  400: (t) => ({ title: t.notAFormTitle, body: t.notAFormBody }),
  401: (t) => ({ title: t.notFoundTitle, body: t.notFoundBody }),
  403: (t) => ({ title: t.notFoundTitle, body: t.notFoundBody }),
  404: (t) => ({ title: t.notFoundTitle, body: t.notFoundBody }),
  409: (t) => ({ title: t.busyTitle, body: t.busyBody }),
  410: (t) => ({ title: t.expiredTitle, body: t.expiredBody }),
  413: (t) => ({ title: t.tooLargeTitle, body: t.tooLargeBody }),
  415: (t) => ({ title: t.notAFormTitle, body: t.notAFormBody }),
  429: (t) => ({ title: t.busyTitle, body: t.busyBody }),
  500: (t) => ({ title: t.serverErrorTitle, body: t.serverErrorBody }),
};
