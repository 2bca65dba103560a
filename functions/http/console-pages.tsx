/** @jsxImportSource hono/jsx */

import type { Child } from "hono/jsx";
import type { Campaign, Locale } from "../domain/campaign";
import { type ConsoleSection, type ConsoleUser, mayOpen } from "../domain/console-access";
import { type ConsoleMessages, consoleMessagesFor } from "../domain/console-messages";

/**
 * The console's pages (`/app`): pure functions from props to a complete HTML document. Plain links and
 * forms, no script; escaped by default (Hono JSX); all styling in one constant `<style>` the CSP
 * allows by its hash. Signed in, every page has the shell: product name, main navigation (admin
 * sections only for admins), language switch and sign-out.
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

export const CONSOLE_STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f6f7f9;color:#1f2328;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK TC","Noto Sans CJK SC","PingFang TC","PingFang SC","Microsoft JhengHei","Microsoft YaHei",sans-serif}
a{color:#1d4ed8}
a:hover{color:#1e3a8a}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;padding:.5rem 1rem;background:#fff;border:2px solid #1d4ed8;border-radius:.375rem;z-index:1}
.skip:focus{top:.5rem}
.top{background:#fff;border-bottom:1px solid #d8dee4}
.bar,.tabs ul,main{max-width:72rem;margin:0 auto;padding-left:1rem;padding-right:1rem}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding-top:.625rem;padding-bottom:.625rem}
.product{font-weight:700;font-size:1.125rem;color:#1f2328;text-decoration:none;margin-right:auto}
.product:hover{color:#1d4ed8}
.langs ul,.tabs ul{list-style:none;display:flex}
.langs ul{margin:0;padding:0;gap:.25rem}
.langs a{display:inline-block;padding:.25rem .5rem;border-radius:.375rem;font-size:.875rem;text-decoration:none;color:#57606a}
.langs a[aria-current]{color:#1f2328;font-weight:600;background:#eaeef2}
.account{display:flex;align-items:center;gap:.75rem;margin:0}
.who{font-size:.875rem;color:#57606a;overflow-wrap:anywhere}
.link-button{padding:.375rem .75rem;border:1px solid #d0d7de;border-radius:.375rem;background:#fff;color:#1f2328;font:inherit;font-size:.875rem;cursor:pointer}
.link-button:hover{background:#f3f4f6}
.tabs ul{flex-wrap:wrap;gap:0 .25rem;padding:0 .5rem}
.tabs a{display:block;padding:.625rem .5rem;border-bottom:3px solid transparent;color:#57606a;text-decoration:none;white-space:nowrap}
.tabs a:hover{color:#1f2328;border-bottom-color:#d0d7de}
.tabs a[aria-current]{color:#1f2328;font-weight:600;border-bottom-color:#1d4ed8}
main{padding-top:1.5rem;padding-bottom:3rem}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1.125rem;margin:2rem 0 .75rem}
p{margin:0 0 1rem}
.narrow{max-width:28rem;margin:1rem auto 0}
.panel{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;padding:1.5rem}
.narrow .panel{padding:1.5rem 1.25rem}
.muted{color:#57606a}
.notice{padding:.75rem 1rem;margin:0 0 1rem;border-left:4px solid #1d4ed8;background:#eff6ff;border-radius:.375rem}
.alert{padding:.75rem 1rem;margin:0 0 1rem;border-left:4px solid #b91c1c;background:#fef2f2;border-radius:.375rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{display:block;font-size:.875rem;color:#57606a;margin:0 0 .5rem}
.error{color:#b91c1c;font-weight:600;margin:0 0 .5rem}
input[type=email]{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;border:1px solid #8c959f;border-radius:.375rem;font:inherit;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid #b91c1c}
.check{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.75rem 0 0}
.check input{width:1.25rem;height:1.25rem;margin:0}
.button{display:inline-block;min-height:2.75rem;margin-top:1rem;padding:.625rem 1.25rem;border:0;border-radius:.375rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button:hover{background:#1e40af;color:#fff}
.narrow .button{width:100%}
.table-wrap{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;overflow:hidden}
table{width:100%;border-collapse:collapse}
caption{text-align:left;padding:.75rem 1rem;font-size:.875rem;color:#57606a;border-bottom:1px solid #d8dee4}
th,td{text-align:left;padding:.75rem 1rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:.8125rem;font-weight:600;color:#57606a;background:#f6f8fa}
tr:last-child td{border-bottom:0}
td.name{font-weight:600;overflow-wrap:break-word}
.meta{display:none;margin-top:.25rem;font-size:.8125rem;font-weight:400;color:#57606a}
td.date{white-space:nowrap;color:#57606a}
.status{display:inline-block;padding:.125rem .5rem;border-radius:999px;font-size:.8125rem;font-weight:600;white-space:nowrap;border:1px solid}
.status-active{color:#116329;background:#dafbe1;border-color:#4ac26b}
.status-paused{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}
.status-archived{color:#424a53;background:#eaeef2;border-color:#afb8c1}
.pager{display:flex;justify-content:space-between;gap:1rem;margin-top:1rem}
.empty{padding:2rem 1.5rem;text-align:center}
.inline{display:inline;margin:0}
.inline .link-button{margin:0}
@media (max-width:40rem){
h1{font-size:1.25rem}
.bar{gap:.375rem .75rem}
.who{display:none}
.langs{order:3;flex-basis:100%}
.tabs a{padding:.5rem}
th,td{padding:.625rem .75rem}
.hide-narrow{display:none}
.meta{display:block}
}
@media (forced-colors:active){.tabs a[aria-current],.langs a[aria-current]{text-decoration:underline}}
`;

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

function toDocument(node: Child): string {
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

function Shell(props: ConsolePageFrame & { title: string; children?: Child }) {
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

export type SignInPageProps = ConsolePageFrame & {
  /** The address as typed, to show again after an error. */
  readonly email?: string;
  readonly error?: string;
  readonly notice?: string;
  /** Where to go once signed in. */
  readonly next?: string;
  /** A heading and paragraph above the form instead of the usual ones (a used or expired link). */
  readonly problem?: { title: string; body: string };
};

/** The sign-in form: an email address, to which a one-time link is sent. */
export function renderSignInPage(props: SignInPageProps): string {
  const m = consoleMessagesFor(props.locale);
  const title = props.problem?.title ?? m.signInTitle;
  return toDocument(
    <Shell {...props} title={props.error ? `${props.error} – ${title}` : title}>
      <div class="narrow">
        <div class="panel">
          <h1>{title}</h1>
          {props.notice ? (
            <p class="notice" role="status">
              {props.notice}
            </p>
          ) : null}
          <p>{props.problem?.body ?? m.signInIntro}</p>
          <form method="post" action="/app/sign-in" accept-charset="utf-8" novalidate>
            {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
            <label for="email">{m.emailLabel}</label>
            <span class="hint" id="email-hint">
              {m.emailHint}
            </span>
            {props.error ? (
              <p class="error" id="email-error">
                {props.error}
              </p>
            ) : null}
            <input
              type="email"
              id="email"
              name="email"
              autocomplete="email"
              required
              value={props.email ?? ""}
              autofocus={props.error ? true : undefined}
              aria-invalid={props.error ? "true" : undefined}
              aria-describedby={props.error ? "email-error email-hint" : "email-hint"}
            />
            <button class="button" type="submit">
              {m.sendLinkButton}
            </button>
          </form>
        </div>
      </div>
    </Shell>,
  );
}

/** After a link was asked for: the same page whether or not the address is a user's. */
export function renderCheckEmailPage(props: ConsolePageFrame & { email: string; minutes: number }): string {
  const m = consoleMessagesFor(props.locale);
  return toDocument(
    <Shell {...props} title={m.checkEmailTitle}>
      <div class="narrow">
        <div class="panel">
          <h1>{m.checkEmailTitle}</h1>
          <p>{m.checkEmailBody(props.email, props.minutes)}</p>
          <p class="muted">{m.checkEmailHint}</p>
          <p>
            <a href="/app/sign-in">{m.sendAnotherLink}</a>
          </p>
        </div>
      </div>
    </Shell>,
  );
}

/** The page a sign-in link opens: a button that signs in (only its POST does). */
export function renderSignInLinkPage(props: ConsolePageFrame & { email: string; actionUrl: string }): string {
  const m = consoleMessagesFor(props.locale);
  return toDocument(
    <Shell {...props} title={m.linkTitle}>
      <div class="narrow">
        <div class="panel">
          <h1>{m.linkTitle}</h1>
          <p>{m.linkBody(props.email)}</p>
          <form method="post" action={props.actionUrl}>
            <button class="button" type="submit">
              {m.linkButton}
            </button>
          </form>
        </div>
      </div>
    </Shell>,
  );
}

const dateFormat = (locale: Locale) =>
  new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export type CampaignsPageProps = ConsolePageFrame & {
  readonly campaigns: readonly Campaign[];
  /** The next (older) page's cursor, or null on the last page. */
  readonly nextCursor: string | null;
  /** True on a page after the first. */
  readonly paged: boolean;
};

/** The campaigns list, newest first: each name leads to the campaign's results. */
export function renderCampaignsPage(props: CampaignsPageProps): string {
  const m = consoleMessagesFor(props.locale);
  const format = dateFormat(props.locale);
  return toDocument(
    <Shell {...props} section="campaigns" title={m.campaignsTitle}>
      <h1>{m.campaignsTitle}</h1>
      {props.campaigns.length === 0 && !props.paged ? (
        <div class="panel empty">
          <p>
            <strong>{m.noCampaigns}</strong>
          </p>
          <p class="muted">{m.noCampaignsHint}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{m.campaignsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.columnName}</th>
                <th scope="col">{m.columnStatus}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnCreated}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.campaigns.map((campaign) => (
                <tr>
                  <td class="name">
                    <a href={`/app/campaigns/${encodeURIComponent(campaign.id)}`}>{campaign.name}</a>
                    {/* On a phone the date column gives way: the date goes under the name. */}
                    <span class="meta">
                      {`${m.columnCreated} `}
                      <time datetime={campaign.createdAt}>{format.format(new Date(campaign.createdAt))}</time>
                    </span>
                  </td>
                  <td>
                    <span class={`status status-${campaign.status}`}>{m.statusLabels[campaign.status]}</span>
                  </td>
                  <td class="date hide-narrow">
                    <time datetime={campaign.createdAt}>{format.format(new Date(campaign.createdAt))}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.paged || props.nextCursor ? (
        <nav class="pager" aria-label={m.campaignsTitle}>
          {props.paged ? <a href="/app/campaigns">{m.firstPage}</a> : <span />}
          {props.nextCursor ? (
            <a href={`/app/campaigns?cursor=${encodeURIComponent(props.nextCursor)}`} rel="next">
              {m.olderCampaigns}
            </a>
          ) : null}
        </nav>
      ) : null}
    </Shell>,
  );
}

export type UsersPageProps = ConsolePageFrame & {
  readonly user: ConsoleUser;
  readonly users: readonly ConsoleUser[];
  readonly notice?: string;
  readonly error?: string;
  /** The address typed into the add form, to show again after an error. */
  readonly email?: string;
};

/** The users (admins only): who can sign in, with their roles; add one, remove one. */
export function renderUsersPage(props: UsersPageProps): string {
  const m = consoleMessagesFor(props.locale);
  const format = dateFormat(props.locale);
  return toDocument(
    <Shell {...props} section="users" title={m.usersTitle}>
      <h1>{m.usersTitle}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <p class="muted">{m.roleHint}</p>
      <div class="table-wrap">
        <table>
          <caption>{m.usersCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.columnEmail}</th>
              <th scope="col">{m.columnRole}</th>
              <th scope="col" class="hide-narrow">
                {m.columnAdded}
              </th>
              <th scope="col">{m.columnActions}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => (
              <tr>
                <td class="name">
                  {user.email}
                  {user.email === props.user.email ? <span class="muted">{m.you}</span> : null}
                </td>
                <td>{m.roleLabels[user.role]}</td>
                <td class="date hide-narrow">
                  <time datetime={user.createdAt}>{format.format(new Date(user.createdAt))}</time>
                </td>
                <td>
                  {user.email === props.user.email ? null : (
                    <form class="inline" method="post" action="/app/users/remove">
                      <input type="hidden" name="email" value={user.email} />
                      <button class="link-button" type="submit" aria-label={m.removeUserButton(user.email)}>
                        {m.removeUser}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="add-user">{m.addUserHeading}</h2>
      <form
        class="panel"
        method="post"
        action="/app/users"
        accept-charset="utf-8"
        novalidate
        aria-labelledby="add-user"
      >
        <label for="email">{m.emailLabel}</label>
        {props.error ? (
          <p class="error" id="email-error">
            {props.error}
          </p>
        ) : null}
        <input
          type="email"
          id="email"
          name="email"
          autocomplete="off"
          required
          value={props.email ?? ""}
          autofocus={props.error ? true : undefined}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "email-error" : undefined}
        />
        <label class="check">
          <input type="checkbox" name="admin" value="yes" />
          {m.addAsAdmin}
        </label>
        <button class="button" type="submit">
          {m.addUserButton}
        </button>
      </form>
    </Shell>,
  );
}

/** A page of the console that is not built yet: what it will show. */
export function renderNotBuiltPage(
  props: ConsolePageFrame & { title: string; planned: string; backUrl?: string },
): string {
  const m = consoleMessagesFor(props.locale);
  return toDocument(
    <Shell {...props} title={props.title}>
      <h1>{props.title}</h1>
      <div class="panel">
        <p>
          <strong>{m.notBuiltTitle}</strong> {m.notBuiltBody}
        </p>
        <p class="muted">{props.planned}</p>
        {props.backUrl ? <a href={props.backUrl}>{m.backToConsole}</a> : null}
      </div>
    </Shell>,
  );
}

/** An error as the console shows it: a title, a sentence, and the way back. */
export function renderConsoleErrorPage(props: ConsolePageFrame & { title: string; body: string }): string {
  const m = consoleMessagesFor(props.locale);
  return toDocument(
    <Shell {...props} title={props.title}>
      <div class={props.user ? undefined : "narrow"}>
        <div class="panel">
          <h1>{props.title}</h1>
          <p>{props.body}</p>
          <a href={props.user ? "/app/campaigns" : "/app"}>{m.backToConsole}</a>
        </div>
      </div>
    </Shell>,
  );
}
