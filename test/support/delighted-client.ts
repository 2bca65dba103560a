import { createRequire } from "node:module";

// The client is CommonJS without types: these are the calls its README documents, as it answers them.
export type Resource = Record<string, unknown>;
export type DelightedClient = {
  person: {
    create(data: Record<string, unknown>): PromiseLike<Resource>;
    delete(identifier: { email: string } | { id: string }): PromiseLike<unknown>;
    list(params?: Record<string, unknown>): {
      autoPagingEach(onItem: (person: Resource) => unknown): PromiseLike<void>;
    };
  };
  surveyResponse: { all(params?: Record<string, unknown>): PromiseLike<Resource[]> };
  metrics: { retrieve(params?: Record<string, unknown>): PromiseLike<Resource> };
  unsubscribe: {
    create(data: { person_email: string }): PromiseLike<Resource>;
    all(params?: Record<string, unknown>): PromiseLike<Resource[]>;
  };
  bounce: { all(params?: Record<string, unknown>): PromiseLike<Resource[]> };
};
/** What the client rejects with: `type` names Delighted's error class, `message` is the body as JSON. */
export type DelightedError = { type: string; message: string; retryAfter?: number };
const delighted = createRequire(import.meta.url)("delighted") as (
  key: string,
  options: { host: string; port: number; scheme: string; base: string },
) => DelightedClient;

/** The official client pointed at `baseUrl`, a campaign being its Delighted project. */
export const delightedClient = (baseUrl: string, key: string, campaignId: string): DelightedClient =>
  delighted(key, {
    host: "127.0.0.1",
    port: Number(new URL(baseUrl).port),
    scheme: "http",
    base: `/delighted/${campaignId}/v1`,
  });
