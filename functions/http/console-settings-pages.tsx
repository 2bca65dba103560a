/** @jsxImportSource hono/jsx */

import type { Locale } from "../domain/campaign";
import { consoleMessagesFor } from "../domain/console-messages";
import { settingsMessagesFor } from "../domain/console-settings-messages";
import type { ApiKeySummary } from "../use-cases/manage-api-keys";
import { type ConsolePageFrame, dateFormat, Notice, Shell, toDocument } from "./console-shell";

/** The API keys page, and what the campaign form and webhook pages share with it. */

/** A moment as the page's language writes it, to the minute, in UTC (the table's time zone). */
export function dateTimeText(locale: Locale, iso: string): string {
  const format = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  });
  return `${format.format(new Date(iso))} UTC`;
}

/** A secret shown once: selectable, in a box that wraps instead of widening the page, with how to copy it. */
export function OnceSecret(props: {
  id: string;
  label: string;
  value: string;
  once: string;
  copyHint: string;
}) {
  return (
    <div class="secret">
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={`${props.id}-hint`}>
        {props.copyHint}
      </p>
      <textarea
        id={props.id}
        class="secret-value"
        readonly
        rows={2}
        spellcheck={false}
        autocomplete="off"
        aria-describedby={`${props.id}-hint ${props.id}-once`}
      >
        {props.value}
      </textarea>
      <p class="once" id={`${props.id}-once`}>
        <strong>{props.once}</strong>
      </p>
    </div>
  );
}

export type ApiKeysPageProps = ConsolePageFrame & {
  readonly keys: readonly ApiKeySummary[];
  readonly notice?: string | undefined;
  /** The key just created: shown this once. */
  readonly created?: { readonly record: ApiKeySummary; readonly apiKey: string } | undefined;
  readonly error?: string | undefined;
  /** The name typed into the form, to show again after an error. */
  readonly name?: string | undefined;
};

/** The API keys (admins only): each key's name, id, creation and state; create one, revoke one. */
export function renderApiKeysPage(props: ApiKeysPageProps): string {
  const m = settingsMessagesFor(props.locale);
  const cm = consoleMessagesFor(props.locale);
  const format = dateFormat(props.locale);
  const title = props.created ? m.keyCreatedTitle(props.created.record.name) : m.apiKeysTitle;
  return toDocument(
    <Shell {...props} section="api-keys" title={props.error ? `${cm.badRequestTitle} – ${title}` : title}>
      <h1>{m.apiKeysTitle}</h1>
      <Notice text={props.notice} />
      {props.created ? (
        <section class="panel created" aria-labelledby="created-heading">
          <h2 id="created-heading">{m.keyCreatedTitle(props.created.record.name)}</h2>
          <OnceSecret
            id="new-key"
            label={m.keyLabel}
            value={props.created.apiKey}
            once={m.keyOnce}
            copyHint={m.copyHint}
          />
        </section>
      ) : null}
      <p class="muted">{m.apiKeysIntro}</p>
      {props.keys.length === 0 ? (
        <div class="panel empty">
          <p>{m.noApiKeys}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="keys">
            <caption>{m.apiKeysCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.columnKeyName}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnKeyId}
                </th>
                <th scope="col" class="hide-narrow">
                  {m.columnCreated}
                </th>
                <th scope="col">{m.columnKeyState}</th>
                <th scope="col">{m.columnActions}</th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((key) => (
                <tr>
                  <td class="name">
                    {key.name}
                    <span class="meta">
                      <code>{key.id}</code>
                      {` · ${m.columnCreated} `}
                      <time datetime={key.createdAt}>{format.format(new Date(key.createdAt))}</time>
                    </span>
                  </td>
                  <td class="hide-narrow">
                    <code>{key.id}</code>
                  </td>
                  <td class="date hide-narrow">
                    <time datetime={key.createdAt}>{format.format(new Date(key.createdAt))}</time>
                  </td>
                  <td>
                    {key.revokedAt ? (
                      <>
                        <span class="status status-archived">{m.keyRevoked}</span>
                        <span class="when">
                          <time datetime={key.revokedAt}>{format.format(new Date(key.revokedAt))}</time>
                        </span>
                      </>
                    ) : (
                      <span class="status status-active">{m.keyActive}</span>
                    )}
                  </td>
                  <td>
                    {key.revokedAt ? null : (
                      <form
                        class="inline"
                        method="post"
                        action={`/app/api-keys/${encodeURIComponent(key.id)}/revoke`}
                      >
                        <button class="link-button danger" type="submit" aria-label={m.revokeLabel(key.name)}>
                          {m.revokeButton}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.keys.some((key) => !key.revokedAt) ? <p class="muted small">{m.revokeHint}</p> : null}
      <h2 id="add-key">{m.addKeyHeading}</h2>
      <form
        class="panel settings-form"
        method="post"
        action="/app/api-keys"
        accept-charset="utf-8"
        novalidate
        aria-labelledby="add-key"
      >
        <label for="key-name">{m.keyNameLabel}</label>
        <span class="hint" id="key-name-hint">
          {m.keyNameHint}
        </span>
        {props.error ? (
          <p class="error" id="key-name-error">
            {props.error}
          </p>
        ) : null}
        <input
          type="text"
          id="key-name"
          name="name"
          autocomplete="off"
          maxlength={100}
          value={props.name ?? ""}
          autofocus={props.error ? true : undefined}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "key-name-error key-name-hint" : "key-name-hint"}
        />
        <button class="button" type="submit">
          {m.createKeyButton}
        </button>
      </form>
    </Shell>,
  );
}
