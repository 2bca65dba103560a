/** @jsxImportSource hono/jsx */

import { type Campaign, LOCALES, type LocalizedText } from "../domain/campaign";
import { consoleMessagesFor } from "../domain/console-messages";
import { type CampaignFormField, settingsMessagesFor } from "../domain/console-settings-messages";
import type { ErrorDetail } from "../domain/errors";
import { DEFAULT_FOLLOW_UP_MAX_SCORE, DEFAULT_TARGET_HOURS } from "../domain/follow-up";
import { type ConsolePageFrame, Notice, Shell, toDocument } from "./console-shell";

/**
 * The campaign form (create and edit) with its alert rules, and the step from the posted form to the
 * body the API's campaign use cases take, so the form is checked by the very rules the API applies.
 * The form holds what a marketer sets; per-language texts and rated attributes are the API's (shown
 * as a note, kept as they are).
 */

/** What the form's fields hold, as typed (checkboxes: "on" or ""). */
export type CampaignFormValues = Readonly<Partial<Record<CampaignFormField, string>>>;

/** A campaign's texts set per language: the form shows a note instead of the field, and never sends it. */
export type KeptTexts = ReadonlySet<"subject" | "intro" | "thankYouNote" | "promoterLink">;

const FIELDS: readonly CampaignFormField[] = [
  "name",
  "brandName",
  "senderName",
  "locale",
  "status",
  "delayDays",
  "followUpDays",
  "reminderDays",
  "throttleDays",
  "csat",
  "segmentBy",
  "subject",
  "intro",
  "thankYouNote",
  "promoterLink.url",
  "promoterLink.label",
  "logoUrl",
  "accentColor",
  "followUp.on",
  "followUp.maxScore",
  "followUp.maxCsat",
  "followUp.owners",
  "followUp.targetHours",
  "followUp.slackWebhookUrl",
];

/** The form of a new campaign: the API's defaults, in the page's language. */
export function newCampaignValues(locale: Campaign["locale"]): CampaignFormValues {
  return {
    locale,
    status: "active",
    delayDays: "7",
    throttleDays: "30",
    csat: "on",
    "followUp.maxScore": String(DEFAULT_FOLLOW_UP_MAX_SCORE),
    "followUp.targetHours": String(DEFAULT_TARGET_HOURS),
  };
}

const plainText = (text: LocalizedText | null): string => (typeof text === "string" ? text : "");
const numberText = (n: number | null): string => (n === null ? "" : String(Number(n.toFixed(4))));

/** The form as a campaign fills it. */
export function campaignValues(campaign: Campaign): CampaignFormValues {
  const followUp = campaign.followUp;
  return {
    name: campaign.name,
    brandName: campaign.brandName,
    senderName: campaign.senderName,
    locale: campaign.locale,
    status: campaign.status,
    delayDays: numberText(campaign.delayDays),
    followUpDays: numberText(campaign.followUpDays),
    reminderDays: numberText(campaign.reminderDays),
    throttleDays: numberText(campaign.throttleDays),
    csat: campaign.csat ? "on" : "",
    segmentBy: campaign.segmentBy.join(", "),
    subject: plainText(campaign.subject),
    intro: plainText(campaign.intro),
    thankYouNote: plainText(campaign.thankYouNote),
    "promoterLink.url": campaign.promoterLink?.url ?? "",
    "promoterLink.label": plainText(campaign.promoterLink?.label ?? null),
    logoUrl: campaign.logoUrl ?? "",
    accentColor: campaign.accentColor ?? "",
    "followUp.on": followUp ? "on" : "",
    "followUp.maxScore": String(followUp?.maxScore ?? DEFAULT_FOLLOW_UP_MAX_SCORE),
    "followUp.maxCsat": followUp?.maxCsat == null ? "" : String(followUp.maxCsat),
    "followUp.owners": followUp?.owners.join("\n") ?? "",
    "followUp.targetHours": String(followUp?.targetHours ?? DEFAULT_TARGET_HOURS),
    "followUp.slackWebhookUrl": followUp?.slackWebhookUrl ?? "",
  };
}

/** The texts of a campaign the form cannot show: those given per language. */
export function keptTexts(campaign: Campaign | undefined): KeptTexts {
  const kept = new Set<"subject" | "intro" | "thankYouNote" | "promoterLink">();
  if (!campaign) return kept;
  for (const field of ["subject", "intro", "thankYouNote"] as const) {
    if (campaign[field] !== null && typeof campaign[field] !== "string") kept.add(field);
  }
  if (campaign.promoterLink && typeof campaign.promoterLink.label !== "string") kept.add("promoterLink");
  return kept;
}

/** The posted fields as the form holds them: strings, line breaks as the API takes them (LF). */
export function postedValues(fields: Record<string, unknown>): CampaignFormValues {
  const values: Partial<Record<CampaignFormField, string>> = {};
  for (const field of FIELDS) {
    const value = fields[field];
    if (typeof value === "string") values[field] = value.replace(/\r\n?/g, "\n");
  }
  return values;
}

/** A number as typed: empty is null, a plain decimal a number, anything else left for the schema to refuse. */
function numberOf(text: string | undefined): number | string | null {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return null;
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed;
}
const orNull = (text: string | undefined): string | null => (text?.trim() ? text : null);
const linesOf = (text: string | undefined): string[] =>
  (text ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/**
 * The body of `POST /v1/campaigns` (no `current`) or `PATCH /v1/campaigns/{id}` the form says. Empty
 * optional fields are null (none); the alert rule's property filter, set through the API, is kept.
 */
export function campaignBody(values: CampaignFormValues, current?: Campaign): Record<string, unknown> {
  const kept = keptTexts(current);
  const body: Record<string, unknown> = {
    name: values.name ?? "",
    brandName: values.brandName ?? "",
    locale: values.locale ?? "",
    delayDays: numberOf(values.delayDays),
    followUpDays: numberOf(values.followUpDays),
    reminderDays: numberOf(values.reminderDays),
    throttleDays: numberOf(values.throttleDays),
    csat: values.csat === "on",
    segmentBy: (values.segmentBy ?? "").split(/[\s,，、]+/).filter((name) => name !== ""),
    logoUrl: orNull(values.logoUrl),
    accentColor: orNull(values.accentColor),
  };
  // An empty sender name means the brand's (as at creation through the API).
  if (values.senderName?.trim()) body.senderName = values.senderName;
  else if (current) body.senderName = values.brandName ?? "";
  if (!current) body.status = values.status ?? "active";
  for (const field of ["subject", "intro", "thankYouNote"] as const) {
    if (!kept.has(field)) body[field] = orNull(values[field]);
  }
  if (!kept.has("promoterLink")) {
    const url = values["promoterLink.url"] ?? "";
    const label = values["promoterLink.label"] ?? "";
    body.promoterLink = url.trim() || label.trim() ? { url: url.trim(), label } : null;
  }
  body.followUp =
    values["followUp.on"] === "on"
      ? {
          maxScore: numberOf(values["followUp.maxScore"]),
          maxCsat: numberOf(values["followUp.maxCsat"]),
          owners: linesOf(values["followUp.owners"]),
          targetHours: numberOf(values["followUp.targetHours"]),
          slackWebhookUrl: orNull(values["followUp.slackWebhookUrl"]?.trim()),
          only: current?.followUp?.only ?? null,
        }
      : null;
  return body;
}

/** The form field a detail of a ValidationError is about, or undefined when the form has none for it. */
export function formFieldOf(path: string): CampaignFormField | undefined {
  const [head = "", second] = path.split(".");
  if (head === "followUp") {
    const field = `followUp.${second ?? "on"}`;
    return FIELDS.includes(field as CampaignFormField) ? (field as CampaignFormField) : "followUp.on";
  }
  if (head === "promoterLink") {
    return second === "label" ? "promoterLink.label" : "promoterLink.url";
  }
  return FIELDS.includes(head as CampaignFormField) ? (head as CampaignFormField) : undefined;
}

export type CampaignFormPageProps = ConsolePageFrame & {
  /** The campaign being edited, with the version its form was loaded with; absent for a new one. */
  readonly campaign?: { readonly current: Campaign; readonly version: number } | undefined;
  readonly values: CampaignFormValues;
  /** The API's validation details, each naming a field. */
  readonly errors?: readonly ErrorDetail[] | undefined;
  /** The campaign changed after this form was loaded: nothing was saved. */
  readonly stale?: boolean | undefined;
  readonly notice?: string | undefined;
};

const idOf = (field: CampaignFormField): string => `f-${field.replace(".", "-")}`;

/** The page: campaign settings, alert rules, and (when editing) its status with pause, resume, archive. */
export function renderCampaignFormPage(props: CampaignFormPageProps): string {
  const m = settingsMessagesFor(props.locale);
  const cm = consoleMessagesFor(props.locale);
  const editing = props.campaign?.current;
  const kept = keptTexts(editing);
  const errors = props.errors ?? [];
  const byField = new Map<CampaignFormField, ErrorText[]>();
  const general: string[] = [];
  const ownerLines = linesOf(props.values["followUp.owners"]);
  for (const detail of errors) {
    const field = formFieldOf(detail.field);
    let text: ErrorText = { text: detail.message, api: true };
    const owner = /^followUp\.owners\.(\d+)$/.exec(detail.field)?.[1];
    if (owner !== undefined && ownerLines[Number(owner)] !== undefined) {
      text = { text: `“${ownerLines[Number(owner)]}” ${detail.message}`, api: true };
    }
    // A form sends text: where the API wanted a number, say so in the page's words.
    if (field && detail.message.startsWith("Invalid input: expected number")) {
      text = { text: m.notANumber, api: false };
    }
    if (field) byField.set(field, [...(byField.get(field) ?? []), text]);
    else general.push(`${detail.field}: ${detail.message}`);
  }
  const title = editing ? m.editCampaignTitle : m.newCampaignTitle;
  const action = editing ? `/app/campaigns/${encodeURIComponent(editing.id)}/edit` : "/app/campaigns";
  const field = (name: CampaignFormField, control: (describedBy: string | undefined) => unknown) => {
    const text = m.fields[name];
    const messages = byField.get(name) ?? [];
    const id = idOf(name);
    const describedBy =
      [messages.length ? `${id}-error` : "", text.hint ? `${id}-hint` : ""].filter(Boolean).join(" ") ||
      undefined;
    return (
      <div class="field">
        <label for={id}>{text.label}</label>
        {text.hint ? (
          <span class="hint" id={`${id}-hint`}>
            {text.hint}
          </span>
        ) : null}
        {messages.length ? (
          <p class="error" id={`${id}-error`}>
            {messages.map((message) => (
              <ErrorLine message={message} prefix={m.fieldInvalid} />
            ))}
          </p>
        ) : null}
        {control(describedBy)}
      </div>
    );
  };
  const invalid = (name: CampaignFormField) => (byField.has(name) ? "true" : undefined);
  const text = (name: CampaignFormField, extra: Record<string, string> = {}) =>
    field(name, (describedBy) => (
      <input
        type="text"
        id={idOf(name)}
        name={name}
        value={props.values[name] ?? ""}
        aria-invalid={invalid(name)}
        aria-describedby={describedBy}
        {...extra}
      />
    ));
  const number = (name: CampaignFormField) => text(name, { inputmode: "decimal", class: "short" });
  const area = (name: CampaignFormField, rows: number) =>
    field(name, (describedBy) => (
      <textarea
        id={idOf(name)}
        name={name}
        rows={rows}
        aria-invalid={invalid(name)}
        aria-describedby={describedBy}
      >
        {props.values[name] ?? ""}
      </textarea>
    ));
  const keptNote = (name: CampaignFormField) => (
    <div class="field">
      <span class="label-like">{m.fields[name].label}</span>
      <p class="muted note">{m.perLanguageNote}</p>
    </div>
  );
  const check = (name: CampaignFormField) => (
    <div class="field">
      <label class="check">
        <input type="checkbox" name={name} value="on" checked={props.values[name] === "on"} />
        {m.fields[name].label}
      </label>
      {byField.has(name) ? (
        <p class="error">
          {(byField.get(name) ?? []).map((message) => (
            <ErrorLine message={message} prefix={m.fieldInvalid} />
          ))}
        </p>
      ) : null}
    </div>
  );
  const statusLabel = editing ? m.statusNames[editing.status] : "";

  return toDocument(
    <Shell {...props} section="campaigns" title={errors.length ? `${cm.badRequestTitle} – ${title}` : title}>
      <p class="crumbs">
        <a href="/app/campaigns">{m.backToCampaigns}</a>
        {editing ? (
          <>
            {" · "}
            <a href={`/app/campaigns/${encodeURIComponent(editing.id)}`}>{m.viewResults}</a>
          </>
        ) : null}
      </p>
      <h1>
        {title}
        {editing ? <span class="subtitle">{editing.name}</span> : null}
      </h1>
      <Notice text={props.notice} />
      {props.stale && editing ? (
        <div class="alert" role="alert">
          <p>
            <strong>{m.staleTitle}</strong>
          </p>
          <p>{m.staleBody}</p>
          <a href={`/app/campaigns/${encodeURIComponent(editing.id)}/edit`}>{m.openLatest}</a>
        </div>
      ) : null}
      {errors.length ? (
        <div class="alert" role="alert">
          <p>
            <strong>{m.errorSummary}</strong>
          </p>
          <ul>
            {[...byField.entries()].map(([name, messages]) => (
              <li>
                <a href={`#${idOf(name)}`}>{m.fields[name].label}</a>
                {`: `}
                {messages.map((message) =>
                  message.api ? <span lang="en">{`${message.text} `}</span> : `${message.text} `,
                )}
              </li>
            ))}
            {general.map((message) => (
              <li lang="en">{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {editing ? (
        <section class="panel status-panel" aria-labelledby="status-heading">
          <h2 id="status-heading">{m.statusHeading}</h2>
          <p>
            {`${m.currentStatus} `}
            <span class={`status status-${editing.status}`}>{statusLabel}</span>
          </p>
          <div class="status-actions">
            {editing.status === "active" ? (
              <StatusButton id={editing.id} status="paused" label={m.pauseButton} hint={m.pauseHint} />
            ) : (
              <StatusButton id={editing.id} status="active" label={m.resumeButton} hint={m.resumeHint} />
            )}
            {editing.status === "archived" ? null : (
              <StatusButton id={editing.id} status="archived" label={m.archiveButton} hint={m.archiveHint} />
            )}
          </div>
        </section>
      ) : null}
      {/* Multipart: Chinese text goes as its UTF-8 bytes, not thrice as long percent-encoded (16 KB limit). */}
      <form
        class="settings-form"
        method="post"
        action={action}
        accept-charset="utf-8"
        enctype="multipart/form-data"
        novalidate
      >
        {props.campaign ? (
          <input type="hidden" name="version" value={String(props.campaign.version)} />
        ) : null}
        <fieldset class="panel">
          <legend>{m.sectionBasics}</legend>
          {text("name", { maxlength: "200", autocomplete: "off" })}
          {text("brandName", { maxlength: "100", autocomplete: "organization" })}
          {text("senderName", { maxlength: "100", autocomplete: "off" })}
          {field("locale", (describedBy) => (
            <select
              id={idOf("locale")}
              name="locale"
              aria-invalid={invalid("locale")}
              aria-describedby={describedBy}
            >
              {LOCALES.map((locale) => (
                <option value={locale} selected={props.values.locale === locale}>
                  {m.localeNames[locale]}
                </option>
              ))}
            </select>
          ))}
          {editing
            ? null
            : field("status", (describedBy) => (
                <select
                  id={idOf("status")}
                  name="status"
                  aria-invalid={invalid("status")}
                  aria-describedby={describedBy}
                >
                  {(["active", "paused"] as const).map((status) => (
                    <option value={status} selected={props.values.status === status}>
                      {m.statusNames[status]}
                    </option>
                  ))}
                </select>
              ))}
        </fieldset>
        <fieldset class="panel">
          <legend>{m.sectionTiming}</legend>
          {number("delayDays")}
          {number("reminderDays")}
          {number("followUpDays")}
          {number("throttleDays")}
          {check("csat")}
          {text("segmentBy", { autocomplete: "off" })}
        </fieldset>
        <fieldset class="panel">
          <legend>{m.sectionTexts}</legend>
          {kept.has("subject") ? keptNote("subject") : text("subject", { maxlength: "200" })}
          {kept.has("intro") ? keptNote("intro") : area("intro", 4)}
          {kept.has("thankYouNote") ? keptNote("thankYouNote") : area("thankYouNote", 3)}
          {kept.has("promoterLink") ? (
            keptNote("promoterLink.url")
          ) : (
            <>
              {text("promoterLink.url", { inputmode: "url", autocomplete: "url" })}
              {text("promoterLink.label", { maxlength: "80" })}
            </>
          )}
        </fieldset>
        <fieldset class="panel">
          <legend>{m.sectionLook}</legend>
          {text("logoUrl", { inputmode: "url" })}
          {text("accentColor", { class: "short", maxlength: "7", placeholder: "#1d4ed8" })}
          <p class="muted note">{m.attributesNote(editing?.attributes.length ?? 0)}</p>
        </fieldset>
        <fieldset class="panel" id="alerts">
          <legend>{m.sectionAlerts}</legend>
          <p class="muted">{m.alertsIntro}</p>
          {check("followUp.on")}
          {number("followUp.maxScore")}
          {field("followUp.maxCsat", (describedBy) => (
            <select
              id={idOf("followUp.maxCsat")}
              name="followUp.maxCsat"
              aria-invalid={invalid("followUp.maxCsat")}
              aria-describedby={describedBy}
            >
              <option value="" selected={!props.values["followUp.maxCsat"]}>
                {m.maxCsatNone}
              </option>
              {["1", "2", "3", "4", "5"].map((n) => (
                <option value={n} selected={props.values["followUp.maxCsat"] === n}>
                  {n}
                </option>
              ))}
            </select>
          ))}
          {area("followUp.owners", 3)}
          {number("followUp.targetHours")}
          {text("followUp.slackWebhookUrl", { inputmode: "url" })}
          {editing?.followUp?.only ? <p class="muted note">{m.onlyNote}</p> : null}
        </fieldset>
        <div class="form-actions">
          <button class="button" type="submit">
            {editing ? m.saveButton : m.createButton}
          </button>
          <a
            class="cancel"
            href={editing ? `/app/campaigns/${encodeURIComponent(editing.id)}` : "/app/campaigns"}
          >
            {m.cancel}
          </a>
        </div>
      </form>
    </Shell>,
  );
}

/** A message of the API (English, as the API words it), or one of the form's own in the page's language. */
type ErrorText = { readonly text: string; readonly api: boolean };

function ErrorLine(props: { message: ErrorText; prefix: string }) {
  return props.message.api ? (
    <span class="error-line">
      {props.prefix}
      <span lang="en">{props.message.text}</span>
    </span>
  ) : (
    <span class="error-line">{props.message.text}</span>
  );
}

function StatusButton(props: { id: string; status: Campaign["status"]; label: string; hint: string }) {
  const hintId = `status-${props.status}-hint`;
  return (
    <form
      class="status-action"
      method="post"
      action={`/app/campaigns/${encodeURIComponent(props.id)}/status`}
    >
      <input type="hidden" name="status" value={props.status} />
      <button class="link-button" type="submit" aria-describedby={hintId}>
        {props.label}
      </button>
      <span class="hint" id={hintId}>
        {props.hint}
      </span>
    </form>
  );
}
