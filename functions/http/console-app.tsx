import { createHash } from "node:crypto";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { Hono } from "hono/tiny";
import { LOCALES, type Locale } from "../domain/campaign";
import { systemClock } from "../domain/clock";
import { SIGN_IN_LINK_MINUTES } from "../domain/console-access";
import type { ConsoleMessages } from "../domain/console-messages";
import { consoleResultsMessagesFor } from "../domain/console-results-messages";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from "../domain/errors";
import { localeForLanguages } from "../domain/messages";
import { SECURE_WEBHOOK_TARGETS } from "../domain/webhook";
import { flushMetrics } from "../platform/metrics";
import {
  authenticateSession,
  requestSignInLink,
  SignInAddressInvalidError,
  SignInLinkUnusableError,
  SignInThrottledError,
  showSignInLink,
  signIn,
  signOut,
} from "../use-cases/console-sign-in";
import { ExportTooLargeForOneDownloadError } from "../use-cases/export-all-responses";
import { listCampaigns } from "../use-cases/list-campaigns";
import { addUser, listUsers, removeUser } from "../use-cases/manage-users";
import { registerCaseRoutes } from "./console-case-routes";
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDependencies,
  type ConsoleEnv,
  type ConsolePorts,
  frame,
  messages,
  requireSection,
} from "./console-context";
import {
  renderCampaignsPage,
  renderCheckEmailPage,
  renderConsoleErrorPage,
  renderSignInLinkPage,
  renderSignInPage,
  renderUsersPage,
} from "./console-pages";
import { registerResultsRoutes } from "./console-results-routes";
import { registerSettingsRoutes } from "./console-settings-routes";
import { CONSOLE_STYLE } from "./console-style";
import { type HttpError, toHttpError } from "./error-response";
import { readFormFields } from "./request-body";

export type { ConsoleDependencies } from "./console-context";

export const SESSION_COOKIE = "nps_session";
export const LANGUAGE_COOKIE = "lang";
/**
 * The largest console form: a case reply or note of 5,000 Chinese characters is about 45 KB once
 * form-encoded (each character is three bytes, each byte `%XX`); a campaign's texts in three languages
 * fit too. Anything larger is not one of ours.
 */
const MAX_CONSOLE_BODY_BYTES = 64 * 1024;

/** A form posted from another site (or with no sign of where it came from): refused before it is read. */
class CrossSiteRequestError extends ForbiddenError {
  constructor() {
    super("This form was not sent from the console's own pages.");
  }
}

/**
 * The web console for marketers (`/app`), server-rendered, no script. Signed out, only the sign-in
 * pages answer; every other path redirects to sign-in. Sign-in is by an emailed one-time link whose
 * page (GET, changes nothing) has the button that signs in (POST). The session is a cookie holding a
 * 256-bit secret whose hash keys the session record; each request checks the session and its user.
 * Every POST must come from the console's own origin (Origin, else Referer), on top of SameSite=Lax.
 */
export function createConsoleApp(deps: ConsoleDependencies): ConsoleApp {
  const ports: ConsolePorts = {
    ...deps,
    clock: deps.clock ?? systemClock,
    webhookTargets: deps.webhookTargets ?? SECURE_WEBHOOK_TARGETS,
  };
  const allowedOrigins = new Set([new URL(deps.publicBaseUrl).origin]);
  const app = new Hono<ConsoleEnv>();

  app.use(
    "*",
    secureHeaders({
      strictTransportSecurity: "max-age=63072000; includeSubDomains",
      // Sign-in links carry their token in the path: no other site learns where a page was. Not
      // no-referrer: under it browsers send `Origin: null` with a form post, and the CSRF check needs it.
      referrerPolicy: "same-origin",
      xFrameOptions: "DENY",
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    flushMetrics();
  });
  app.use("*", async (c, next) => {
    c.set("locale", chooseLocale(c));
    await next();
  });
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !isSameOrigin(c, allowedOrigins)) {
      throw new CrossSiteRequestError();
    }
    await next();
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_CONSOLE_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_CONSOLE_BODY_BYTES);
      },
    }),
  );
  // Everything but the sign-in pages needs a session; without one a page asks to sign in first.
  app.use("*", async (c, next) => {
    const path = c.req.path;
    const user = await authenticateSession(ports, getCookie(c, SESSION_COOKIE));
    if (user) c.set("user", user);
    if (user || isSignInPath(path)) return await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return c.redirect("/app/sign-in", 303);
    const url = new URL(c.req.url);
    return c.redirect(`/app/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
  });

  app.notFound((c) => renderError(c as ConsoleContext, toHttpError(new NotFoundError("No such page."))));
  app.onError((error, c) => renderError(c as ConsoleContext, toHttpError(error)));

  app.get("/app", (c) => {
    if (c.get("user")) return c.redirect("/app/campaigns", 303);
    return c.html(renderSignInPage(frame(c)));
  });

  app.get("/app/", (c) => c.redirect("/app", 308));

  app.get("/app/sign-in", (c) => {
    const next = c.req.query("next");
    if (c.get("user")) return c.redirect("/app/campaigns", 303);
    const m = messages(c);
    return c.html(
      renderSignInPage({
        ...frame(c),
        ...(next === undefined ? {} : { next }),
        ...(c.req.query("signed-out") === undefined ? {} : { notice: m.signedOutNotice }),
      }),
    );
  });

  app.post("/app/sign-in", async (c) => {
    const fields = await readFormFields(c);
    const { email } = await requestSignInLink(ports, {
      email: fields.email,
      next: fields.next,
      locale: c.get("locale"),
    });
    return c.html(renderCheckEmailPage({ ...frame(c), email, minutes: SIGN_IN_LINK_MINUTES }));
  });

  app.get("/app/sign-in/:token", async (c) => {
    const { email } = await showSignInLink(ports, c.req.param("token"));
    return c.html(renderSignInLinkPage({ ...frame(c), email, actionUrl: c.req.path }));
  });

  app.post("/app/sign-in/:token", async (c) => {
    const signedIn = await signIn(ports, c.req.param("token"));
    // A session that was open in this browser before is ended, not left behind.
    await signOut(ports, getCookie(c, SESSION_COOKIE));
    setCookie(c, SESSION_COOKIE, signedIn.sessionSecret, {
      httpOnly: true,
      secure: isHttps(c),
      sameSite: "Lax",
      path: "/app",
      maxAge: Math.floor((signedIn.endsAt.getTime() - ports.clock().getTime()) / 1000),
    });
    return c.redirect(signedIn.next, 303);
  });

  app.post("/app/sign-out", async (c) => {
    await signOut(ports, getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/app", secure: isHttps(c), httpOnly: true, sameSite: "Lax" });
    return c.redirect("/app/sign-in?signed-out", 303);
  });

  app.get("/app/campaigns", async (c) => {
    const cursor = c.req.query("cursor");
    const page = await listCampaigns(ports, cursor === undefined ? {} : { cursor });
    return c.html(
      renderCampaignsPage({
        ...frame(c, "campaigns"),
        campaigns: page.items,
        nextCursor: page.nextCursor,
        paged: cursor !== undefined,
      }),
    );
  });

  // Most specific paths first: `/app/campaigns/new` is a settings page, not a campaign called "new".
  registerSettingsRoutes(app, ports);
  registerResultsRoutes(app, ports);
  registerCaseRoutes(app, ports);

  const usersPage = async (
    c: ConsoleContext,
    extra: { notice?: string; error?: string; email?: string } = {},
    status: 200 | 400 | 403 | 409 = 200,
  ) =>
    c.html(
      renderUsersPage({ ...frame(c, "users"), user: c.get("user"), users: await listUsers(ports), ...extra }),
      status,
    );
  app.get("/app/users", async (c) => {
    requireSection(c, "users");
    return await usersPage(c);
  });
  app.post("/app/users", async (c) => {
    requireSection(c, "users");
    const fields = await readFormFields(c);
    const m = messages(c);
    const typed = typeof fields.email === "string" ? fields.email : "";
    try {
      const added = await addUser(ports, { email: fields.email, role: fields.admin ? "admin" : "member" });
      return await usersPage(c, { notice: m.userAdded(added.email) });
    } catch (error) {
      if (error instanceof ValidationError)
        return await usersPage(c, { error: m.emailInvalid, email: typed }, 400);
      if (error instanceof ConflictError) {
        return await usersPage(c, { error: m.userExists(typed.trim().toLowerCase()), email: typed }, 409);
      }
      throw error;
    }
  });
  app.post("/app/users/remove", async (c) => {
    requireSection(c, "users");
    const fields = await readFormFields(c);
    const m = messages(c);
    try {
      const removed = await removeUser(ports, { email: fields.email, by: c.get("user").email });
      return await usersPage(c, { notice: m.userRemoved(removed) });
    } catch (error) {
      if (error instanceof ForbiddenError) return await usersPage(c, { notice: m.cannotRemoveYourself }, 403);
      throw error;
    }
  });

  return app;
}

const STYLE_HASH = `'sha256-${createHash("sha256").update(CONSOLE_STYLE, "utf8").digest("base64")}'`;
/** No script at all, the one stylesheet by its hash, forms only to this origin, never in a frame. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** The pages a signed-out browser may open: the sign-in form and what sign-in links lead to. */
const isSignInPath = (path: string): boolean =>
  path === "/app" ||
  path === "/app/" ||
  path === "/app/sign-in" ||
  path.startsWith("/app/sign-in/") ||
  path === "/app/sign-out";

/** HTTPS as the browser sees it: the URL (Lambda's is https) or the proxy in front saying so. */
const isHttps = (c: Context): boolean =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";

/**
 * The request came from one of the console's own pages: its Origin (or, when a browser sends none,
 * its Referer's origin) is this request's own origin or the configured one. A request with neither
 * is refused: every browser that posts a form sends one of them.
 */
function isSameOrigin(c: Context, allowed: ReadonlySet<string>): boolean {
  const claimed = c.req.header("origin") ?? originOf(c.req.header("referer"));
  if (claimed === undefined || claimed === "null") return false;
  return claimed === new URL(c.req.url).origin || allowed.has(claimed);
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).origin;
}

/**
 * The page's language: `?lang=` (remembered in a cookie for the next pages), else the cookie, else
 * the browser's `Accept-Language`.
 */
function chooseLocale(c: Context): Locale {
  const isLocale = (value: string | undefined): value is Locale => LOCALES.includes(value as Locale);
  const asked = c.req.query("lang");
  if (isLocale(asked)) {
    setCookie(c, LANGUAGE_COOKIE, asked, {
      path: "/app",
      sameSite: "Lax",
      httpOnly: true,
      secure: isHttps(c),
      maxAge: 365 * 86_400,
    });
    return asked;
  }
  const remembered = getCookie(c, LANGUAGE_COOKIE);
  if (isLocale(remembered)) return remembered;
  c.header("Vary", "Accept-Language, Cookie", { append: true });
  return accepts(c, {
    header: "Accept-Language",
    supports: [...LOCALES],
    default: "en",
    match: (ranges) => localeForLanguages(ranges),
  }) as Locale;
}

/** An error as a console page, in the page's language, inside the shell when signed in. */
function renderError(c: ConsoleContext, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const m = messages(c);
  const cause = error.cause;
  const page = frame(c);
  if (cause instanceof SignInAddressInvalidError) {
    const { email, next } = cause.form;
    return c.html(
      renderSignInPage({ ...page, error: m.emailInvalid, email, ...(next === undefined ? {} : { next }) }),
      400,
    );
  }
  if (cause instanceof SignInLinkUnusableError) {
    const problem = {
      title: cause.state === "used" ? m.linkUsedTitle : m.linkExpiredTitle,
      body: m.linkUnusableBody(SIGN_IN_LINK_MINUTES),
    };
    return c.html(renderSignInPage({ ...page, problem }), 410);
  }
  if (cause instanceof SignInThrottledError) {
    return c.html(
      renderSignInPage({ ...page, problem: { title: m.tooManyLinksTitle, body: m.tooManyLinksBody } }),
      429,
    );
  }
  if (cause instanceof ExportTooLargeForOneDownloadError) {
    const r = consoleResultsMessagesFor(page.locale);
    const apiPath = `/v1/campaigns/${cause.campaignId}/responses.csv`;
    return c.html(
      renderConsoleErrorPage({ ...page, title: r.exportTooLargeTitle, body: r.exportTooLargeBody(apiPath) }),
      409,
    );
  }
  if (cause instanceof CrossSiteRequestError) {
    return c.html(renderConsoleErrorPage({ ...page, title: m.crossSiteTitle, body: m.crossSiteBody }), 403);
  }
  const { title, body } = PAGE_OF_STATUS[error.status](m);
  return c.html(renderConsoleErrorPage({ ...page, title, body }), error.status);
}

const PAGE_OF_STATUS: Record<HttpError["status"], (m: ConsoleMessages) => { title: string; body: string }> = {
  400: (m) => ({ title: m.badRequestTitle, body: m.badRequestBody }),
  401: (m) => ({ title: m.notFoundTitle, body: m.notFoundBody }),
  403: (m) => ({ title: m.forbiddenTitle, body: m.forbiddenBody }),
  404: (m) => ({ title: m.notFoundTitle, body: m.notFoundBody }),
  409: (m) => ({ title: m.busyTitle, body: m.busyBody }),
  410: (m) => ({ title: m.notFoundTitle, body: m.notFoundBody }),
  413: (m) => ({ title: m.badRequestTitle, body: m.badRequestBody }),
  415: (m) => ({ title: m.badRequestTitle, body: m.badRequestBody }),
  429: (m) => ({ title: m.busyTitle, body: m.busyBody }),
  500: (m) => ({ title: m.serverErrorTitle, body: m.serverErrorBody }),
};
