import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import { accepts } from "hono/accepts";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { ANSWER_WINDOW_DAYS, MAX_COMMENT_LENGTH, parseAnswer } from "../domain/answer";
import { type Campaign, LOCALES, type Locale } from "../domain/campaign";
import { ThrottledError } from "../domain/errors";
import { answerWindowClosed, type Invitation } from "../domain/invitation";
import { localeForLanguages, type Messages, messagesFor } from "../domain/messages";
import { isToken } from "../domain/tokens";
import { describeError, log } from "../log";
import { countMetric, flushMetrics } from "../metrics";
import type { CampaignStore } from "../store/campaign-store";
import type { InvitationStore } from "../store/invitation-store";
import type { ResponseStore } from "../store/response-store";
import type { ResultsStore } from "../store/results-store";
import { INTERNAL_ERROR_BODY, isCapacityError, RETRY_AFTER_SECONDS } from "./error-response";
import {
  PAGE_STYLE,
  renderMessagePage,
  renderSurveyPage,
  renderThankYouPage,
  renderUnsubscribeConfirmPage,
  renderUnsubscribedPage,
  type SurveyPageText,
} from "./survey-pages";

export type SurveyDependencies = {
  readonly campaigns: CampaignStore;
  readonly invitations: InvitationStore;
  readonly responses: ResponseStore;
  readonly results: ResultsStore;
  readonly clock?: () => Date;
};

/** Answers are small: a 5,000-character comment is at most 20 KB of UTF-8. */
const MAX_SURVEY_BODY_BYTES = 64 * 1024;

/**
 * The public customer pages: `/s/{token}` (survey) and `/u/{token}` (unsubscribe), no API key. A GET
 * never changes anything (mail scanners open every link); only a POST records an answer or
 * unsubscribes. Unknown tokens get the same plain 404 whatever the reason, so nothing leaks.
 */
export function createSurveyApp(deps: SurveyDependencies): Hono {
  const app = new Hono();
  const now = () => (deps.clock ?? (() => new Date()))();

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: [STYLE_HASH],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: "max-age=63072000; includeSubDomains",
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  app.use("*", async (_c, next) => {
    await next();
    flushMetrics();
  });
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => notFound(c));
  app.onError((error, c) => {
    if (isCapacityError(error)) {
      // The table is busy: nothing was recorded, and the customer's retry in a moment will go through.
      const throttled = error instanceof ThrottledError ? error : new ThrottledError();
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return respondInRequestLanguage(c, 429, (text) => ({ title: text.busyTitle, body: text.busyBody }), {
        code: throttled.code,
        message: throttled.message,
      });
    }
    log("error", "unhandled error", { error: describeError(error) });
    if (wantsJson(c)) {
      return c.json(INTERNAL_ERROR_BODY, 500);
    }
    const locale = requestLocale(c);
    const text = messagesFor(locale);
    return c.html(
      renderMessagePage({ locale, title: text.serverErrorTitle, body: text.serverErrorBody }),
      500,
    );
  });

  /** The invitation behind a link, with its campaign; a Response when the link cannot be used. */
  const open = async (
    c: Context,
  ): Promise<{ invitation: Invitation; campaign: Campaign; locale: Locale } | Response> => {
    const token = c.req.param("token") ?? "";
    const invitation = isToken(token) ? await deps.invitations.get(token) : undefined;
    // Until its email is sent, nobody can hold the link: answer as for an unknown token.
    if (!invitation || invitation.sentAt === null) return notFound(c);
    const campaign = await deps.campaigns.get(invitation.campaignId);
    if (!campaign) return notFound(c);
    const locale = invitation.locale ?? campaign.locale;
    invitationLocales.set(c, locale);
    return { invitation, campaign, locale };
  };

  const expired = (c: Context, locale: Locale, brandName: string) => {
    const text = messagesFor(locale);
    return respond(
      c,
      410,
      renderMessagePage({ locale, brandName, title: text.expiredTitle, body: text.expiredBody }),
      {
        code: "link_expired",
        message: `This survey link was open for ${ANSWER_WINDOW_DAYS} days after it was sent and has closed.`,
      },
    );
  };

  app.get("/s/:token", async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const { invitation, campaign, locale } = opened;
    if (answerWindowClosed(invitation, now())) return expired(c, locale, campaign.brandName);
    const previous = await deps.responses.get(invitation.token);
    const linkScore = /^(?:10|\d)$/.test(c.req.query("score") ?? "") ? Number(c.req.query("score")) : null;
    return c.html(
      renderSurveyPage({
        locale,
        text: surveyPageText(locale, campaign.brandName),
        brandName: campaign.brandName,
        actionUrl: `/s/${invitation.token}`,
        selectedScore: linkScore ?? previous?.score ?? null,
        csat: { enabled: campaign.csat, selected: previous?.csat ?? null },
        attributes: campaign.attributes.map((a) => ({ ...a, selected: previous?.attributes[a.key] ?? null })),
        comment: previous?.comment ?? "",
        errors: [],
        isEdit: previous !== undefined,
      }),
    );
  });

  app.post(
    "/s/:token",
    bodyLimit({ maxSize: MAX_SURVEY_BODY_BYTES, onError: (c) => tooLarge(c) }),
    async (c) => {
      const opened = await open(c);
      if (opened instanceof Response) return opened;
      const { invitation, campaign, locale } = opened;
      if (answerWindowClosed(invitation, now())) return expired(c, locale, campaign.brandName);
      const body = await readForm(c);
      if (body instanceof Response) return body;

      const parsed = parseAnswer(body, campaign);
      const text = surveyPageText(locale, campaign.brandName);
      if (!parsed.ok) {
        const messages = messagesFor(locale);
        const shown = parsed.errors.map((e) => ({
          field: e.field,
          message:
            e.field === "score"
              ? text.scoreError
              : e.field === "comment"
                ? text.commentTooLongError
                : messages.errorRatingInvalid,
        }));
        return respond(
          c,
          400,
          renderSurveyPage({
            locale,
            text,
            brandName: campaign.brandName,
            actionUrl: `/s/${invitation.token}`,
            selectedScore: parsed.answer.score ?? null,
            csat: { enabled: campaign.csat, selected: parsed.answer.csat ?? null },
            attributes: campaign.attributes.map((a) => ({
              ...a,
              selected: parsed.answer.attributes?.[a.key] ?? null,
            })),
            comment: typeof body.comment === "string" ? body.comment : "",
            errors: shown,
            isEdit: (await deps.responses.get(invitation.token)) !== undefined,
          }),
          {
            code: "validation_failed",
            message: `The answer is not valid: ${[...new Set(parsed.errors.map((e) => e.field))].join(", ")}.`,
            details: parsed.errors,
          },
        );
      }
      const segments = await deps.results.resolveSegments(
        campaign.id,
        campaign.segmentBy,
        invitation.properties,
        invitation.segments ?? {},
      );
      const outcome = await deps.responses.record(invitation, parsed.answer, segments, now());
      if (outcome !== "unchanged") countMetric("AnswersRecorded");
      if (wantsJson(c)) return c.json({ status: outcome, answer: parsed.answer });
      return c.html(renderThankYouPage({ locale, text, brandName: campaign.brandName }));
    },
  );

  app.get("/u/:token", async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const { invitation, campaign, locale } = opened;
    return c.html(
      renderUnsubscribeConfirmPage({
        locale,
        text: surveyPageText(locale, campaign.brandName),
        brandName: campaign.brandName,
        actionUrl: `/u/${invitation.token}`,
      }),
    );
  });

  // RFC 8058 one-click target: mail providers POST `List-Unsubscribe=One-Click` here; the page's button does too.
  app.post(
    "/u/:token",
    bodyLimit({ maxSize: MAX_SURVEY_BODY_BYTES, onError: (c) => tooLarge(c) }),
    async (c) => {
      const opened = await open(c);
      if (opened instanceof Response) return opened;
      const { invitation, campaign, locale } = opened;
      await deps.invitations.unsubscribe(invitation, now());
      countMetric("Unsubscribes");
      if (wantsJson(c)) return c.json({ status: "unsubscribed" });
      return c.html(
        renderUnsubscribedPage({
          locale,
          text: surveyPageText(locale, campaign.brandName),
          brandName: campaign.brandName,
        }),
      );
    },
  );

  return app;
}

/** The CSP allows exactly the pages' one stylesheet, by hash: no inline script or style can run. */
const STYLE_HASH = `'sha256-${createHash("sha256").update(PAGE_STYLE, "utf8").digest("base64")}'`;

/** The page texts in a locale, with the brand already in them. */
export function surveyPageText(locale: Locale, brand: string): SurveyPageText {
  const m = messagesFor(locale);
  return {
    title: m.pageTitle(brand),
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
    scoreError: m.errorScoreRequired,
    commentTooLongError: m.errorCommentTooLong(MAX_COMMENT_LENGTH),
  };
}

const wantsJson = (c: Context): boolean =>
  /application\/json/i.test(c.req.header("content-type") ?? "") ||
  /^application\/json/i.test(c.req.header("accept") ?? "");

/** A page for browsers, the API's error body for JSON callers. */
function respond(
  c: Context,
  status: 400 | 404 | 410 | 413 | 415 | 429,
  page: string,
  error: { code: string; message: string; details?: unknown },
): Response {
  return wantsJson(c) ? c.json({ error }, status) : c.html(page, status);
}

/** The locale of the invitation a request opened, for the error pages of `app.onError`. */
const invitationLocales = new WeakMap<Context, Locale>();

/**
 * The locale of an error page: the invitation's once the request has opened one; otherwise (the link is
 * unknown, or the request failed before the invitation was read) the browser's choice, and then the
 * response varies by `Accept-Language`.
 */
function requestLocale(c: Context): Locale {
  const known = invitationLocales.get(c);
  if (known !== undefined) return known;
  c.header("Vary", "Accept-Language", { append: true });
  return accepts(c, {
    header: "Accept-Language",
    supports: [...LOCALES],
    default: "en",
    match: (ranges) => localeForLanguages(ranges),
  }) as Locale;
}

/** Like `respond`, with a message page in the browser's language; the JSON error body stays English. */
function respondInRequestLanguage(
  c: Context,
  status: 404 | 413 | 429,
  page: (text: Messages) => { title: string; body: string },
  error: { code: string; message: string },
): Response {
  if (wantsJson(c)) return c.json({ error }, status);
  const locale = requestLocale(c);
  return c.html(renderMessagePage({ locale, ...page(messagesFor(locale)) }), status);
}

function notFound(c: Context): Response {
  return respondInRequestLanguage(
    c,
    404,
    (text) => ({ title: text.notFoundTitle, body: text.notFoundBody }),
    {
      code: "not_found",
      message: "This link is not valid.",
    },
  );
}

function tooLarge(c: Context): Response {
  c.header("Connection", "close");
  return respondInRequestLanguage(
    c,
    413,
    (text) => ({ title: text.tooLargeTitle, body: text.tooLargeBody }),
    {
      code: "payload_too_large",
      message: `The request body is larger than ${MAX_SURVEY_BODY_BYTES} bytes.`,
    },
  );
}

/** The posted fields, from a form (what the page sends) or JSON; anything else is a 415 or a 400. */
async function readForm(c: Context): Promise<Record<string, unknown> | Response> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (/^application\/(?:[\w.+-]+\+)?json/.test(type)) {
    try {
      const parsed: unknown = JSON.parse(await c.req.text());
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // answered below
    }
    return c.json(
      { error: { code: "malformed_body", message: "The request body must be a JSON object." } },
      400,
    );
  }
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    try {
      const form = await c.req.parseBody({ all: false });
      return Object.fromEntries(Object.entries(form).filter(([, value]) => typeof value === "string"));
    } catch {
      // A body that does not parse as the form it claims to be (a broken multipart boundary, say).
      return respond(
        c,
        400,
        renderMessagePage({ locale: "en", title: "Not a form", body: "Please answer from the survey page." }),
        {
          code: "malformed_body",
          message: "The request body is not a valid form.",
        },
      );
    }
  }
  return respond(
    c,
    415,
    renderMessagePage({ locale: "en", title: "Unsupported", body: "Please answer from the survey page." }),
    {
      code: "unsupported_media_type",
      message: "Send the answer as a form (application/x-www-form-urlencoded) or as application/json.",
    },
  );
}
