/** @jsxImportSource hono/jsx */

import { type Campaign, type Locale, textIn } from "../domain/campaign";
import { consoleMessagesFor } from "../domain/console-messages";
import { type ConsoleResultsMessages, consoleResultsMessagesFor } from "../domain/console-results-messages";
import type { ResponseItem } from "../domain/response-export";
import type { Interval, Results } from "../domain/results";
import {
  DistributionChart,
  DriversChart,
  EmptyChart,
  formatNumber,
  formatPercent,
  formatSigned,
  groupOfScore,
  SegmentChart,
  TrendChart,
} from "./console-charts";
import { type ConsolePageFrame, dateFormat, Pager, Shell, toDocument } from "./console-shell";

/**
 * The pages of one campaign's answers: its results (figures, trend, scores, breakdown, drivers) with a
 * GET filter form, and its responses (newest first, paged, filtered by score group, CSV download).
 */

const campaignPath = (campaign: Pick<Campaign, "id">): string =>
  `/app/campaigns/${encodeURIComponent(campaign.id)}`;

/** The campaign's name and status, and its pages: results, responses, edit. */
function CampaignHeader(props: {
  campaign: Campaign;
  locale: Locale;
  current: "results" | "responses";
  rm: ConsoleResultsMessages;
}) {
  const m = consoleMessagesFor(props.locale);
  const { campaign, rm } = props;
  const base = campaignPath(campaign);
  return (
    <div class="campaign-head">
      <p class="crumb">
        <a href="/app/campaigns">{rm.backToCampaigns}</a>
      </p>
      <h1>
        <span class="campaign-name">{campaign.name}</span>{" "}
        <span class={`status status-${campaign.status}`}>{m.statusLabels[campaign.status]}</span>
      </h1>
      <nav class="subnav" aria-label={rm.campaignLinks}>
        <ul>
          <li>
            <a href={base} aria-current={props.current === "results" ? "page" : undefined}>
              {rm.resultsNav}
            </a>
          </li>
          <li>
            <a href={`${base}/responses`} aria-current={props.current === "responses" ? "page" : undefined}>
              {rm.responsesNav}
            </a>
          </li>
          <li>
            <a href={`${base}/edit`}>{rm.editCampaign}</a>
          </li>
        </ul>
      </nav>
    </div>
  );
}

/** A form field's error, tied to its control by id (aria-describedby). */
function FieldError(props: { id: string; text: string | undefined }) {
  return props.text ? (
    <p class="error" id={props.id}>
      {props.text}
    </p>
  ) : null;
}

// ---------------------------------------------------------------------------------------------------
// Results

/** What the filter form shows: what was asked (as typed), or the range the results used. */
export type ResultsFilter = {
  readonly from: string;
  readonly to: string;
  readonly interval: string;
  readonly segment: string;
  readonly compare: boolean;
};

export type ResultsPageProps = ConsolePageFrame & {
  readonly campaign: Campaign;
  readonly filter: ResultsFilter;
  /** Null when the filter is invalid: the form shows why, and no figures. */
  readonly results: Results | null;
  readonly errors?: Readonly<Partial<Record<keyof ResultsFilter, string>>>;
};

function ResultsFilterForm(props: {
  campaign: Campaign;
  filter: ResultsFilter;
  errors: Readonly<Partial<Record<keyof ResultsFilter, string>>>;
  rm: ConsoleResultsMessages;
}) {
  const { campaign, filter, errors, rm } = props;
  const invalid = (field: keyof ResultsFilter) => (errors[field] ? "true" : undefined);
  const described = (field: keyof ResultsFilter, hint?: string) =>
    [errors[field] ? `${field}-error` : "", hint ?? ""].filter(Boolean).join(" ") || undefined;
  return (
    <form class="panel filters" method="get" action={campaignPath(campaign)} aria-labelledby="filter-heading">
      <h2 id="filter-heading">{rm.filterHeading}</h2>
      <div class="fields">
        <div class="field">
          <label for="from">{rm.fromLabel}</label>
          <span class="hint" id="date-hint">
            {rm.dateHint}
          </span>
          <FieldError id="from-error" text={errors.from} />
          <input
            type="date"
            id="from"
            name="from"
            value={filter.from}
            aria-invalid={invalid("from")}
            aria-describedby={described("from", "date-hint")}
          />
        </div>
        <div class="field">
          <label for="to">{rm.toLabel}</label>
          <span class="hint">{rm.dateHint}</span>
          <FieldError id="to-error" text={errors.to} />
          <input
            type="date"
            id="to"
            name="to"
            value={filter.to}
            aria-invalid={invalid("to")}
            aria-describedby={described("to", "date-hint")}
          />
        </div>
        <div class="field">
          <label for="interval">{rm.intervalLabel}</label>
          <FieldError id="interval-error" text={errors.interval} />
          <select
            id="interval"
            name="interval"
            aria-invalid={invalid("interval")}
            aria-describedby={described("interval")}
          >
            {(["day", "week", "month"] as const).map((interval) => (
              <option value={interval} selected={filter.interval === interval}>
                {rm.intervals[interval]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="segment">{rm.segmentLabel}</label>
          <FieldError id="segment-error" text={errors.segment} />
          {campaign.segmentBy.length === 0 ? (
            <p class="hint" id="segment">
              {rm.noSegmentProperties}
            </p>
          ) : (
            <select
              id="segment"
              name="segment"
              aria-invalid={invalid("segment")}
              aria-describedby={described("segment")}
            >
              <option value="" selected={filter.segment === ""}>
                {rm.noSegment}
              </option>
              {campaign.segmentBy.map((property) => (
                <option value={property} selected={filter.segment === property}>
                  {property}
                </option>
              ))}
            </select>
          )}
        </div>
      </div>
      <label class="check">
        <input type="checkbox" name="compare" value="previous" checked={filter.compare} />
        {rm.compareLabel}
      </label>
      <div class="actions">
        <button class="button" type="submit">
          {rm.showButton}
        </button>
        <a class="reset" href={campaignPath(campaign)}>
          {rm.resetFilters}
        </a>
      </div>
    </form>
  );
}

/** One figure of the summary: its name and its value (with an id the tests and the trend table share). */
function Figure(props: {
  id: string;
  label: string;
  value: string;
  note?: string | undefined;
  big?: boolean;
}) {
  return (
    <div class={props.big ? "figure big" : "figure"}>
      <dt>{props.label}</dt>
      <dd>
        <span class="value" id={props.id}>
          {props.value}
        </span>
        {props.note ? (
          <span class="note" id={`${props.id}-note`}>
            {props.note}
          </span>
        ) : null}
      </dd>
    </div>
  );
}

function Summary(props: {
  campaign: Campaign;
  results: Results;
  locale: Locale;
  rm: ConsoleResultsMessages;
}) {
  const { results, locale, rm } = props;
  const o = results.overall;
  const na = rm.notAvailable;
  const count = (n: number) => formatNumber(locale, n, 0);
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">{rm.summaryHeading}</h2>
      {o.responses === 0 ? <p class="notice">{rm.emptyRange}</p> : null}
      <dl class="figures-grid">
        <Figure
          id="nps"
          big
          label={rm.npsLabel}
          value={o.nps === null ? na : formatNumber(locale, o.nps)}
          note={
            o.npsMarginOfError === null
              ? o.nps === null
                ? undefined
                : rm.npsNoMargin
              : rm.npsMargin(formatNumber(locale, o.npsMarginOfError))
          }
        />
        <Figure id="responses" label={rm.responsesLabel} value={count(o.responses)} />
        <Figure id="promoters" label={rm.promotersLabel} value={count(o.promoters)} />
        <Figure id="passives" label={rm.passivesLabel} value={count(o.passives)} />
        <Figure id="detractors" label={rm.detractorsLabel} value={count(o.detractors)} />
        <Figure id="sent" label={rm.sentLabel} value={count(o.sent)} />
        <Figure
          id="response-rate"
          label={rm.responseRateLabel}
          value={o.responseRate === null ? na : formatPercent(locale, o.responseRate, 2)}
        />
        {results.change ? (
          <Figure
            id="change"
            label={rm.changeLabel}
            value={
              results.change.npsDifference === null
                ? na
                : rm.changeText(formatSigned(locale, results.change.npsDifference))
            }
            note={
              results.change.significant === null
                ? undefined
                : results.change.significant
                  ? rm.changeSignificant
                  : rm.changeNotSignificant
            }
          />
        ) : null}
      </dl>
      {props.campaign.csat || o.csat.responses > 0 ? (
        <>
          <h3>{rm.csatHeading}</h3>
          <dl class="figures-grid">
            <Figure
              id="csat-mean"
              label={rm.csatMeanLabel}
              value={o.csat.mean === null ? na : formatNumber(locale, o.csat.mean, 2)}
            />
            <Figure
              id="csat-satisfied"
              label={rm.csatSatisfiedLabel}
              value={
                o.csat.satisfiedPercent === null ? na : `${formatNumber(locale, o.csat.satisfiedPercent)}%`
              }
            />
            <Figure id="csat-responses" label={rm.csatResponsesLabel} value={count(o.csat.responses)} />
          </dl>
        </>
      ) : null}
      {results.cases ? (
        <>
          <h3>{rm.casesHeading}</h3>
          <dl class="figures-grid">
            <Figure id="cases-opened" label={rm.casesOpenedLabel} value={count(results.cases.opened)} />
            <Figure id="cases-resolved" label={rm.casesResolvedLabel} value={count(results.cases.resolved)} />
            <Figure
              id="cases-within-target"
              label={rm.casesWithinTargetLabel}
              value={
                results.cases.firstResponseWithinTarget === null
                  ? na
                  : formatPercent(locale, results.cases.firstResponseWithinTarget, 1)
              }
            />
            <Figure
              id="cases-mean-hours"
              label={rm.casesMeanHoursLabel}
              value={
                results.cases.meanHoursToFirstResponse === null
                  ? na
                  : rm.hours(formatNumber(locale, results.cases.meanHoursToFirstResponse, 2))
              }
            />
          </dl>
        </>
      ) : null}
    </section>
  );
}

/** A campaign's results: the filter form, the summary figures and the charts, each with its numbers. */
/** The drivers with each attribute's label in the page's language (the API gives the campaign's). */
function inPageLanguage(
  drivers: NonNullable<Results["drivers"]>,
  campaign: Campaign,
  locale: Locale,
): NonNullable<Results["drivers"]> {
  const labels = new Map(campaign.attributes.map((a) => [a.key, textIn(a.label, locale, campaign.locale)]));
  return {
    ...drivers,
    attributes: drivers.attributes.map((a) => ({ ...a, label: labels.get(a.key) ?? a.label })),
  };
}

export function renderResultsPage(props: ResultsPageProps): string {
  const rm = consoleResultsMessagesFor(props.locale);
  const { campaign, results, locale } = props;
  const errors = props.errors ?? {};
  const format = dateFormat(locale);
  const day = (d: string) => format.format(new Date(`${d}T00:00:00Z`));
  return toDocument(
    <Shell {...props} section="campaigns" title={campaign.name}>
      <CampaignHeader campaign={campaign} locale={locale} current="results" rm={rm} />
      {results === null ? (
        <p class="alert" role="alert">
          {rm.filterInvalid}
        </p>
      ) : (
        <p class="range" id="range">
          {rm.rangeSummary(day(results.from), day(results.to))}
        </p>
      )}
      <ResultsFilterForm campaign={campaign} filter={props.filter} errors={errors} rm={rm} />
      {results === null ? null : (
        <>
          <Summary campaign={campaign} results={results} locale={locale} rm={rm} />
          <section aria-labelledby="trend-heading">
            <h2 id="trend-heading">{rm.trendHeading}</h2>
            <TrendChart
              trend={results.trend}
              interval={results.interval as Interval}
              locale={locale}
              m={rm}
            />
          </section>
          <section aria-labelledby="distribution-heading">
            <h2 id="distribution-heading">{rm.distributionHeading}</h2>
            <DistributionChart stats={results.overall} locale={locale} m={rm} />
          </section>
          {results.segment !== undefined && results.segments ? (
            <section aria-labelledby="segment-heading">
              <h2 id="segment-heading">{rm.segmentHeading(results.segment)}</h2>
              <p class="muted">{rm.segmentIntro}</p>
              <SegmentChart
                property={results.segment}
                segments={results.segments}
                overallNps={results.overall.nps}
                locale={locale}
                m={rm}
              />
            </section>
          ) : null}
          {results.drivers ? (
            <section aria-labelledby="drivers-heading">
              <h2 id="drivers-heading">{rm.driversHeading}</h2>
              {results.overall.responses === 0 ? (
                <EmptyChart text={rm.emptyRange} />
              ) : (
                <>
                  <p class="muted">{rm.driversIntro(formatNumber(locale, results.drivers.responses, 0))}</p>
                  {results.drivers.r2 === null ? null : (
                    <p class="muted">{rm.driversR2(formatPercent(locale, results.drivers.r2, 1))}</p>
                  )}
                  <DriversChart
                    drivers={inPageLanguage(results.drivers, campaign, locale)}
                    locale={locale}
                    m={rm}
                  />
                </>
              )}
            </section>
          ) : null}
        </>
      )}
    </Shell>,
  );
}

// ---------------------------------------------------------------------------------------------------
// Responses

export const SCORE_GROUPS = ["all", "promoters", "passives", "detractors"] as const;
export type ScoreGroup = (typeof SCORE_GROUPS)[number];

/** The responses listing's minScore/maxScore of a group of scores. */
export const scoreRangeOf = (group: ScoreGroup): { minScore?: string; maxScore?: string } =>
  group === "promoters"
    ? { minScore: "9" }
    : group === "passives"
      ? { minScore: "7", maxScore: "8" }
      : group === "detractors"
        ? { maxScore: "6" }
        : {};

export type ResponsesFilter = { readonly from: string; readonly to: string; readonly group: string };

export type ResponsesPageProps = ConsolePageFrame & {
  readonly campaign: Campaign;
  readonly filter: ResponsesFilter;
  readonly responses: readonly ResponseItem[];
  readonly nextCursor: string | null;
  /** Whether this is a later page (a link back to the newest is offered). */
  readonly paged: boolean;
  readonly errors?: Readonly<Partial<Record<"from" | "to" | "group" | "cursor", string>>>;
};

/** The query string of the responses page (and its CSV) for a filter, with extra parameters. */
export function responsesQuery(filter: ResponsesFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filter.from) params.set("from", filter.from);
  if (filter.to) params.set("to", filter.to);
  if (filter.group && filter.group !== "all") params.set("group", filter.group);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A campaign's responses, newest first, with their comments; a filter form, paging and the CSV download. */
export function renderResponsesPage(props: ResponsesPageProps): string {
  const rm = consoleResultsMessagesFor(props.locale);
  const { campaign, filter, locale } = props;
  const errors = props.errors ?? {};
  const base = `${campaignPath(campaign)}/responses`;
  const format = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  });
  const dayFormat = dateFormat(locale);
  const hasErrors = Object.keys(errors).length > 0;
  return toDocument(
    <Shell {...props} section="campaigns" title={`${rm.responsesTitle} – ${campaign.name}`}>
      <CampaignHeader campaign={campaign} locale={locale} current="responses" rm={rm} />
      {hasErrors ? (
        <p class="alert" role="alert">
          {rm.filterInvalid}
        </p>
      ) : null}
      <form class="panel filters" method="get" action={base} aria-labelledby="responses-filter-heading">
        <h2 id="responses-filter-heading">{rm.responsesFilterHeading}</h2>
        <div class="fields">
          <div class="field">
            <label for="group">{rm.scoresLabel}</label>
            <FieldError id="group-error" text={errors.group} />
            <select
              id="group"
              name="group"
              aria-invalid={errors.group ? "true" : undefined}
              aria-describedby={errors.group ? "group-error" : undefined}
            >
              {SCORE_GROUPS.map((group) => (
                <option value={group} selected={(filter.group || "all") === group}>
                  {rm.scoreGroups[group]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="from">{rm.answeredFromLabel}</label>
            <span class="hint" id="date-hint">
              {rm.dateHint}
            </span>
            <FieldError id="from-error" text={errors.from} />
            <input
              type="date"
              id="from"
              name="from"
              value={filter.from}
              aria-invalid={errors.from ? "true" : undefined}
              aria-describedby={errors.from ? "from-error date-hint" : "date-hint"}
            />
          </div>
          <div class="field">
            <label for="to">{rm.answeredToLabel}</label>
            <span class="hint">{rm.dateHint}</span>
            <FieldError id="to-error" text={errors.to} />
            <input
              type="date"
              id="to"
              name="to"
              value={filter.to}
              aria-invalid={errors.to ? "true" : undefined}
              aria-describedby={errors.to ? "to-error date-hint" : "date-hint"}
            />
          </div>
        </div>
        <div class="actions">
          <button class="button" type="submit">
            {rm.showResponsesButton}
          </button>
          <a class="reset" href={base}>
            {rm.clearFilters}
          </a>
        </div>
      </form>
      {errors.cursor ? <p class="alert">{errors.cursor}</p> : null}
      {hasErrors ? null : (
        <p class="download">
          <a
            class="button secondary"
            id="download-csv"
            href={`${base}.csv${responsesQuery(filter)}`}
            download
          >
            {rm.downloadCsv}
          </a>
          <span class="hint">{rm.downloadCsvHint}</span>
        </p>
      )}
      {hasErrors ? null : props.responses.length === 0 ? (
        <div class="panel empty">
          <p>{rm.noResponses}</p>
        </div>
      ) : (
        <ol class="responses" aria-label={rm.responsesListLabel}>
          {props.responses.map((response) => {
            const group = groupOfScore(response.score);
            return (
              <li class="response">
                <div class="response-head">
                  <span class={`score score-${group}`}>
                    <strong>{rm.scoreOf(response.score)}</strong>
                    {` · ${rm.groupOf[group]}`}
                  </span>
                  {response.csat === null ? null : <span class="csat">{rm.csatOf(response.csat)}</span>}
                  <time datetime={response.createdAt}>{format.format(new Date(response.createdAt))}</time>
                </div>
                {response.comment === null || response.comment.trim() === "" ? (
                  <p class="comment muted">{rm.noComment}</p>
                ) : (
                  <blockquote class="comment">{response.comment}</blockquote>
                )}
                <p class="who-line">
                  <span class="customer">
                    {response.name ? `${response.name} · ` : ""}
                    {response.email}
                  </span>
                  <span class="order">{`${rm.orderLabel} ${response.orderId}`}</span>
                  {response.updatedAt !== response.createdAt ? (
                    <span class="muted">{rm.editedOn(dayFormat.format(new Date(response.updatedAt)))}</span>
                  ) : null}
                </p>
                {Object.keys(response.properties).length > 0 ? (
                  <ul class="properties">
                    {Object.entries(response.properties).map(([name, value]) => (
                      <li>
                        <span class="property-name">{name}</span> {String(value)}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      <Pager
        label={rm.responsesTitle}
        paged={props.paged}
        first={{ href: `${base}${responsesQuery(filter)}`, text: rm.newestResponses }}
        nextHref={props.nextCursor ? `${base}${responsesQuery(filter, { cursor: props.nextCursor })}` : null}
        nextText={rm.olderResponses}
      />
    </Shell>,
  );
}
