/** @jsxImportSource hono/jsx */

import type { Campaign } from "../domain/campaign";
import type { ConsoleUser } from "../domain/console-access";
import { consoleMessagesFor } from "../domain/console-messages";
import { settingsMessagesFor } from "../domain/console-settings-messages";
import { type ConsolePageFrame, dateFormat, Pager, Shell, toDocument } from "./console-shell";

/** The console's sign-in pages, the campaigns list, the users page and error pages. */

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
      <div class="page-head">
        <h1>{m.campaignsTitle}</h1>
        <a class="button" href="/app/campaigns/new">
          {settingsMessagesFor(props.locale).newCampaignLink}
        </a>
      </div>
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
      <Pager
        label={m.campaignsTitle}
        paged={props.paged}
        first={{ href: "/app/campaigns", text: m.firstPage }}
        nextHref={props.nextCursor ? `/app/campaigns?cursor=${encodeURIComponent(props.nextCursor)}` : null}
        nextText={m.olderCampaigns}
      />
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
