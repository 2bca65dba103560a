/** @jsxImportSource hono/jsx */

import type { Locale } from "../domain/campaign";
import type { Case, CaseEntry, CaseStatus } from "../domain/case";
import { isOverdue, MAX_CASE_TEXT_LENGTH } from "../domain/case";
import {
  type CaseForm,
  type CaseInboxView,
  type CaseMessages,
  caseMessagesFor,
  scoreCategoryOf,
} from "../domain/console-case-messages";
import { type ConsolePageFrame, Notice, Pager, Shell, toDocument } from "./console-shell";

/** The console's case inbox and a case's page: pure functions from props to HTML. */

/** What the case pages need of a campaign. */
export type CaseCampaign = {
  readonly id: string;
  readonly name: string;
  readonly senderName: string;
  readonly segmentBy: readonly string[];
};

export type CaseInboxFilter = {
  readonly view: CaseInboxView;
  readonly status?: CaseStatus | undefined;
  readonly campaignId?: string | undefined;
};

export type CaseInboxPageProps = ConsolePageFrame &
  CaseInboxFilter & {
    readonly userEmail: string;
    readonly cases: readonly Case[];
    /** Campaigns to filter by (and to name the cases' campaigns), newest first. */
    readonly campaigns: readonly Pick<CaseCampaign, "id" | "name">[];
    /** Names of the listed cases' campaigns; a campaign missing here was deleted. */
    readonly campaignNames: Readonly<Record<string, string>>;
    readonly nextCursor: string | null;
    /** True on a page after the first. */
    readonly paged: boolean;
    readonly now: Date;
  };

/** The inbox's address for a filter (and page). */
export function inboxUrl(filter: CaseInboxFilter, cursor?: string): string {
  const query = new URLSearchParams();
  if (filter.view !== "mine") query.set("view", filter.view);
  if (filter.status) query.set("status", filter.status);
  if (filter.campaignId) query.set("campaign", filter.campaignId);
  if (cursor) query.set("cursor", cursor);
  const search = query.toString();
  return search ? `/app/cases?${search}` : "/app/cases";
}

/** A date and time as the page's language writes it, in UTC (the times the API gives). */
const dateTimeFormat = (locale: Locale) =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** The same without the year and the zone, for the inbox's table (its caption says the times are UTC). */
const shortDateTimeFormat = (locale: Locale) =>
  new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: "UTC",
  });

function When(props: { at: string; locale: Locale; short?: boolean }) {
  const text = props.short
    ? shortDateTimeFormat(props.locale).format(new Date(props.at))
    : `${dateTimeFormat(props.locale).format(new Date(props.at))} UTC`;
  return <time datetime={props.at}>{text}</time>;
}

const excerpt = (text: string, max = 90): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
};

/** The score with its NPS group in words: colour only repeats what the words say. */
function Score(props: { score: number; m: CaseMessages }) {
  const category = scoreCategoryOf(props.score);
  return (
    <span class={`case-score case-score-${category}`}>
      <span class="case-score-number">{String(props.score)}</span>{" "}
      <span class="case-score-word">{props.m.categoryLabels[category]}</span>
    </span>
  );
}

function StatusBadge(props: { status: CaseStatus; m: CaseMessages }) {
  return <span class={`status case-${props.status}`}>{props.m.statusLabels[props.status]}</span>;
}

function Due(props: { c: Case; now: Date; locale: Locale; m: CaseMessages }) {
  const when = <When at={props.c.dueAt} locale={props.locale} short />;
  return isOverdue(props.c, props.now) ? (
    <span class="case-overdue">
      <strong class="case-block">{props.m.overdue}</strong>
      {when}
    </span>
  ) : (
    when
  );
}

/** An address that may wrap before its `@` rather than anywhere in a narrow column. */
function Address(props: { email: string }) {
  const at = props.email.lastIndexOf("@");
  if (at <= 0) return <>{props.email}</>;
  return (
    <>
      {props.email.slice(0, at)}
      <wbr />
      {props.email.slice(at)}
    </>
  );
}

const customerOf = (c: Case, m: CaseMessages): string => c.name ?? (c.email || m.erasedCustomer);

/** The case inbox: Mine / All / Overdue, filtered by status and campaign, newest first, paged. */
export function renderCaseInboxPage(props: CaseInboxPageProps): string {
  const m = caseMessagesFor(props.locale);
  const filter: CaseInboxFilter = { view: props.view, status: props.status, campaignId: props.campaignId };
  const filtered = props.status !== undefined || props.campaignId !== undefined;
  const views: readonly CaseInboxView[] = ["mine", "all", "overdue"];
  const empty = filtered
    ? { title: m.emptyFiltered, hint: m.emptyFilteredHint }
    : props.view === "mine"
      ? { title: m.emptyMine, hint: m.emptyMineHint }
      : props.view === "overdue"
        ? { title: m.emptyOverdue, hint: m.emptyOverdueHint }
        : { title: m.emptyAll, hint: m.emptyAllHint };
  return toDocument(
    <Shell {...props} section="cases" title={`${m.viewLabels[props.view]} – ${m.inboxTitle}`}>
      <div class="case-page">
        <h1>{m.inboxTitle}</h1>
        <p class="muted">{m.inboxIntro}</p>
        <nav class="case-views" aria-label={m.viewsLabel}>
          <ul>
            {views.map((view) => (
              <li>
                <a
                  href={inboxUrl({ ...filter, view })}
                  aria-current={view === props.view ? "page" : undefined}
                >
                  {m.viewLabels[view]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form class="case-filters" method="get" action="/app/cases" aria-label={m.filtersLabel}>
          {props.view === "mine" ? null : <input type="hidden" name="view" value={props.view} />}
          <div>
            <label for="filter-status">{m.statusFilter}</label>
            <select id="filter-status" name="status">
              <option value="">{m.anyStatus}</option>
              {(["open", "in_progress", "resolved"] as const).map((status) => (
                <option value={status} selected={status === props.status}>
                  {m.statusLabels[status]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="filter-campaign">{m.campaignFilter}</label>
            <select id="filter-campaign" name="campaign">
              <option value="">{m.anyCampaign}</option>
              {props.campaigns.map((campaign) => (
                <option value={campaign.id} selected={campaign.id === props.campaignId}>
                  {campaign.name}
                </option>
              ))}
            </select>
          </div>
          <div class="case-filter-actions">
            <button class="link-button" type="submit">
              {m.applyFilters}
            </button>
            {filtered ? <a href={inboxUrl({ view: props.view })}>{m.clearFilters}</a> : null}
          </div>
        </form>
        {props.cases.length === 0 && !props.paged ? (
          <div class="panel empty">
            <p>
              <strong>{empty.title}</strong>
            </p>
            <p class="muted">{empty.hint}</p>
            {filtered ? <a href={inboxUrl({ view: props.view })}>{m.clearFilters}</a> : null}
          </div>
        ) : (
          <div class="table-wrap">
            <table class="case-table">
              <caption>{m.inboxCaption(props.view, props.userEmail)}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.columnCustomer}</th>
                  <th scope="col">{m.columnScore}</th>
                  <th scope="col" class="hide-narrow">
                    {m.columnComment}
                  </th>
                  <th scope="col" class="hide-narrow">
                    {m.columnCampaign}
                  </th>
                  <th scope="col" class="hide-narrow">
                    {m.columnOwner}
                  </th>
                  <th scope="col">{m.columnStatus}</th>
                  <th scope="col" class="hide-narrow">
                    {m.columnOpened}
                  </th>
                  <th scope="col" class="hide-narrow">
                    {m.columnDue}
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.cases.map((c) => {
                  const campaignName = props.campaignNames[c.campaignId] ?? m.deletedCampaign;
                  const overdue = isOverdue(c, props.now);
                  return (
                    <tr class={overdue ? "case-row-overdue" : undefined}>
                      <td class="name">
                        <a href={`/app/cases/${encodeURIComponent(c.id)}`}>{customerOf(c, m)}</a>
                        {c.name !== null && c.email !== "" ? <span class="case-sub">{c.email}</span> : null}
                        {/* On a phone the other columns give way: what matters goes under the name. */}
                        <span class="meta">
                          <span class="case-line">
                            {c.comment === null ? m.noComment : `“${excerpt(c.comment, 70)}”`}
                          </span>
                          <span class="case-line">{`${campaignName} · ${c.owner}`}</span>
                          <span class="case-line">
                            {overdue ? <strong class="case-overdue">{`${m.overdue} `}</strong> : null}
                            {`${m.columnDue} `}
                            <When at={c.dueAt} locale={props.locale} short />
                          </span>
                        </span>
                      </td>
                      <td>
                        <Score score={c.score} m={m} />
                      </td>
                      <td class="hide-narrow case-comment">
                        {c.comment === null ? <span class="muted">{m.noComment}</span> : excerpt(c.comment)}
                      </td>
                      <td class="hide-narrow">{campaignName}</td>
                      <td class="hide-narrow case-owner">
                        <Address email={c.owner} />
                        {c.owner === props.userEmail ? <span class="muted">{` ${m.you}`}</span> : null}
                      </td>
                      <td>
                        <StatusBadge status={c.status} m={m} />
                      </td>
                      <td class="date hide-narrow">
                        <When at={c.openedAt} locale={props.locale} short />
                      </td>
                      <td class="date hide-narrow">
                        <Due c={c} now={props.now} locale={props.locale} m={m} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label={m.pagerLabel}
          paged={props.paged}
          first={{ href: inboxUrl(filter), text: m.newestCases }}
          nextHref={props.nextCursor ? inboxUrl(filter, props.nextCursor) : null}
          nextText={m.olderCases}
        />
      </div>
    </Shell>,
  );
}

/** A form of the case page that was sent back: what was typed, and what is wrong with it by field. */
export type CaseFormState = {
  readonly kind: CaseForm;
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
};

export type CasePageProps = ConsolePageFrame & {
  readonly userEmail: string;
  readonly case: Case;
  /** Its campaign; null when it was deleted. */
  readonly campaign: CaseCampaign | null;
  readonly now: Date;
  readonly notice?: string | undefined;
  /** A problem with the whole page (the case changed meanwhile; a reply that could not go). */
  readonly alert?: string | undefined;
  readonly form?: CaseFormState | undefined;
};

/** Who did it, as the timeline shows it: the user's address, the API key, or the system. */
function actorName(by: string | null, m: CaseMessages): string {
  if (by === null) return m.bySystem;
  if (by.startsWith("user:")) return by.slice("user:".length);
  if (by.startsWith("apikey:")) return m.byApiKey(by.slice("apikey:".length));
  return by;
}

function entrySummary(entry: CaseEntry, m: CaseMessages): string {
  const text = entry.text ?? "";
  switch (entry.type) {
    case "status_changed":
      return m.statusChangedTo(m.statusLabels[text as CaseStatus] ?? text);
    case "owner_changed":
      return m.ownerChangedTo(text);
    case "alerted":
      return text ? m.alertedTo(text) : m.entryLabels.alerted;
    default:
      return m.entryLabels[entry.type];
  }
}

/** The entries whose text is the point (a note, a reply, what an edit changed): shown as a block. */
const SHOWS_TEXT = new Set<CaseEntry["type"]>(["note", "reply", "answer_updated", "rule_no_longer_met"]);

function duration(ms: number, m: CaseMessages): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  return minutes < 60 ? m.minutes(minutes) : m.hours(Math.round(minutes / 6) / 10);
}

/** One field of a case form: label, hint, error next to it, the control keeping what was typed. */
function Field(props: {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value?: string | undefined;
  multiline?: boolean;
  type?: "text" | "email";
  required?: boolean;
  autocomplete?: string;
}) {
  const described = [props.error ? `${props.id}-error` : "", props.hint ? `${props.id}-hint` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    id: props.id,
    name: props.name,
    required: props.required ? true : undefined,
    "aria-invalid": props.error ? "true" : undefined,
    "aria-describedby": described || undefined,
    autofocus: props.error ? true : undefined,
  };
  return (
    <div class="case-field">
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <p class="error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...common} rows={4} maxlength={MAX_CASE_TEXT_LENGTH}>
          {props.value ?? ""}
        </textarea>
      ) : (
        <input
          {...common}
          type={props.type ?? "text"}
          value={props.value ?? ""}
          autocomplete={props.autocomplete ?? "off"}
        />
      )}
    </div>
  );
}

/** A case: the answer, who and when, the timeline, and the forms that work on it. */
export function renderCasePage(props: CasePageProps): string {
  const m = caseMessagesFor(props.locale);
  const c = props.case;
  const base = `/app/cases/${encodeURIComponent(c.id)}`;
  const customer = customerOf(c, m);
  const title = m.caseTitle(customer);
  const form = props.form;
  const typedIn = (kind: CaseForm, name: string) => (form?.kind === kind ? form.values[name] : undefined);
  const errorOf = (kind: CaseForm, name: string) => (form?.kind === kind ? form.errors[name] : undefined);
  const hasErrors = form !== undefined && Object.keys(form.errors).length > 0;
  const segments = new Set(props.campaign?.segmentBy ?? []);
  const properties = Object.entries(c.properties).sort(
    ([a], [b]) => Number(segments.has(b)) - Number(segments.has(a)) || a.localeCompare(b),
  );
  const overdue = isOverdue(c, props.now);
  const version = <input type="hidden" name="version" value={String(c.version)} />;
  return toDocument(
    <Shell {...props} section="cases" title={hasErrors ? `${m.formHasErrors} – ${title}` : title}>
      <div class="case-page">
        <p class="case-back">
          <a href="/app/cases">{`← ${m.backToInbox}`}</a>
        </p>
        <h1>{title}</h1>
        <Notice text={props.notice} />
        {props.alert ? (
          <p class="alert" role="alert">
            {props.alert}
          </p>
        ) : hasErrors ? (
          <p class="alert" role="alert">
            {m.formHasErrors}
          </p>
        ) : null}
        <div class="case-grid">
          <div class="case-main">
            <section class="panel" aria-labelledby="answer-heading">
              <h2 id="answer-heading">{m.answerHeading}</h2>
              <dl class="case-facts">
                <div>
                  <dt>{m.scoreLabel}</dt>
                  <dd>
                    <Score score={c.score} m={m} /> <span class="muted">{`(${m.scoreOf(c.score)})`}</span>
                  </dd>
                </div>
                {c.csat === null ? null : (
                  <div>
                    <dt>{m.csatLabel}</dt>
                    <dd>{m.csatOf(c.csat)}</dd>
                  </div>
                )}
                <div>
                  <dt>{m.commentLabel}</dt>
                  <dd>
                    {c.comment === null ? (
                      <span class="muted">{m.noComment}</span>
                    ) : (
                      <blockquote class="case-comment-text" lang={c.locale ?? undefined}>
                        {c.comment}
                      </blockquote>
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{m.propertiesLabel}</dt>
                  <dd>
                    {properties.length === 0 ? (
                      <span class="muted">{m.noProperties}</span>
                    ) : (
                      <ul class="case-properties">
                        {properties.map(([name, value]) => (
                          <li>
                            <span class="case-property-name">{name}</span>
                            {segments.has(name) ? <span class="muted">{` (${m.segmentMark})`}</span> : null}
                            {": "}
                            <span>{String(value)}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </dd>
                </div>
              </dl>
            </section>

            <section aria-labelledby="timeline-heading">
              <h2 id="timeline-heading">{m.timelineHeading}</h2>
              <ol class="case-timeline">
                {c.timeline.map((entry) => (
                  <li class={`case-entry case-entry-${entry.type}`}>
                    <p class="case-entry-head">
                      <strong>{entrySummary(entry, m)}</strong>
                      <span class="case-entry-meta">
                        {actorName(entry.by, m)}
                        {" · "}
                        <When at={entry.at} locale={props.locale} />
                      </span>
                    </p>
                    {SHOWS_TEXT.has(entry.type) && entry.text ? (
                      <p class="case-entry-text">{entry.text}</p>
                    ) : null}
                    {entry.resolution ? <p class="case-entry-text">{entry.resolution}</p> : null}
                  </li>
                ))}
              </ol>
            </section>
          </div>

          <div class="case-side">
            <section class="panel" aria-labelledby="details-heading">
              <h2 id="details-heading">{m.detailsHeading}</h2>
              <dl class="case-facts">
                <div>
                  <dt>{m.statusLabel}</dt>
                  <dd>
                    <StatusBadge status={c.status} m={m} />
                  </dd>
                </div>
                <div>
                  <dt>{m.customerLabel}</dt>
                  <dd>
                    {c.name === null ? null : <span class="case-block">{c.name}</span>}
                    <span class="case-block">{c.email || m.erasedCustomer}</span>
                  </dd>
                </div>
                <div>
                  <dt>{m.campaignLabel}</dt>
                  <dd>
                    {props.campaign ? (
                      <a href={`/app/campaigns/${encodeURIComponent(props.campaign.id)}`}>
                        {props.campaign.name}
                      </a>
                    ) : (
                      m.deletedCampaign
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{m.ownerLabel}</dt>
                  <dd>
                    {c.owner}
                    {c.owner === props.userEmail ? <span class="muted">{` ${m.you}`}</span> : null}
                  </dd>
                </div>
                <div>
                  <dt>{m.openedLabel}</dt>
                  <dd>
                    <When at={c.openedAt} locale={props.locale} />
                  </dd>
                </div>
                <div>
                  <dt>{m.dueLabel}</dt>
                  <dd class={overdue ? "case-overdue" : undefined}>
                    {overdue ? <strong>{`${m.overdue} `}</strong> : null}
                    <When at={c.dueAt} locale={props.locale} />
                  </dd>
                </div>
                <div>
                  <dt>{m.firstResponseLabel}</dt>
                  <dd>
                    {c.firstResponseAt === null ? (
                      <span class="muted">{m.noResponseYet}</span>
                    ) : (
                      <>
                        <When at={c.firstResponseAt} locale={props.locale} />{" "}
                        <span class="muted">
                          {m.respondedAfter(
                            duration(Date.parse(c.firstResponseAt) - Date.parse(c.openedAt), m),
                            c.firstResponseAt <= c.dueAt,
                          )}
                        </span>
                      </>
                    )}
                  </dd>
                </div>
                {c.status === "resolved" && c.resolvedAt !== null ? (
                  <div>
                    <dt>{m.resolutionLabel}</dt>
                    <dd>
                      <span class="case-block muted">
                        {m.resolvedOn(dateTimeFormat(props.locale).format(new Date(c.resolvedAt)))}
                      </span>
                      {c.resolution === null ? null : <p class="case-entry-text">{c.resolution}</p>}
                    </dd>
                  </div>
                ) : null}
              </dl>
            </section>

            <h2>{m.actionsHeading}</h2>

            <section class="panel case-action" aria-labelledby="reply-heading">
              <h3 id="reply-heading">{m.replyHeading}</h3>
              {c.email === "" ? (
                <p class="muted">{m.replyErased}</p>
              ) : (
                <form method="post" action={`${base}/replies`} accept-charset="utf-8" novalidate>
                  {props.campaign ? (
                    <p class="hint">{m.replyHint(props.campaign.senderName, c.owner)}</p>
                  ) : null}
                  <Field
                    id="reply-subject"
                    name="subject"
                    label={m.subjectLabel}
                    hint={m.subjectHint}
                    value={typedIn("reply", "subject")}
                    error={errorOf("reply", "subject")}
                  />
                  <Field
                    id="reply-text"
                    name="text"
                    label={m.replyTextLabel}
                    multiline
                    required
                    value={typedIn("reply", "text")}
                    error={errorOf("reply", "text")}
                  />
                  <button class="button" type="submit">
                    {m.sendReply}
                  </button>
                </form>
              )}
            </section>

            <section class="panel case-action" aria-labelledby="note-heading">
              <h3 id="note-heading">{m.noteHeading}</h3>
              <form method="post" action={`${base}/notes`} accept-charset="utf-8" novalidate>
                <Field
                  id="note-text"
                  name="text"
                  label={m.noteLabel}
                  hint={m.noteHint}
                  multiline
                  required
                  value={typedIn("note", "text")}
                  error={errorOf("note", "text")}
                />
                <button class="button" type="submit">
                  {m.addNote}
                </button>
              </form>
            </section>

            <section class="panel case-action" aria-labelledby="status-heading">
              <h3 id="status-heading">{m.statusHeading}</h3>
              {c.status === "resolved" ? (
                <form method="post" action={`${base}/status`}>
                  {version}
                  <input type="hidden" name="status" value="open" />
                  <p class="hint">{m.reopenHint}</p>
                  <button class="button case-button-secondary" type="submit">
                    {m.reopen}
                  </button>
                </form>
              ) : (
                <>
                  <form method="post" action={`${base}/status`} accept-charset="utf-8" novalidate>
                    {version}
                    <input type="hidden" name="status" value="resolved" />
                    <Field
                      id="resolution"
                      name="resolution"
                      label={m.resolutionFieldLabel}
                      hint={m.resolutionHint}
                      multiline
                      required
                      value={typedIn("status", "resolution")}
                      error={errorOf("status", "resolution")}
                    />
                    <button class="button" type="submit">
                      {m.resolve}
                    </button>
                  </form>
                  {c.status === "open" ? (
                    <form method="post" action={`${base}/status`} class="case-aside-form">
                      {version}
                      <input type="hidden" name="status" value="in_progress" />
                      <button class="link-button" type="submit">
                        {m.markInProgress}
                      </button>
                    </form>
                  ) : null}
                </>
              )}
            </section>

            <section class="panel case-action" aria-labelledby="owner-heading">
              <h3 id="owner-heading">{m.ownerHeading}</h3>
              {c.owner === props.userEmail ? null : (
                <form method="post" action={`${base}/owner`} class="case-aside-form">
                  {version}
                  <input type="hidden" name="owner" value={props.userEmail} />
                  <button class="link-button" type="submit">
                    {m.assignToMe}
                  </button>
                </form>
              )}
              <form method="post" action={`${base}/owner`} accept-charset="utf-8" novalidate>
                {version}
                <Field
                  id="owner"
                  name="owner"
                  label={m.newOwnerLabel}
                  hint={m.newOwnerHint}
                  type="email"
                  required
                  value={typedIn("owner", "owner")}
                  error={errorOf("owner", "owner")}
                />
                <button class="button case-button-secondary" type="submit">
                  {m.changeOwner}
                </button>
              </form>
            </section>
          </div>
        </div>
      </div>
    </Shell>,
  );
}
