import type { Campaign, Locale } from "../domain/campaign";
import type { AnswerEdit, Case, CaseAlertEmail, NewCase, StoredCase } from "../domain/case";
import { CASE_VIEW_FIELDS, caseIdOf, dueAtOf, meetsFollowUp } from "../domain/case-rules";
import type { Clock } from "../domain/clock";
import type { RecordedAnswer } from "../domain/counters";
import type { ExportableResponse } from "../domain/response-export";
import { responseId } from "../domain/response-id";
import { toResponseItem } from "../domain/response-view";
import { caseEventIdOf, responseEventIdOf, suppressionEventIdOf } from "../domain/webhook-delivery";

/** A committed change of the table, as the stream reports it: the kind of item, and its images. */
export type TableChange = {
  readonly kind: "response" | "suppression" | "case";
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown>;
};

/** An event for webhook subscribers: its id is derived from the change, so a replay repeats it exactly. */
export type ChangeEvent = {
  readonly id: string;
  readonly type:
    | "response.created"
    | "response.updated"
    | "case.opened"
    | "case.updated"
    | "person.unsubscribed"
    | "person.suppressed";
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
};

export type ReactToChangePorts = {
  /** Which kind of item a stream record's keys name (the key design's reading, store/keys.ts). */
  readonly changedItemKind: (keys: Record<string, unknown>) => "response" | "suppression" | "case" | "other";
  readonly campaigns: { get(campaignId: string): Promise<Campaign | undefined> };
  readonly responses: { get(token: string): Promise<RecordedAnswer | undefined> };
  readonly cases: {
    open(record: NewCase): Promise<boolean>;
    get(caseId: string): Promise<StoredCase | undefined>;
    markAlerted(caseId: string, at: string, owners: readonly string[]): Promise<boolean>;
    followAnswerEdit(caseId: string, edit: AnswerEdit, at: string): Promise<boolean>;
  };
  readonly alerts: { sendCaseAlert(alert: CaseAlertEmail): Promise<string> };
  /**
   * Posts an alert to a Slack incoming webhook. Slack being down does not hold the stream back (nor
   * alert the owners again on a retry): its answer is logged and the case goes on.
   */
  readonly slack: { postMessage(url: string, text: string): Promise<{ ok: boolean; error?: string }> };
  /** Hands an event to every webhook subscription of its type (deliveries are idempotent by event id). */
  readonly announce: (event: ChangeEvent) => Promise<number>;
  /** Origin of the console's links in alerts. */
  readonly publicBaseUrl: string;
  readonly clock: Clock;
};

export type ChangeOutcome = {
  readonly caseOpened: boolean;
  readonly caseUpdated: boolean;
  readonly alertsSent: number;
  /** Subscriptions the change's event went to. */
  readonly webhookEvents: number;
};

const NOTHING: ChangeOutcome = { caseOpened: false, caseUpdated: false, alertsSent: 0, webhookEvents: 0 };

/**
 * What the events function does with one committed change of the table. Every step is idempotent (a
 * case per response, an alert mark per case, a delivery per subscription and event), so a stream
 * record seen twice, or a batch retried from its middle, changes nothing the second time.
 */
export async function reactToTableChange(
  ports: ReactToChangePorts,
  change: TableChange,
): Promise<ChangeOutcome> {
  switch (change.kind) {
    case "response":
      return await reactToAnswer(ports, change);
    case "suppression":
      return await reactToSuppression(ports, change);
    case "case":
      return await reactToCaseChange(ports, change);
  }
}

/** A response's image as the answer it records, with the purchase it is about. */
type AnswerImage = ExportableResponse & {
  version: number;
  importedAt: string | null;
  erasedAt: string | null;
};

function answerImage(image: Record<string, unknown>): AnswerImage {
  return {
    token: String(image.token),
    campaignId: String(image.campaignId),
    orderId: String(image.orderId ?? ""),
    email: String(image.email ?? ""),
    name: typeof image.name === "string" ? image.name : null,
    locale: (image.locale as Locale | null | undefined) ?? null,
    properties: (image.properties as ExportableResponse["properties"] | undefined) ?? {},
    score: Number(image.score),
    csat: typeof image.csat === "number" ? image.csat : null,
    attributes: (image.attributes as Record<string, number> | undefined) ?? {},
    comment: typeof image.comment === "string" ? image.comment : null,
    createdAt: String(image.createdAt),
    updatedAt: String(image.updatedAt),
    version: Number(image.version),
    importedAt: typeof image.importedAt === "string" ? image.importedAt : null,
    erasedAt: typeof image.erasedAt === "string" ? image.erasedAt : null,
  };
}

async function reactToAnswer(ports: ReactToChangePorts, change: TableChange): Promise<ChangeOutcome> {
  const after = answerImage(change.after);
  const before = change.before === null ? null : answerImage(change.before);
  // History brought in by `npm run import` is not news, and an erasure or expiry is not an answer.
  if (after.importedAt !== null) return NOTHING;
  if (before !== null && before.version >= after.version) return NOTHING;

  const current = await ports.responses.get(after.token);
  // A record from before its person's erasure, read after it: their data is not sent anywhere again.
  if (after.erasedAt !== null || current?.erasedAt !== undefined) return NOTHING;
  const webhookEvents = await ports.announce({
    id: responseEventIdOf(after.token, after.version),
    type: before === null ? "response.created" : "response.updated",
    timestamp: after.updatedAt,
    data: { campaignId: after.campaignId, ...toResponseItem(after) },
  });

  const followed = await followUpAnswer(ports, after, current);
  return { ...followed, webhookEvents };
}

/**
 * Opens the answer's case when it meets its campaign's rule, or takes an edit onto the case it opened;
 * then alerts the owners of a case not yet alerted. What is done is decided on the answer as it is
 * now, not as the record says: a stale record (reordered, or replayed after a later edit) must not
 * open a case the latest answer does not call for.
 */
async function followUpAnswer(
  ports: ReactToChangePorts,
  image: AnswerImage,
  current: RecordedAnswer | undefined,
): Promise<Omit<ChangeOutcome, "webhookEvents">> {
  if (current === undefined || current.version > image.version) return NOTHING;

  const caseId = caseIdOf(image.token);
  const campaign = await ports.campaigns.get(image.campaignId);
  const rule = campaign?.followUp ?? null;
  const meets = rule !== null && meetsFollowUp(rule, image, image.properties);
  let existing = await ports.cases.get(caseId);
  let caseOpened = false;
  let caseUpdated = false;

  if (existing === undefined) {
    if (!meets || rule === null) return NOTHING;
    const openedAt = image.updatedAt;
    caseOpened = await ports.cases.open({
      id: caseId,
      campaignId: image.campaignId,
      responseId: responseId(image.token),
      token: image.token,
      owner: rule.owners[0] ?? "",
      owners: rule.owners,
      email: image.email,
      name: image.name,
      score: image.score,
      csat: image.csat,
      comment: image.comment,
      properties: image.properties,
      locale: image.locale,
      openedAt,
      dueAt: dueAtOf(openedAt, rule.targetHours),
      responseVersion: image.version,
    });
    existing = await ports.cases.get(caseId);
    if (existing === undefined) return { caseOpened, caseUpdated, alertsSent: 0 };
  } else if (existing.responseVersion < image.version) {
    caseUpdated = await ports.cases.followAnswerEdit(
      caseId,
      {
        score: image.score,
        csat: image.csat,
        comment: image.comment,
        responseVersion: image.version,
        stillMeetsRule: meets,
      },
      image.updatedAt,
    );
  }

  const alertsSent =
    existing.alertedAt === null && campaign !== undefined ? await alertOwners(ports, campaign, existing) : 0;
  return { caseOpened, caseUpdated, alertsSent };
}

/**
 * Emails every owner and posts to Slack, then marks the case alerted. A crash between the two sends the
 * alert again on the retry: owners may rarely get an alert twice, never none.
 */
async function alertOwners(ports: ReactToChangePorts, campaign: Campaign, c: StoredCase): Promise<number> {
  const caseUrl = `${ports.publicBaseUrl}/app/cases/${c.id}`;
  const segments = Object.fromEntries(
    campaign.segmentBy.flatMap((property) =>
      c.properties[property] === undefined ? [] : [[property, c.properties[property]]],
    ),
  ) as Record<string, string | number | boolean>;
  const customer = c.name ? `${c.name} <${c.email}>` : c.email;
  for (const owner of c.owners) {
    await ports.alerts.sendCaseAlert({
      to: owner,
      locale: campaign.locale,
      campaignName: campaign.name,
      senderName: campaign.senderName,
      score: c.score,
      csat: c.csat,
      comment: c.comment,
      customer,
      segments,
      dueAt: c.dueAt,
      caseUrl,
      edited: false,
    });
  }
  const slackUrl = campaign.followUp?.slackWebhookUrl ?? null;
  let slackPosted = false;
  if (slackUrl !== null) {
    const comment = c.comment === null ? "" : `\n> ${slackText(c.comment).split("\n").join("\n> ")}`;
    const posted = await ports.slack.postMessage(
      slackUrl,
      `*${c.score}/10* from ${slackText(customer)} (${slackText(campaign.name)})${comment}\n<${caseUrl}|Open the case> · due ${c.dueAt}`,
    );
    slackPosted = posted.ok;
  }
  await ports.cases.markAlerted(c.id, ports.clock().toISOString(), c.owners);
  return c.owners.length + (slackPosted ? 1 : 0);
}

/** Text for Slack's mrkdwn: its three control characters escaped, as Slack asks. */
const slackText = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

async function reactToSuppression(ports: ReactToChangePorts, change: TableChange): Promise<ChangeOutcome> {
  const after = change.after;
  const inForce = typeof after.liftedAt !== "string";
  const wasInForce = change.before !== null && typeof change.before.liftedAt !== "string";
  if (!inForce || wasInForce) return NOTHING;
  const reason = String(after.reason);
  const webhookEvents = await ports.announce({
    id: suppressionEventIdOf(String(after.email), String(after.suppressedAt)),
    type: reason === "unsubscribed" ? "person.unsubscribed" : "person.suppressed",
    timestamp: String(after.suppressedAt),
    data: { email: String(after.email), reason, suppressedAt: String(after.suppressedAt) },
  });
  return { ...NOTHING, webhookEvents };
}

async function reactToCaseChange(ports: ReactToChangePorts, change: TableChange): Promise<ChangeOutcome> {
  const after = change.after;
  const version = Number(after.version);
  if (change.before !== null && Number(change.before.version) >= version) return NOTHING;
  // A record from before its person's erasure, read after it (their answer is erased first): their
  // data is not sent anywhere again. The erasure's own change, which holds none, is announced.
  if (typeof after.erasedAt !== "string" && typeof after.token === "string") {
    if ((await ports.responses.get(after.token))?.erasedAt !== undefined) return NOTHING;
  }
  const webhookEvents = await ports.announce({
    id: caseEventIdOf(String(after.id), version),
    type: change.before === null ? "case.opened" : "case.updated",
    timestamp: ports.clock().toISOString(),
    data: caseEventData(after),
  });
  return { ...NOTHING, webhookEvents };
}

/** A case as its webhook events show it: the API's view, without the timeline (fetch the case for it). */
function caseEventData(item: Record<string, unknown>): Omit<Case, "timeline"> {
  return Object.fromEntries(CASE_VIEW_FIELDS.map((field) => [field, item[field] ?? null])) as Omit<
    Case,
    "timeline"
  >;
}
