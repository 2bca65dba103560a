import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Clock } from "../domain/clock";
import { NotFoundError, PayloadTooLargeError } from "../domain/errors";
import { type BusinessMetric, countMetric } from "../platform/metrics";
import { type AuthenticatePorts, authenticate } from "../use-cases/authenticate";
import { type ErasePersonPorts, eraseDelightedPerson } from "../use-cases/erase-person";
import { listPeople, type PeopleListPorts } from "../use-cases/list-people";
import { listSuppressions, type SuppressionListPorts } from "../use-cases/list-suppressions";
import { listSurveyResponses, type SurveyResponsesPorts } from "../use-cases/list-survey-responses";
import { type ReadMetricsPorts, readMetrics } from "../use-cases/read-metrics";
import { type ScheduledPerson, type SchedulePersonPorts, schedulePerson } from "../use-cases/schedule-person";
import { type SuppressAddressPorts, suppressAddress } from "../use-cases/suppress-address";
import { API_KEY_ID } from "./api-key-variable";
import {
  renderListedPerson,
  renderMetrics,
  renderScheduledPerson,
  renderSuppression,
  renderSurveyResponse,
} from "./delighted-render";
import { delightedErrorResponse, delightedNotAcceptableResponse } from "./error-response";
import { readJsonBody } from "./request-body";

/** What the Delighted-compatible API works with: the stores behind its use cases, and the clock. */
export type DelightedDependencies = AuthenticatePorts &
  SchedulePersonPorts &
  PeopleListPorts &
  SurveyResponsesPorts &
  ReadMetricsPorts &
  SuppressAddressPorts &
  SuppressionListPorts &
  ErasePersonPorts & { readonly clock: Clock };

const UNAUTHORIZED =
  "A valid API key is required: send it as the user name of HTTP Basic authentication, with an empty password.";

const PERSON_METRICS: Record<ScheduledPerson["outcome"], BusinessMetric | null> = {
  scheduled: "PurchasesScheduled",
  duplicate: "PurchasesDuplicate",
  suppressed: "PurchasesSuppressed",
  throttled: "PurchasesThrottled",
  not_sent: null,
};

/**
 * The Delighted-compatible API, mounted at `/delighted/{campaignId}/v1`: a Delighted project is one
 * campaign, so code written for the official `delighted` client works by changing its host and base.
 * HTTP Basic with the API key as the user name; every path with or without `.json`; JSON only (406
 * otherwise); Delighted's field names, status codes and error bodies. Each route parses the request,
 * calls one use case and renders its result.
 */
export function createDelightedApp(ports: DelightedDependencies, options: { maxBodyBytes: number }): Hono {
  const app = new Hono();
  app.onError(delightedErrorResponse);
  app.use(
    "*",
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: () => {
        throw new PayloadTooLargeError(options.maxBodyBytes);
      },
    }),
  );
  app.use("*", async (c, next) => {
    c.set(API_KEY_ID, await authenticate(ports, basicUserName(c.req.header("authorization")), UNAUTHORIZED));
    if (!acceptsJson(c.req.header("accept"))) return delightedNotAcceptableResponse(c);
    await next();
  });

  /** A route at `path` and at `path.json`, as Delighted serves both. */
  const route = (method: "GET" | "POST", path: string, handler: (c: Context) => Promise<Response>) =>
    app.on(method, [path, `${path}.json`], handler);
  const campaignId = (c: Context) => c.req.param("campaignId") ?? "";

  route("POST", "/people", async (c) => {
    const result = await schedulePerson(ports, campaignId(c), () => readJsonBody(c));
    const metric = PERSON_METRICS[result.outcome];
    if (metric) countMetric(metric);
    return c.json(renderScheduledPerson(result), result.outcome === "scheduled" ? 201 : 200);
  });

  route("GET", "/people", async (c) => {
    const { people, nextPageInfo } = await listPeople(ports, campaignId(c), queryOf(c));
    if (nextPageInfo !== null) {
      // Absolute, on the origin asked: the official client follows it as a full URL.
      const next = new URL(c.req.url);
      next.searchParams.set("page_info", nextPageInfo);
      c.header("Link", `<${next.href}>; rel="next"`);
    }
    return c.json(people.map(renderListedPerson));
  });

  // The person segment keeps Delighted's `.json` suffix, if any: the use case takes it off.
  app.delete("/people/:person", async (c) => {
    await eraseDelightedPerson(ports, campaignId(c), c.req.param("person"), c.get(API_KEY_ID));
    return c.json({ ok: true }, 202);
  });

  route("GET", "/survey_responses", async (c) => {
    const { campaign, responses, expandPerson } = await listSurveyResponses(ports, campaignId(c), queryOf(c));
    return c.json(responses.map((response) => renderSurveyResponse(response, campaign, expandPerson)));
  });

  route("GET", "/metrics", async (c) =>
    c.json(renderMetrics(await readMetrics(ports, campaignId(c), queryOf(c)))),
  );

  route("POST", "/unsubscribes", async (c) => {
    const { newlySuppressed } = await suppressAddress(ports, campaignId(c), () => readJsonBody(c));
    if (newlySuppressed) countMetric("Unsubscribes");
    return c.json({ ok: true });
  });

  route("GET", "/unsubscribes", async (c) => {
    const listed = await listSuppressions(ports, campaignId(c), "unsubscribes", queryOf(c));
    return c.json(listed.map((s) => renderSuppression(s, "unsubscribed_at")));
  });

  route("GET", "/bounces", async (c) => {
    const listed = await listSuppressions(ports, campaignId(c), "bounces", queryOf(c));
    return c.json(listed.map((s) => renderSuppression(s, "bounced_at")));
  });

  app.all("*", (c) => {
    throw new NotFoundError(`No route ${c.req.method} ${c.req.path}.`);
  });
  return app;
}

/** The user name of HTTP Basic credentials (RFC 7617): where Delighted's clients put the API key. */
function basicUserName(header: string | undefined): string | undefined {
  const encoded = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? "")?.[1];
  if (encoded === undefined) return undefined;
  const credentials = Buffer.from(encoded, "base64").toString("utf8");
  const colon = credentials.indexOf(":");
  return colon > 0 ? credentials.slice(0, colon) : undefined;
}

/** Whether an Accept header admits JSON: absent, `*\/*`, `application/*`, or a JSON type, not at q=0. */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  return accept.split(",").some((range) => {
    const [type = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const quality = parameters.find((p) => p.startsWith("q="));
    if (quality !== undefined && Number(quality.slice(2)) === 0) return false;
    return (
      ["*/*", "application/*", "application/json"].includes(type) || /^application\/[\w.-]+\+json$/.test(type)
    );
  });
}

/** The query as the use cases take it: a parameter given once as a string, one repeated as an array. */
function queryOf(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [
      name,
      values.length === 1 ? (values[0] ?? "") : values,
    ]),
  );
}
