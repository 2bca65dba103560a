/** @jsxImportSource hono/jsx */

import type { Child } from "hono/jsx";
import type { Locale } from "../domain/campaign";
import { type ConsoleSection, type ConsoleUser, mayOpen } from "../domain/console-access";
import { type ConsoleMessages, consoleMessagesFor } from "../domain/console-messages";
import { CONSOLE_STYLE } from "./console-style";

/**
 * What every console page is built from: the frame (language, path, user, section), the shell (product
 * name, main navigation with admin sections only for admins, language switch, sign-out), and the step
 * from JSX to a complete document. Pages are pure functions from props to HTML: plain links and forms,
 * no script, escaped by default (Hono JSX).
 */

/** What every page knows: its language, the path it was asked for (for the language links), who is in. */
export type ConsolePageFrame = {
  readonly locale: Locale;
  /** The path and query of this page, e.g. `/app/campaigns?cursor=…`: the language links keep it. */
  readonly currentPath: string;
  /** The signed-in user; undefined on the sign-in pages. */
  readonly user?: ConsoleUser | undefined;
  /** The navigation entry this page belongs to. */
  readonly section?: ConsoleSection | undefined;
};

const LANGUAGES: readonly { locale: Locale; name: string }[] = [
  { locale: "en", name: "English" },
  { locale: "zh-Hant", name: "繁體中文" },
  { locale: "zh-Hans", name: "简体中文" },
];

/** The same page in another language: its path and query, `lang` replaced. */
function withLanguage(currentPath: string, locale: Locale): string {
  const url = new URL(currentPath, "http://console.invalid");
  url.searchParams.set("lang", locale);
  return `${url.pathname}${url.search}`;
}

/** The page as a complete HTML document (Hono JSX renders synchronously here: no async components). */
export function toDocument(node: Child): string {
  const html = node?.toString();
  if (typeof html !== "string" && !(html instanceof String)) {
    throw new Error("console pages must render synchronously");
  }
  return `<!doctype html>${html}`;
}

const NAVIGATION: readonly {
  section: ConsoleSection;
  href: string;
  label: (m: ConsoleMessages) => string;
}[] = [
  { section: "campaigns", href: "/app/campaigns", label: (m) => m.navCampaigns },
  { section: "cases", href: "/app/cases", label: (m) => m.navCases },
  { section: "webhooks", href: "/app/webhooks", label: (m) => m.navWebhooks },
  { section: "api-keys", href: "/app/api-keys", label: (m) => m.navApiKeys },
  { section: "users", href: "/app/users", label: (m) => m.navUsers },
];

/** Every page inside: head with the one stylesheet, the top bar, the navigation when signed in, then `main`. */
export function Shell(props: ConsolePageFrame & { title: string; children?: Child }) {
  const m = consoleMessagesFor(props.locale);
  const user = props.user;
  return (
    <html lang={props.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} – ${m.productName}`}</title>
        <style dangerouslySetInnerHTML={{ __html: CONSOLE_STYLE }} />
      </head>
      <body>
        <a class="skip" href="#main">
          {m.skipToContent}
        </a>
        <header class="top">
          <div class="bar">
            <a class="product" href={user ? "/app/campaigns" : "/app"}>
              {m.productName}
            </a>
            <nav class="langs" aria-label={m.languageLabel}>
              <ul>
                {LANGUAGES.map((language) => (
                  <li>
                    <a
                      href={withLanguage(props.currentPath, language.locale)}
                      lang={language.locale}
                      hreflang={language.locale}
                      aria-current={language.locale === props.locale ? "true" : undefined}
                    >
                      {language.name}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {user ? (
              <form class="account" method="post" action="/app/sign-out">
                <span class="who">{m.signedInAs(user.email)}</span>
                <button class="link-button" type="submit">
                  {m.signOut}
                </button>
              </form>
            ) : null}
          </div>
          {user ? (
            <nav class="tabs" aria-label={m.mainNavigation}>
              <ul>
                {NAVIGATION.filter((entry) => mayOpen(user.role, entry.section)).map((entry) => (
                  <li>
                    <a href={entry.href} aria-current={entry.section === props.section ? "page" : undefined}>
                      {entry.label(m)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A date as the page's language writes it (UTC, the table's time zone). */
export const dateFormat = (locale: Locale) =>
  new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

/** A short line above a page's content saying what just happened (role=status for screen readers). */
export function Notice(props: { text?: string | undefined }) {
  return props.text ? (
    <p class="notice" role="status">
      {props.text}
    </p>
  ) : null;
}

/**
 * The links between a listing's pages: back to the first (on a later page) and on to the next, older
 * one (while there is one). Nothing on a listing of one page.
 */
export function Pager(props: {
  label: string;
  /** True on a page after the first. */
  paged: boolean;
  first: { href: string; text: string };
  /** The next page's address, or null on the last page. */
  nextHref: string | null;
  nextText: string;
}) {
  if (!props.paged && props.nextHref === null) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      {props.paged ? <a href={props.first.href}>{props.first.text}</a> : <span />}
      {props.nextHref === null ? null : (
        <a href={props.nextHref} rel="next">
          {props.nextText}
        </a>
      )}
    </nav>
  );
}
