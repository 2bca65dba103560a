/** @jsxImportSource hono/jsx */

import { consoleMessagesFor } from "../domain/console-messages";
import { settingsMessagesFor } from "../domain/console-settings-messages";
import type { ErrorDetail } from "../domain/errors";
import {
  type Delivery,
  WEBHOOK_EVENT_TYPES,
  type Webhook,
  type WebhookCreated,
  type WebhookEventType,
} from "../domain/webhook";
import { dateTimeText, OnceSecret } from "./console-settings-pages";
import { type ConsolePageFrame, dateFormat, Notice, Pager, Shell, toDocument } from "./console-shell";

/** The webhook pages (admins only): the list with the add form, one webhook with its delivery log, delete. */

export type WebhookFormValues = {
  readonly url: string;
  readonly description: string;
  readonly events: readonly string[];
};

export type WebhooksPageProps = ConsolePageFrame & {
  readonly webhooks: readonly Webhook[];
  readonly nextCursor: string | null;
  readonly paged: boolean;
  readonly notice?: string | undefined;
  readonly values?: WebhookFormValues | undefined;
  readonly errors?: readonly ErrorDetail[] | undefined;
};

/** The name of the checkbox of an event type: one per type, so the form posts each under its own name. */
export const eventFieldName = (type: WebhookEventType): string => `event.${type}`;

const eventName = (names: Readonly<Record<WebhookEventType, string>>, type: string): string =>
  (names as Readonly<Record<string, string>>)[type] ?? type;

/** The list of webhooks and the form that adds one. */
export function renderWebhooksPage(props: WebhooksPageProps): string {
  const m = settingsMessagesFor(props.locale);
  const cm = consoleMessagesFor(props.locale);
  const format = dateFormat(props.locale);
  const errors = props.errors ?? [];
  const errorsOf = (field: string) =>
    errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`)).map((e) => e.message);
  const general = errors.filter(
    (e) => !["url", "events", "description"].includes(e.field.split(".")[0] ?? ""),
  );
  const values = props.values ?? { url: "", description: "", events: [] };
  const urlErrors = errorsOf("url");
  const eventErrors = errorsOf("events");
  const descriptionErrors = errorsOf("description");
  const ErrorLines = (p: { id: string; messages: string[] }) =>
    p.messages.length ? (
      <p class="error" id={p.id}>
        {p.messages.map((message) => (
          <span class="error-line">
            {m.fieldInvalid}
            <span lang="en">{message}</span>
          </span>
        ))}
      </p>
    ) : null;
  return toDocument(
    <Shell
      {...props}
      section="webhooks"
      title={errors.length ? `${cm.badRequestTitle} – ${m.webhooksTitle}` : m.webhooksTitle}
    >
      <h1>{m.webhooksTitle}</h1>
      <Notice text={props.notice} />
      <p class="muted">{m.webhooksIntro}</p>
      {props.webhooks.length === 0 && !props.paged ? (
        <div class="panel empty">
          <p>{m.noWebhooks}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{m.webhooksCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.columnUrl}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnEvents}
                </th>
                <th scope="col">{m.columnStatus}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnCreated}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.webhooks.map((webhook) => (
                <tr>
                  <td class="name url-cell">
                    <a href={`/app/webhooks/${encodeURIComponent(webhook.id)}`}>{webhook.url}</a>
                    {webhook.description ? <span class="desc">{webhook.description}</span> : null}
                    <span class="meta">
                      {webhook.events.map((type) => eventName(m.eventNames, type)).join(", ")}
                    </span>
                  </td>
                  <td class="hide-narrow">
                    <ul class="plain">
                      {webhook.events.map((type) => (
                        <li>
                          <code>{type}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <WebhookStatus status={webhook.status} label={m.webhookStatusNames[webhook.status]} />
                  </td>
                  <td class="date hide-narrow">
                    <time datetime={webhook.createdAt}>{format.format(new Date(webhook.createdAt))}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={m.webhooksTitle}
        paged={props.paged}
        first={{ href: "/app/webhooks", text: m.firstPage }}
        nextHref={props.nextCursor ? `/app/webhooks?cursor=${encodeURIComponent(props.nextCursor)}` : null}
        nextText={m.olderWebhooks}
      />
      <h2 id="add-webhook">{m.addWebhookHeading}</h2>
      {errors.length ? (
        <div class="alert" role="alert">
          <p>
            <strong>{m.errorSummary}</strong>
          </p>
          {general.length ? (
            <ul>
              {general.map((e) => (
                <li lang="en">{`${e.field}: ${e.message}`}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <form
        class="panel settings-form"
        method="post"
        action="/app/webhooks"
        accept-charset="utf-8"
        novalidate
        aria-labelledby="add-webhook"
      >
        <div class="field">
          <label for="webhook-url">{m.urlLabel}</label>
          <span class="hint" id="webhook-url-hint">
            {m.urlHint}
          </span>
          <ErrorLines id="webhook-url-error" messages={urlErrors} />
          <input
            type="url"
            id="webhook-url"
            name="url"
            autocomplete="off"
            placeholder="https://"
            value={values.url}
            aria-invalid={urlErrors.length ? "true" : undefined}
            aria-describedby={urlErrors.length ? "webhook-url-error webhook-url-hint" : "webhook-url-hint"}
          />
        </div>
        <fieldset
          class="field events"
          aria-invalid={eventErrors.length ? "true" : undefined}
          aria-describedby={eventErrors.length ? "webhook-events-error" : undefined}
        >
          <legend>{m.eventsLegend}</legend>
          <ErrorLines id="webhook-events-error" messages={eventErrors} />
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label class="check">
              <input
                type="checkbox"
                name={eventFieldName(type)}
                value="on"
                checked={values.events.includes(type)}
              />
              <span>
                {m.eventNames[type]} <code>{type}</code>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="webhook-description">
            {m.descriptionLabel} <span class="muted optional">({m.optional})</span>
          </label>
          <span class="hint" id="webhook-description-hint">
            {m.descriptionHint}
          </span>
          <ErrorLines id="webhook-description-error" messages={descriptionErrors} />
          <input
            type="text"
            id="webhook-description"
            name="description"
            autocomplete="off"
            maxlength={200}
            value={values.description}
            aria-invalid={descriptionErrors.length ? "true" : undefined}
            aria-describedby={
              descriptionErrors.length
                ? "webhook-description-error webhook-description-hint"
                : "webhook-description-hint"
            }
          />
        </div>
        <button class="button" type="submit">
          {m.addWebhookButton}
        </button>
      </form>
    </Shell>,
  );
}

function WebhookStatus(props: { status: Webhook["status"]; label: string }) {
  return (
    <span class={`status ${props.status === "enabled" ? "status-active" : "status-archived"}`}>
      {props.label}
    </span>
  );
}

/** Right after adding a webhook: its signing secret, this once. */
export function renderWebhookCreatedPage(props: ConsolePageFrame & { webhook: WebhookCreated }): string {
  const m = settingsMessagesFor(props.locale);
  return toDocument(
    <Shell {...props} section="webhooks" title={m.webhookCreatedTitle}>
      <p class="crumbs">
        <a href="/app/webhooks">{m.backToWebhooks}</a>
      </p>
      <h1>{m.webhookCreatedTitle}</h1>
      <section class="panel created">
        <p class="url-line">
          <code>{props.webhook.url}</code>
        </p>
        <OnceSecret
          id="webhook-secret"
          label={m.secretLabel}
          value={props.webhook.secret}
          once={m.secretOnce}
          copyHint={m.copyHint}
        />
        <p class="muted">{m.secretUse}</p>
        <a class="button" href={`/app/webhooks/${encodeURIComponent(props.webhook.id)}`}>
          {m.openWebhook}
        </a>
      </section>
    </Shell>,
  );
}

export type WebhookPageProps = ConsolePageFrame & {
  readonly webhook: Webhook;
  readonly deliveries: readonly Delivery[];
  readonly nextCursor: string | null;
  readonly paged: boolean;
  readonly notice?: string | undefined;
  /** The notice reports a failure (shown as an alert, not a status). */
  readonly failed?: boolean | undefined;
};

/** One webhook: its details, enable or disable, test, delete, and its delivery log with a retry per delivery. */
export function renderWebhookPage(props: WebhookPageProps): string {
  const m = settingsMessagesFor(props.locale);
  const format = dateFormat(props.locale);
  const webhook = props.webhook;
  const base = `/app/webhooks/${encodeURIComponent(webhook.id)}`;
  return toDocument(
    <Shell {...props} section="webhooks" title={`${m.webhookTitle} – ${webhook.url}`}>
      <p class="crumbs">
        <a href="/app/webhooks">{m.backToWebhooks}</a>
      </p>
      <h1>
        {m.webhookTitle}
        <span class="subtitle url-line">{webhook.url}</span>
      </h1>
      {props.notice && props.failed ? (
        <p class="alert" role="alert">
          {props.notice}
        </p>
      ) : (
        <Notice text={props.notice} />
      )}
      <section class="panel" aria-labelledby="details-heading">
        <h2 id="details-heading" class="panel-heading">
          {m.detailsCaption}
        </h2>
        <dl class="details">
          <dt>{m.columnUrl}</dt>
          <dd class="url-line">
            <code>{webhook.url}</code>
          </dd>
          <dt>{m.columnStatus}</dt>
          <dd>
            <WebhookStatus status={webhook.status} label={m.webhookStatusNames[webhook.status]} />
          </dd>
          {webhook.disabledReason ? (
            <>
              <dt>{m.disabledReason}</dt>
              <dd lang="en">{webhook.disabledReason}</dd>
            </>
          ) : null}
          <dt>{m.columnEvents}</dt>
          <dd>
            <ul class="plain">
              {webhook.events.map((type) => (
                <li>
                  {eventName(m.eventNames, type)} <code>{type}</code>
                </li>
              ))}
            </ul>
          </dd>
          <dt>{m.descriptionLabel}</dt>
          <dd>{webhook.description ?? <span class="muted">{m.noDescription}</span>}</dd>
          <dt>{m.columnCreated}</dt>
          <dd>
            <time datetime={webhook.createdAt}>{format.format(new Date(webhook.createdAt))}</time>
          </dd>
        </dl>
        <p class="hint" id="test-hint">
          {m.testHint}
        </p>
        <div class="webhook-actions">
          <form class="inline" method="post" action={`${base}/test`}>
            <button class="button" type="submit" aria-describedby="test-hint">
              {m.testButton}
            </button>
          </form>
          <form class="inline" method="post" action={`${base}/status`}>
            <input
              type="hidden"
              name="status"
              value={webhook.status === "enabled" ? "disabled" : "enabled"}
            />
            <button class="link-button" type="submit">
              {webhook.status === "enabled" ? m.disableButton : m.enableButton}
            </button>
          </form>
          <a class="link-button danger" href={`${base}/delete`}>
            {m.deleteButton}
          </a>
        </div>
      </section>
      <h2>{m.deliveriesHeading}</h2>
      {props.deliveries.length === 0 && !props.paged ? (
        <div class="panel empty">
          <p>{m.noDeliveries}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="deliveries">
            <caption>{m.deliveriesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.columnEvent}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnStatus}
                </th>
                <th scope="col">{m.columnResponse}</th>
                <th scope="col" class="hide-narrow">
                  {m.columnAttempts}
                </th>
                <th scope="col" class="hide-narrow">
                  {m.columnNextRetry}
                </th>
                <th scope="col">
                  <span class="visually-hidden">{m.columnActions}</span>
                </th>
              </tr>
            </thead>
            <tbody>{props.deliveries.map((delivery) => DeliveryRow({ delivery, base, props }))}</tbody>
          </table>
        </div>
      )}
      <Pager
        label={m.deliveriesHeading}
        paged={props.paged}
        first={{ href: base, text: m.firstPage }}
        nextHref={props.nextCursor ? `${base}?cursor=${encodeURIComponent(props.nextCursor)}` : null}
        nextText={m.olderDeliveries}
      />
    </Shell>,
  );
}

function DeliveryRow(p: { delivery: Delivery; base: string; props: WebhookPageProps }) {
  const { delivery, base, props } = p;
  const m = settingsMessagesFor(props.locale);
  const last = delivery.attempts.at(-1);
  const created = dateTimeText(props.locale, delivery.createdAt);
  const next = delivery.nextAttemptAt ? dateTimeText(props.locale, delivery.nextAttemptAt) : "—";
  const statusClass =
    delivery.status === "delivered"
      ? "status-active"
      : delivery.status === "pending"
        ? "status-paused"
        : delivery.status === "failed"
          ? "status-failed"
          : "status-archived";
  return (
    <tr>
      <td class="name">
        <code>{delivery.eventType}</code>
        <span class="when">
          <time datetime={delivery.createdAt}>{created}</time>
        </span>
        <span class="meta">
          <span class={`status ${statusClass}`}>{m.deliveryStatusNames[delivery.status]}</span>
          <br />
          {`${m.columnAttempts}: ${m.attemptsCount(delivery.attempts.length)}`}
          {delivery.nextAttemptAt ? ` · ${m.columnNextRetry}: ${next}` : ""}
        </span>
      </td>
      <td class="hide-narrow">
        <span class={`status ${statusClass}`}>{m.deliveryStatusNames[delivery.status]}</span>
      </td>
      <td class="answer">
        {last ? (
          <>
            <span class="code">{last.responseCode === null ? m.noAnswer : `HTTP ${last.responseCode}`}</span>
            <span class="when">{m.durationMs(last.durationMs)}</span>
            {last.error ? (
              <span class="attempt-error" lang="en">
                {last.error}
              </span>
            ) : null}
            {last.responseExcerpt ? (
              <details>
                <summary>{m.columnExcerpt}</summary>
                <pre>{last.responseExcerpt}</pre>
              </details>
            ) : null}
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td class="hide-narrow">{m.attemptsCount(delivery.attempts.length)}</td>
      <td class="hide-narrow date">{next}</td>
      <td>
        {/* A delivery whose person was erased is never sent again. */}
        {delivery.erasedAt === null ? (
          <form
            class="inline"
            method="post"
            action={`${base}/deliveries/${encodeURIComponent(delivery.id)}/retry`}
          >
            <button class="link-button" type="submit" aria-label={m.retryLabel(delivery.eventType, created)}>
              {m.retryButton}
            </button>
          </form>
        ) : (
          <span class="muted">{m.deliveryErased}</span>
        )}
      </td>
    </tr>
  );
}

/** The step before deleting a webhook: what it does, and the button that does it. */
export function renderDeleteWebhookPage(props: ConsolePageFrame & { webhook: Webhook }): string {
  const m = settingsMessagesFor(props.locale);
  const base = `/app/webhooks/${encodeURIComponent(props.webhook.id)}`;
  return toDocument(
    <Shell {...props} section="webhooks" title={m.deleteTitle}>
      <div class="narrow">
        <div class="panel">
          <h1>{m.deleteTitle}</h1>
          <p class="url-line">
            <code>{props.webhook.url}</code>
          </p>
          <p>{m.deleteBody}</p>
          <form method="post" action={`${base}/delete`}>
            <button class="button danger" type="submit">
              {m.confirmDelete}
            </button>
          </form>
          <p class="cancel-line">
            <a href={base}>{m.cancel}</a>
          </p>
        </div>
      </div>
    </Shell>,
  );
}
