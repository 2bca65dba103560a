/** @jsxImportSource hono/jsx */

import type { Locale } from "../domain/campaign";
import {
  bandPath,
  barsOf,
  countTicks,
  labelIndexes,
  linearScale,
  linePath,
  NPS_DOMAIN,
  type Plot,
  runsOf,
  scatterOf,
  spreadLabels,
  trendPoints,
} from "../domain/chart-scale";
import type { ConsoleResultsMessages } from "../domain/console-results-messages";
import type { DriverResults } from "../domain/insight";
import type { Interval, Results, Stats } from "../domain/results";

/**
 * The console's charts: server-drawn SVG, no script, no chart library. Each is an `img` with a title
 * and a description that say what it shows, scales with the page (viewBox, width 100%), tells groups
 * apart by pattern and label as well as by colour, and is followed by a table with the exact numbers.
 * No data gives a sentence, never an empty frame. Only presentation attributes and classes: the CSP
 * refuses inline `style`.
 */

// ---------------------------------------------------------------------------------------------------
// Numbers as the page's language writes them

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.NumberFormat(locale, options);
    formatters.set(key, found);
  }
  return found;
}

/** A number with at most `digits` decimals (as the API rounded it), e.g. 32.5, −10, 1,234. */
export const formatNumber = (locale: Locale, value: number, digits = 1): string =>
  formatter(locale, { maximumFractionDigits: digits }).format(value);

/** A difference with its sign, e.g. +5.2, −3, 0. */
export const formatSigned = (locale: Locale, value: number, digits = 1): string =>
  formatter(locale, { maximumFractionDigits: digits, signDisplay: "exceptZero" }).format(value);

/** A share 0–1 as a percentage, e.g. 0.4567 → 45.67%. */
export const formatPercent = (locale: Locale, share: number, digits = 2): string =>
  formatter(locale, { style: "percent", maximumFractionDigits: digits }).format(share);

/** A period's first day as the axis and the table name it: a day, or a month for monthly trends. */
export function formatPeriod(locale: Locale, period: string, interval: Interval): string {
  const options: Intl.DateTimeFormatOptions =
    interval === "month"
      ? { year: "numeric", month: "short", timeZone: "UTC" }
      : { month: "short", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale, options).format(new Date(`${period}T00:00:00Z`));
}

/** The segment value as people read it: the API's placeholders in the page's language. */
export const segmentValueLabel = (m: ConsoleResultsMessages, value: string): string =>
  value === "(none)" ? m.noneValue : value === "(other)" ? m.otherValue : value;

/** How wide a character sets: CJK and other full-width characters take two columns. */
const columnsOf = (char: string): number =>
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
    char,
  ) || char.length > 1
    ? 2
    : 1;

/**
 * At most `max` columns of text (a full-width character counts two), with an ellipsis: axis labels
 * have a fixed width, the table beside the chart has the rest.
 */
export function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.reduce((total, char) => total + columnsOf(char), 0) <= max) return text;
  let used = 1;
  let out = "";
  for (const char of chars) {
    if (used + columnsOf(char) > max) break;
    used += columnsOf(char);
    out += char;
  }
  return `${out}…`;
}

// ---------------------------------------------------------------------------------------------------
// Shared parts

const WIDTH = 400;

/** The svg element every chart uses: an image named by its title and described by its summary. */
function ChartSvg(props: {
  id: string;
  height: number;
  title: string;
  description: string;
  children?: unknown;
}) {
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${props.height}`}
      width="100%"
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {props.children}
    </svg>
  );
}

const r = (value: number): string => String(Math.round(value * 100) / 100);

/** A sentence where a chart would be when there is nothing to draw. */
export function EmptyChart(props: { text: string }) {
  return <p class="chart-empty">{props.text}</p>;
}

// ---------------------------------------------------------------------------------------------------
// The NPS trend, with the margin of error as a band

export const TREND_HEIGHT = 220;
export const TREND_PLOT: Plot = { left: 38, top: 10, width: 350, height: 176 };

export function TrendChart(props: {
  trend: Results["trend"];
  interval: Interval;
  locale: Locale;
  m: ConsoleResultsMessages;
}) {
  const { trend, interval, locale, m } = props;
  const answered = trend.filter((p) => p.nps !== null);
  const caption = m.trendCaption(m.intervals[interval]);
  if (answered.length === 0) return <EmptyChart text={m.trendNoAnswers} />;
  const points = trendPoints(trend, TREND_PLOT);
  const y = linearScale(NPS_DOMAIN, [TREND_PLOT.top + TREND_PLOT.height, TREND_PLOT.top]);
  const values = answered.map((p) => p.nps as number);
  const description = m.trendSummary(
    trend.length,
    formatPeriod(locale, trend[0]?.period ?? "", interval),
    formatPeriod(locale, trend.at(-1)?.period ?? "", interval),
    formatNumber(locale, Math.min(...values)),
    formatNumber(locale, Math.max(...values)),
  );
  const runs = runsOf(points);
  const bottom = TREND_PLOT.top + TREND_PLOT.height;
  return (
    <div class="chart-block">
      <ChartSvg id="trend" height={TREND_HEIGHT} title={caption} description={description}>
        <defs>
          <pattern
            id="trend-hatch"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill="#dbeafe" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#93c5fd" stroke-width="2" />
          </pattern>
        </defs>
        {[-100, -50, 0, 50, 100].map((tick) => (
          <g>
            <line
              class={tick === 0 ? "axis" : "grid"}
              x1={TREND_PLOT.left}
              x2={TREND_PLOT.left + TREND_PLOT.width}
              y1={r(y(tick))}
              y2={r(y(tick))}
            />
            <text class="tick" x={TREND_PLOT.left - 6} y={r(y(tick) + 4)} text-anchor="end">
              {formatNumber(locale, tick)}
            </text>
          </g>
        ))}
        {runs.map((run) => (
          <path class="band" d={bandPath(run)} fill="url(#trend-hatch)" />
        ))}
        {runs.map((run) => (run.length > 1 ? <path class="line" d={linePath(run)} fill="none" /> : null))}
        {points.map((p) => (p.y === null ? null : <circle class="point" cx={r(p.x)} cy={r(p.y)} r="3.5" />))}
        {labelIndexes(points.length, 5).map((index) => {
          const p = points[index];
          if (!p) return null;
          const anchor =
            points.length === 1
              ? "middle"
              : index === 0
                ? "start"
                : index === points.length - 1
                  ? "end"
                  : "middle";
          return (
            <text class="tick" x={r(p.x)} y={bottom + 18} text-anchor={anchor}>
              {formatPeriod(locale, p.period, interval)}
            </text>
          );
        })}
      </ChartSvg>
      <ul class="legend">
        <li>
          <span class="key key-line" aria-hidden="true" />
          {m.trendLegendLine}
        </li>
        <li>
          <span class="key key-band" aria-hidden="true" />
          {m.trendLegendBand}
        </li>
      </ul>
      <details class="numbers">
        <summary>{m.showNumbers}</summary>
        <div class="table-wrap">
          <table class="figures" id="trend-table">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.columnPeriod}</th>
                <th scope="col" class="num">
                  {m.columnNps}
                </th>
                <th scope="col" class="num">
                  {m.columnMargin}
                </th>
                <th scope="col" class="num">
                  {m.columnResponses}
                </th>
              </tr>
            </thead>
            <tbody>
              {trend.map((p) => (
                <tr>
                  <th scope="row">
                    <time datetime={p.period}>{formatPeriod(locale, p.period, interval)}</time>
                  </th>
                  <td class="num">{p.nps === null ? m.notAvailable : formatNumber(locale, p.nps)}</td>
                  <td class="num">
                    {p.npsMarginOfError === null ? m.notAvailable : formatNumber(locale, p.npsMarginOfError)}
                  </td>
                  <td class="num">{formatNumber(locale, p.responses, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------
// The 0–10 score distribution

export const DISTRIBUTION_HEIGHT = 230;
export const DISTRIBUTION_PLOT: Plot = { left: 38, top: 18, width: 350, height: 160 };

export const groupOfScore = (score: number): "detractor" | "passive" | "promoter" =>
  score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";

export function DistributionChart(props: { stats: Stats; locale: Locale; m: ConsoleResultsMessages }) {
  const { stats, locale, m } = props;
  const total = stats.scores.reduce((a, b) => a + b, 0);
  if (total === 0) return <EmptyChart text={m.emptyRange} />;
  const { bars, max } = barsOf(stats.scores, DISTRIBUTION_PLOT);
  const y = linearScale([0, max], [DISTRIBUTION_PLOT.top + DISTRIBUTION_PLOT.height, DISTRIBUTION_PLOT.top]);
  const bottom = DISTRIBUTION_PLOT.top + DISTRIBUTION_PLOT.height;
  const slot = DISTRIBUTION_PLOT.width / 11;
  const groupSpan = (first: number, last: number) => ({
    x1: DISTRIBUTION_PLOT.left + slot * first + 2,
    x2: DISTRIBUTION_PLOT.left + slot * (last + 1) - 2,
  });
  const groups = [
    { key: "detractor" as const, label: m.groupOf.detractor, ...groupSpan(0, 6) },
    { key: "passive" as const, label: m.groupOf.passive, ...groupSpan(7, 8) },
    { key: "promoter" as const, label: m.groupOf.promoter, ...groupSpan(9, 10) },
  ];
  const description = m.distributionSummary(
    formatNumber(locale, stats.detractors, 0),
    formatNumber(locale, stats.passives, 0),
    formatNumber(locale, stats.promoters, 0),
    formatNumber(locale, total, 0),
  );
  return (
    <div class="chart-block">
      <ChartSvg
        id="dist"
        height={DISTRIBUTION_HEIGHT}
        title={m.distributionCaption}
        description={description}
      >
        <defs>
          <pattern
            id="dist-detractor"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill="#dc2626" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#fecaca" stroke-width="2" />
          </pattern>
          <pattern id="dist-passive" width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#d97706" />
            <circle cx="3" cy="3" r="1.2" fill="#fef3c7" />
          </pattern>
        </defs>
        {countTicks(max).map((tick) => (
          <g>
            <line
              class={tick === 0 ? "axis" : "grid"}
              x1={DISTRIBUTION_PLOT.left}
              x2={DISTRIBUTION_PLOT.left + DISTRIBUTION_PLOT.width}
              y1={r(y(tick))}
              y2={r(y(tick))}
            />
            <text class="tick" x={DISTRIBUTION_PLOT.left - 6} y={r(y(tick) + 4)} text-anchor="end">
              {formatNumber(locale, tick, 0)}
            </text>
          </g>
        ))}
        {bars.map((bar) => {
          const group = groupOfScore(bar.index);
          const count = stats.scores[bar.index] ?? 0;
          return (
            <g>
              {count > 0 ? (
                <rect
                  class={`bar bar-${group}`}
                  x={r(bar.x)}
                  y={r(bar.y)}
                  width={r(bar.width)}
                  height={r(bar.height)}
                  fill={group === "promoter" ? "#15803d" : `url(#dist-${group})`}
                />
              ) : null}
              <text class="count" x={r(bar.x + bar.width / 2)} y={r(bar.y - 4)} text-anchor="middle">
                {formatNumber(locale, count, 0)}
              </text>
              <text class="tick" x={r(bar.x + bar.width / 2)} y={bottom + 15} text-anchor="middle">
                {String(bar.index)}
              </text>
            </g>
          );
        })}
        {groups.map((g) => (
          <g>
            <line
              class={`bracket bracket-${g.key}`}
              x1={r(g.x1)}
              x2={r(g.x2)}
              y1={bottom + 22}
              y2={bottom + 22}
            />
            <text class="group" x={r((g.x1 + g.x2) / 2)} y={bottom + 38} text-anchor="middle">
              {g.label}
            </text>
          </g>
        ))}
      </ChartSvg>
      <div class="table-wrap">
        <table class="figures" id="distribution-table">
          <caption>{m.distributionCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.columnScore}</th>
              <th scope="col">{m.columnGroup}</th>
              <th scope="col" class="num">
                {m.columnAnswers}
              </th>
              <th scope="col" class="num">
                {m.columnShare}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.scores.map((count, score) => (
              <tr>
                <th scope="row">{String(score)}</th>
                <td>{m.groupOf[groupOfScore(score)]}</td>
                <td class="num">{formatNumber(locale, count, 0)}</td>
                <td class="num">{formatPercent(locale, count / total, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------
// NPS by segment value, each against the rest

/** Values the chart draws; the table lists every one. */
export const SEGMENT_CHART_VALUES = 12;
const SEGMENT_ROW = 26;
export const SEGMENT_PLOT_LEFT = 132;

export type SignificanceMark = "higher" | "lower" | "same" | "unknown";
export const significanceOf = (vsRest: {
  significant: boolean | null;
  npsDifference: number | null;
}): SignificanceMark =>
  vsRest.significant === null || vsRest.npsDifference === null
    ? "unknown"
    : vsRest.significant
      ? vsRest.npsDifference > 0
        ? "higher"
        : "lower"
      : "same";

const MARK_SYMBOL: Record<SignificanceMark, string> = { higher: "▲", lower: "▼", same: "", unknown: "" };

export function segmentMarkText(m: ConsoleResultsMessages, mark: SignificanceMark): string {
  return mark === "higher"
    ? m.significantHigher
    : mark === "lower"
      ? m.significantLower
      : mark === "same"
        ? m.notSignificant
        : m.tooFewToTell;
}

export function SegmentChart(props: {
  property: string;
  segments: NonNullable<Results["segments"]>;
  overallNps: number | null;
  locale: Locale;
  m: ConsoleResultsMessages;
}) {
  const { property, segments, locale, m } = props;
  if (segments.length === 0) return <EmptyChart text={m.segmentEmpty} />;
  const shown = segments.slice(0, SEGMENT_CHART_VALUES).filter((s) => s.nps !== null);
  const plot: Plot = {
    left: SEGMENT_PLOT_LEFT,
    top: 8,
    width: WIDTH - SEGMENT_PLOT_LEFT - 24,
    height: shown.length * SEGMENT_ROW,
  };
  const x = linearScale(NPS_DOMAIN, [plot.left, plot.left + plot.width]);
  const height = plot.top + plot.height + 26;
  const clamp = (v: number) => Math.max(-100, Math.min(100, v));
  return (
    <div class="chart-block">
      {shown.length === 0 ? null : (
        <ChartSvg
          id="segments"
          height={height}
          title={m.segmentCaption(property)}
          description={m.segmentSummary(shown.length, property)}
        >
          {[-100, -50, 0, 50, 100].map((tick) => (
            <g>
              <line
                class={tick === 0 ? "axis" : "grid"}
                x1={r(x(tick))}
                x2={r(x(tick))}
                y1={plot.top}
                y2={plot.top + plot.height}
              />
              <text class="tick" x={r(x(tick))} y={plot.top + plot.height + 16} text-anchor="middle">
                {formatNumber(locale, tick)}
              </text>
            </g>
          ))}
          {props.overallNps === null ? null : (
            <line
              class="overall"
              x1={r(x(props.overallNps))}
              x2={r(x(props.overallNps))}
              y1={plot.top}
              y2={plot.top + plot.height}
            />
          )}
          {shown.map((s, index) => {
            const cy = plot.top + index * SEGMENT_ROW + SEGMENT_ROW / 2;
            const nps = s.nps as number;
            const margin = s.npsMarginOfError;
            const mark = significanceOf(s.vsRest);
            return (
              <g>
                <text class="label" x={plot.left - 8} y={r(cy + 4)} text-anchor="end">
                  {clip(segmentValueLabel(m, s.value), 16)}
                </text>
                {margin === null ? null : (
                  <line
                    class="whisker"
                    x1={r(x(clamp(nps - margin)))}
                    x2={r(x(clamp(nps + margin)))}
                    y1={r(cy)}
                    y2={r(cy)}
                  />
                )}
                <circle class={`dot dot-${mark}`} cx={r(x(nps))} cy={r(cy)} r="5" />
                {MARK_SYMBOL[mark] ? (
                  <text class={`mark mark-${mark}`} x={r(Math.min(x(nps) + 8, WIDTH - 12))} y={r(cy - 4)}>
                    {MARK_SYMBOL[mark]}
                  </text>
                ) : null}
              </g>
            );
          })}
        </ChartSvg>
      )}
      {segments.length > SEGMENT_CHART_VALUES ? (
        <p class="hint">{m.segmentMoreValues(SEGMENT_CHART_VALUES, segments.length)}</p>
      ) : null}
      {/* On a phone the table may scroll sideways: a focusable region, so keyboards can scroll it too. */}
      <section class="table-wrap scroll" tabindex={0} aria-label={m.segmentCaption(property)}>
        <table class="figures" id="segment-table">
          <caption>{m.segmentCaption(property)}</caption>
          <thead>
            <tr>
              <th scope="col">{m.columnValue}</th>
              <th scope="col" class="num">
                {m.columnResponses}
              </th>
              <th scope="col" class="num">
                {m.columnNpsMargin}
              </th>
              <th scope="col">{m.columnVsRest}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => {
              const mark = significanceOf(s.vsRest);
              return (
                <tr>
                  <th scope="row" class="value">
                    {segmentValueLabel(m, s.value)}
                  </th>
                  <td class="num">{formatNumber(locale, s.responses, 0)}</td>
                  <td class="num">
                    <span class="nps">{s.nps === null ? m.notAvailable : formatNumber(locale, s.nps)}</span>
                    {s.npsMarginOfError === null ? null : (
                      <span class="margin">{` ± ${formatNumber(locale, s.npsMarginOfError)}`}</span>
                    )}
                  </td>
                  <td>
                    <span class="difference">
                      {s.vsRest.npsDifference === null
                        ? m.notAvailable
                        : formatSigned(locale, s.vsRest.npsDifference)}
                    </span>
                    <span class={`sig sig-${mark}`}>
                      {MARK_SYMBOL[mark] ? <span aria-hidden="true">{`${MARK_SYMBOL[mark]} `}</span> : null}
                      {segmentMarkText(m, mark)}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------
// Drivers: importance × performance

export const DRIVERS_HEIGHT = 300;
export const DRIVERS_PLOT: Plot = { left: 40, top: 12, width: 344, height: 240 };

/** The averages the quadrants are drawn at, as the API computes them (1/n importance, mean of means). */
export function driverAverages(drivers: DriverResults): { importance: number; mean: number } {
  const known = drivers.attributes.filter((a) => a.importance !== null && a.mean !== null);
  return {
    importance: known.length > 0 ? 1 / known.length : 0,
    mean: known.reduce((total, a) => total + (a.mean ?? 0), 0) / Math.max(1, known.length),
  };
}

export function DriversChart(props: { drivers: DriverResults; locale: Locale; m: ConsoleResultsMessages }) {
  const { drivers, locale, m } = props;
  const averages = driverAverages(drivers);
  const { points, xMax, quadrantX, quadrantY } = scatterOf(drivers.attributes, averages, DRIVERS_PLOT);
  const y = linearScale([1, 5], [DRIVERS_PLOT.top + DRIVERS_PLOT.height, DRIVERS_PLOT.top]);
  const x = linearScale([0, xMax], [DRIVERS_PLOT.left, DRIVERS_PLOT.left + DRIVERS_PLOT.width]);
  const bottom = DRIVERS_PLOT.top + DRIVERS_PLOT.height;
  const right = DRIVERS_PLOT.left + DRIVERS_PLOT.width;
  const numberOf = new Map(drivers.attributes.map((a, i) => [a.key, i + 1]));
  const labelOf = new Map(drivers.attributes.map((a) => [a.key, a.label]));
  // Labels beside their points, to the left near the right edge, nudged apart where points are close.
  const sides = points.map((p) => p.x > right - 90);
  const labels: { x: number; y: number; anchor: "start" | "end"; text: string }[] = [];
  for (const leftSide of [false, true]) {
    const onSide = points.filter((_, i) => sides[i] === leftSide);
    const ys = spreadLabels(
      onSide.map((p) => p.y + 4),
      14,
    );
    onSide.forEach((p, i) => {
      labels.push({
        x: leftSide ? p.x - 13 : p.x + 13,
        y: ys[i] ?? p.y + 4,
        anchor: leftSide ? "end" : "start",
        text: `${numberOf.get(p.key) ?? ""}. ${clip(labelOf.get(p.key) ?? p.key, 18)}`,
      });
    });
  }
  const concentrate = drivers.attributes.filter((a) => a.quadrant === "concentrate").map((a) => a.label);
  return (
    <div class="chart-block">
      {points.length === 0 ? (
        <EmptyChart text={m.driversTooFew} />
      ) : (
        <ChartSvg
          id="drivers"
          height={DRIVERS_HEIGHT}
          title={m.driversCaption}
          description={m.driversSummary(concentrate.join(", "))}
        >
          <rect
            class="quadrant-focus"
            x={r(quadrantX)}
            y={DRIVERS_PLOT.top}
            width={r(right - quadrantX)}
            height={r(quadrantY - DRIVERS_PLOT.top)}
          />
          <rect
            class="quadrant-fix"
            x={r(quadrantX)}
            y={r(quadrantY)}
            width={r(right - quadrantX)}
            height={r(bottom - quadrantY)}
          />
          {[1, 2, 3, 4, 5].map((tick) => (
            <g>
              <line class="grid" x1={DRIVERS_PLOT.left} x2={right} y1={r(y(tick))} y2={r(y(tick))} />
              <text class="tick" x={DRIVERS_PLOT.left - 6} y={r(y(tick) + 4)} text-anchor="end">
                {String(tick)}
              </text>
            </g>
          ))}
          {[0, xMax / 2, xMax].map((tick, i) => (
            <text
              class="tick"
              x={r(x(tick))}
              y={bottom + 15}
              text-anchor={i === 0 ? "start" : i === 2 ? "end" : "middle"}
            >
              {formatPercent(locale, tick, 0)}
            </text>
          ))}
          <line class="axis" x1={DRIVERS_PLOT.left} x2={right} y1={bottom} y2={bottom} />
          <line
            class="axis"
            x1={DRIVERS_PLOT.left}
            x2={DRIVERS_PLOT.left}
            y1={DRIVERS_PLOT.top}
            y2={bottom}
          />
          <line class="quadrant" x1={r(quadrantX)} x2={r(quadrantX)} y1={DRIVERS_PLOT.top} y2={bottom} />
          <line class="quadrant" x1={DRIVERS_PLOT.left} x2={right} y1={r(quadrantY)} y2={r(quadrantY)} />
          <text class="corner" x={right - 4} y={DRIVERS_PLOT.top + 14} text-anchor="end">
            {m.quadrants["keep-up"]}
          </text>
          <text class="corner corner-fix" x={right - 4} y={bottom - 6} text-anchor="end">
            {m.quadrants.concentrate}
          </text>
          <text class="corner" x={DRIVERS_PLOT.left + 4} y={DRIVERS_PLOT.top + 14}>
            {m.quadrants.overkill}
          </text>
          <text class="corner" x={DRIVERS_PLOT.left + 4} y={bottom - 6}>
            {m.quadrants["low-priority"]}
          </text>
          <text class="axis-title" x={right} y={bottom + 32} text-anchor="end">
            {m.driversAxisImportance}
          </text>
          <text
            class="axis-title"
            x="12"
            y={DRIVERS_PLOT.top}
            transform={`rotate(-90 12 ${DRIVERS_PLOT.top})`}
            text-anchor="end"
          >
            {m.driversAxisRating}
          </text>
          {points.map((p) => (
            <g>
              <circle class="driver" cx={r(p.x)} cy={r(p.y)} r="9" />
              <text class="driver-number" x={r(p.x)} y={r(p.y + 4)} text-anchor="middle">
                {String(numberOf.get(p.key) ?? "")}
              </text>
            </g>
          ))}
          {labels.map((label) => (
            <text class="driver-label" x={r(label.x)} y={r(label.y)} text-anchor={label.anchor}>
              {label.text}
            </text>
          ))}
        </ChartSvg>
      )}
      <section class="table-wrap scroll" tabindex={0} aria-label={m.driversCaption}>
        <table class="figures" id="drivers-table">
          <caption>{m.driversCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.columnAttribute}</th>
              <th scope="col" class="num">
                {m.columnImportance}
              </th>
              <th scope="col" class="num">
                {m.columnMean}
              </th>
              <th scope="col" class="num">
                {m.columnCorrelation}
              </th>
              <th scope="col">{m.columnQuadrant}</th>
            </tr>
          </thead>
          <tbody>
            {drivers.attributes.map((a, i) => (
              <tr>
                <th scope="row" class="value">{`${i + 1}. ${a.label}`}</th>
                <td class="num">
                  {a.importance === null ? m.notAvailable : formatPercent(locale, a.importance, 1)}
                </td>
                <td class="num">{a.mean === null ? m.notAvailable : formatNumber(locale, a.mean, 2)}</td>
                <td class="num">
                  {a.correlation === null ? m.notAvailable : formatNumber(locale, a.correlation, 3)}
                </td>
                <td>{a.quadrant === null ? m.notAvailable : m.quadrants[a.quadrant]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
