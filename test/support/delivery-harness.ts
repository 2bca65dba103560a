import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { Campaign, CampaignCreate } from "../../functions/domain/campaign";
import type { Clock } from "../../functions/domain/clock";
import type { PurchaseInput, PurchaseResult } from "../../functions/domain/purchase";
import type { Delivery, DeliveryPage, WebhookCreated } from "../../functions/domain/webhook";
import type { MailSender, OutgoingEmail } from "../../functions/mail/mail-sender";
import type { Stores } from "../../functions/store/stores";
import type { SendPorts } from "../../functions/use-cases/send-invitation";
import type { LocalWorkQueue } from "../../local/delivery-loop";
import { startLocalRuntime } from "../../local/runtime";
import type { StreamBatchHandler } from "../../local/table-stream-loop";
import type { TestTable } from "./dynamo";

/**
 * The whole delivery path of the product, in the test process, assembled as `npm start` assembles it
 * (local/runtime.ts): a fresh table on the run's DynamoDB Local, the SES emulator, the API and the
 * customer pages on one origin, and the dispatch → send loop with the Lambda handlers' code. Nothing
 * runs on a timer: a test calls `deliver()` to run one dispatch-and-send pass, so what is sent is
 * deterministic.
 *
 * ```ts
 * const h = await startDeliveryHarness();
 * const campaign = await h.createCampaign({ delayDays: 0 });
 * await h.postPurchases(campaign.id, [{ orderId: "o-1", email: "ann@example.com" }]);
 * await h.deliver();
 * const [email] = await h.inbox({ to: "ann@example.com" });
 * const { scores, unsubscribe } = h.linksIn(email);   // absolute URLs on h.baseUrl
 * await h.close();
 * ```
 *
 * Time: pass a `clock` (see `manualClock()`) and the API (default `purchasedAt`, scheduling), the
 * customer pages (30-day answer window) and the delivery loop (what is due, `sentAt`, reminders) all
 * read it, so moving it forward and calling `deliver()` sends what has fallen due by then.
 */

export type DeliveryHarnessOptions = {
  /** "Now" for the API, the customer pages and delivery. Default: the real time. */
  readonly clock?: Clock;
  /** The From address of the emails. Default `surveys@example.com`. */
  readonly senderAddress?: string;
  /** Days records holding customer data are kept (the stack's retentionDays). Default: the product's. */
  readonly retentionDays?: number;
  /**
   * Wraps the SES sender, e.g. to make it fail for a test of retries or rejections. Whatever the
   * wrapper passes on to the SES sender lands in the inbox.
   */
  readonly wrapMail?: (ses: MailSender) => MailSender;
  /** Sends through this address instead of the emulator's own (a fault-injecting proxy in front of it). */
  readonly sesEndpoint?: string;
  /** SDK attempts per SES send (SesMailSenderOptions.maxAttempts). Default: the product's. */
  readonly sesMaxAttempts?: number;
  /** The send queue (SQS stand-in); pass one to set its `maxReceiveCount`. Exposed as `queue` either way. */
  readonly queue?: LocalWorkQueue;
  /** How long a send lock holds (SendPorts.sendLockMs). Default: the product's 10 minutes. */
  readonly sendLockMs?: number;
  /**
   * Where every store (API, pages, delivery) reaches DynamoDB: a fault-injecting proxy in front of the
   * run's DynamoDB Local. Default: DynamoDB Local itself.
   */
  readonly dynamoEndpoint?: string;
  /** Wraps what the sender works with, e.g. to make it die between sending an email and marking it sent. */
  readonly wrapSendPorts?: (ports: SendPorts) => SendPorts;
  /** Wraps the events function's stream handler (to crash it, replay or reorder its batches). */
  readonly wrapEventsHandler?: (handler: StreamBatchHandler) => StreamBatchHandler;
  /** How long a webhook or Slack POST may take. Default: the product's 10 s. */
  readonly webhookTimeoutMs?: number;
  /**
   * The table's stream and the events path (cases, alerts, webhooks from answers): `react()` needs it.
   * Default off, because DynamoDB Local slows down under many tables' streams (see ensureTable).
   */
  readonly events?: boolean;
};

/** A response of the API, parsed: `body` is the JSON body (null when empty or not JSON, then see `text`). */
export type ApiResponse<T = unknown> = {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
};

/** One email the SES emulator accepted from this harness, as its `GET /store` records it. */
export type InboxEmail = {
  readonly messageId: string;
  /** The From header as sent, e.g. `"Acme" <surveys@example.com>` (non-ASCII names RFC 2047 encoded). */
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /**
   * The custom headers of the message (SES v2 `Content.Simple.Headers`; the emulator records these and
   * nothing else), keyed by lower-case name, e.g. `headers["list-unsubscribe"]`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** When the emulator received it (its clock, epoch seconds): not the harness clock. */
  readonly at: number;
};

/** The links of one invitation email, all absolute. */
export type EmailLinks = {
  /** `scores[n]` is the link that answers score n (`…/s/{token}?score=n`), for n = 0…10. */
  readonly scores: string[];
  /** The survey page without a score: `…/s/{token}`. */
  readonly survey: string;
  /** The unsubscribe page: `…/u/{token}`. */
  readonly unsubscribe: string;
  /** The invitation's token, as it appears in the links. */
  readonly token: string;
  /** Every link of the part, in document order. */
  readonly all: string[];
};

export type DeliveryHarness = {
  /** Origin of the API and the customer pages, e.g. `http://127.0.0.1:41234`; email links point here. */
  readonly baseUrl: string;
  /** Origin of the SES emulator (`GET /store`, inbox viewer at `/`). */
  readonly sesUrl: string;
  /** The stores over the harness's table, to arrange or inspect state directly. */
  readonly stores: Stores;
  readonly table: TestTable;
  /** A valid API key (sent by `api()` as `Authorization: Bearer`). */
  readonly apiKey: string;
  /** The send queue: `deadLetters` holds messages that failed `maxReceiveCount` times. */
  readonly queue: LocalWorkQueue;
  /** The clock everything reads. */
  readonly clock: Clock;
  /** What the sender works with (the stores, the mailer through the emulator, the links' origin). */
  readonly sendPorts: SendPorts;
  /** Calls the API with the key; `body` is sent as JSON. Never throws for an HTTP status. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** `POST /v1/campaigns`; `name` and `brandName` default to "Test campaign" and "Acme". Throws unless 201. */
  createCampaign(fields?: Partial<CampaignCreate>): Promise<Campaign>;
  /** `POST /v1/campaigns/{id}/purchases` as a batch; one result per purchase, in order. Throws unless 202. */
  postPurchases(campaignId: string, purchases: readonly PurchaseInput[]): Promise<PurchaseResult[]>;
  /** `POST /v1/webhooks` to these event types. Throws unless 201. */
  subscribe(url: string, events: readonly string[]): Promise<WebhookCreated>;
  /** `GET /v1/webhooks/{id}/deliveries`, the first page (newest first). Throws unless 200. */
  deliveriesOf(webhookId: string): Promise<Delivery[]>;
  /** One dispatch → send pass: everything due by `clock()` is queued and the queue is drained. */
  deliver(): Promise<void>;
  /**
   * One pass of the stream → events path: every committed change so far reaches the events handler
   * (cases, alerts, webhooks). Rejects when the handler failed a record (read again on the next call).
   */
  react(): Promise<void>;
  /** The emails this harness has sent, oldest first; `to` keeps those addressed to that address. */
  inbox(filter?: { to?: string }): Promise<InboxEmail[]>;
  /** The links of an email's HTML part (or its text part); throws when the survey links are missing. */
  linksIn(email: InboxEmail, part?: "html" | "text"): EmailLinks;
  /** Stops the loop and the servers and drops the table. Safe to call twice. */
  close(): Promise<void>;
};

/** A clock a test moves by hand. */
export type ManualClock = {
  /** The current time; pass this function as the harness's `clock`. */
  readonly now: () => Date;
  /** Moves the clock forward (or back, with negative values). */
  advance(by: { days?: number; hours?: number; minutes?: number; ms?: number }): Date;
  set(to: Date | string): Date;
};

/** A clock that stands still at `start` (default: the real time now) until moved. */
export function manualClock(start: Date | string = new Date()): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: ({ days = 0, hours = 0, minutes = 0, ms = 0 }) => {
      current += ((days * 24 + hours) * 60 + minutes) * 60_000 + ms;
      return new Date(current);
    },
    set: (to) => {
      current = new Date(to).getTime();
      return new Date(current);
    },
  };
}

type StoredEmail = {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
};

export async function startDeliveryHarness(options: DeliveryHarnessOptions = {}): Promise<DeliveryHarness> {
  const dynamoEndpoint = options.dynamoEndpoint ?? inject("dynamoEndpoint");
  // The emulator keeps one inbox per process: the harness remembers which messages are its own.
  const sentIds: string[] = [];
  const runtime = await startLocalRuntime({
    dynamoEndpoint,
    tableName: `test-${randomBytes(6).toString("hex")}`,
    dropTableOnStop: true,
    deliveryIntervalMs: null,
    onDeliveryError: () => undefined,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.senderAddress ? { senderAddress: options.senderAddress } : {}),
    ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
    ...(options.sesEndpoint ? { sesEndpoint: options.sesEndpoint } : {}),
    ...(options.sesMaxAttempts === undefined ? {} : { sesMaxAttempts: options.sesMaxAttempts }),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.sendLockMs === undefined ? {} : { sendLockMs: options.sendLockMs }),
    ...(options.wrapSendPorts ? { wrapSendPorts: options.wrapSendPorts } : {}),
    ...(options.wrapEventsHandler ? { wrapEventsHandler: options.wrapEventsHandler } : {}),
    ...(options.webhookTimeoutMs === undefined ? {} : { webhookTimeoutMs: options.webhookTimeoutMs }),
    events: options.events ?? false,
    wrapTransport: (ses) => {
      const recording: MailSender = {
        send: async (email: OutgoingEmail) => {
          const id = await ses.send(email);
          sentIds.push(id);
          return id;
        },
      };
      return options.wrapMail ? options.wrapMail(recording) : recording;
    },
  });
  try {
    const { stores, baseUrl, sesUrl } = runtime;
    const { apiKey } = await stores.apiKeys.create("delivery harness", new Date());
    const table: TestTable = {
      db: runtime.db,
      tableName: runtime.tableName,
      endpoint: dynamoEndpoint,
      drop: runtime.stop,
    };

    const api = async <T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${apiKey}`,
        accept: "application/json",
      };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: response.status, body: parsed as T, text, headers: response.headers };
    };

    const expectStatus = (what: string, response: ApiResponse, status: number) => {
      if (response.status !== status) {
        throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.text}`);
      }
    };

    return {
      baseUrl,
      sesUrl,
      stores,
      table,
      apiKey,
      queue: runtime.queue,
      clock: runtime.clock,
      sendPorts: runtime.sendPorts,
      api,
      createCampaign: async (fields = {}) => {
        const response = await api<Campaign>("POST", "/v1/campaigns", {
          name: "Test campaign",
          brandName: "Acme",
          ...fields,
        });
        expectStatus("POST /v1/campaigns", response, 201);
        return response.body;
      },
      postPurchases: async (campaignId, purchases) => {
        const path = `/v1/campaigns/${encodeURIComponent(campaignId)}/purchases`;
        const response = await api<{ results: PurchaseResult[] }>("POST", path, { purchases });
        expectStatus(`POST ${path}`, response, 202);
        return response.body.results;
      },
      subscribe: async (url, events) => {
        const response = await api<WebhookCreated>("POST", "/v1/webhooks", { url, events });
        expectStatus("POST /v1/webhooks", response, 201);
        return response.body;
      },
      deliveriesOf: async (webhookId) => {
        const path = `/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries`;
        const response = await api<DeliveryPage>("GET", path);
        expectStatus(`GET ${path}`, response, 200);
        return response.body.items;
      },
      deliver: runtime.deliver,
      react: runtime.react,
      inbox: async (filter = {}) => {
        const response = await fetch(`${sesUrl}/store`);
        if (!response.ok) throw new Error(`SES emulator GET /store answered ${response.status}`);
        const { emails } = (await response.json()) as { emails: StoredEmail[] };
        const byId = new Map(emails.map((email) => [email.messageId, email]));
        return sentIds
          .map((id) => byId.get(id))
          .filter((email) => email !== undefined)
          .map(toInboxEmail)
          .filter((email) => filter.to === undefined || email.to.includes(filter.to));
      },
      linksIn,
      close: runtime.stop,
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

function toInboxEmail(email: StoredEmail): InboxEmail {
  return {
    messageId: email.messageId,
    from: email.from,
    to: email.destination.to,
    subject: email.subject,
    html: email.body.html ?? "",
    text: email.body.text ?? "",
    headers: Object.fromEntries((email.headers ?? []).map((h) => [h.name.toLowerCase(), h.value])),
    at: email.at,
  };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

/** Links of the HTML part (href attributes, entities decoded) or of the text part (bare URLs). */
export function linksIn(email: InboxEmail, part: "html" | "text" = "html"): EmailLinks {
  const all =
    part === "html"
      ? [...email.html.matchAll(/\shref="([^"]*)"/g)].map((m) =>
          (m[1] ?? "").replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, name: string) => ENTITIES[name] ?? ""),
        )
      : [...email.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
  const scores: string[] = [];
  let survey: string | undefined;
  let unsubscribe: string | undefined;
  for (const link of all) {
    const url = new URL(link);
    if (/^\/s\/[^/]+$/.test(url.pathname)) {
      const score = url.searchParams.get("score");
      if (score !== null && /^(?:10|\d)$/.test(score)) scores[Number(score)] = link;
      survey ??= `${url.origin}${url.pathname}`;
    } else if (/^\/u\/[^/]+$/.test(url.pathname)) {
      unsubscribe ??= link;
    }
  }
  if (survey === undefined || unsubscribe === undefined || scores.filter(Boolean).length !== 11) {
    throw new Error(
      `The ${part} part of "${email.subject}" lacks the 11 score links or the unsubscribe link: ${all.join(" ")}`,
    );
  }
  return { scores, survey, unsubscribe, token: survey.split("/").pop() ?? "", all };
}
