import type { Context, Hono } from "hono";
import type { Locale } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { type ConsoleSection, type ConsoleUser, mayOpen } from "../domain/console-access";
import { type ConsoleMessages, consoleMessagesFor } from "../domain/console-messages";
import { ForbiddenError } from "../domain/errors";
import type { WebhookTargetPolicy } from "../domain/webhook";
import type { SignInMailPorts } from "../use-cases/console-sign-in";
import type { WebhookPoster } from "../use-cases/deliver-webhook";
import type { ExportOptions } from "../use-cases/export-responses";
import type { CampaignListPorts } from "../use-cases/list-campaigns";
import type { SurveyResponsesPorts } from "../use-cases/list-survey-responses";
import type { ApiKeyPorts } from "../use-cases/manage-api-keys";
import type { CampaignPorts } from "../use-cases/manage-campaigns";
import type { CaseReplyPorts } from "../use-cases/manage-cases";
import type { UserPorts } from "../use-cases/manage-users";
import type { WebhookPorts } from "../use-cases/manage-webhooks";
import type { ReadResultsPorts } from "../use-cases/read-results";
import type { RetryDeliveryPorts } from "../use-cases/retry-webhook-delivery";
import type { TestWebhookPorts } from "../use-cases/test-webhook";
import type { ConsolePageFrame } from "./console-shell";

/**
 * What the console works with: the stores behind its use cases (every one of the table's, as ports),
 * the mailers of sign-in links and case replies, the poster of webhook test events and retries, and
 * the public origin links are built on.
 */
export type ConsoleDependencies = Omit<
  SignInMailPorts &
    UserPorts &
    CampaignListPorts &
    CampaignPorts &
    ReadResultsPorts &
    SurveyResponsesPorts &
    CaseReplyPorts &
    WebhookPorts &
    TestWebhookPorts &
    RetryDeliveryPorts &
    ApiKeyPorts,
  "clock" | "webhookTargets" | "poster"
> & {
  readonly webhookPoster: WebhookPoster;
  /** Which URLs a webhook may have. Default: the secure setting (https, public addresses only). */
  readonly webhookTargets?: WebhookTargetPolicy;
  /** How the CSV download is cut (defaults suit Lambda). */
  readonly export?: ExportOptions;
  /**
   * The platform answers with one buffered body of at most 6 MB (Lambda behind API Gateway): a CSV
   * download larger than one export part is refused with a page pointing at the API's export in parts.
   * Default false: the whole export streams as one file.
   */
  readonly onePartDownloads?: boolean;
  readonly clock?: Clock;
};

/** The same, with the defaults filled in: what the route modules call use cases with. */
export type ConsolePorts = Omit<ConsoleDependencies, "clock" | "webhookTargets"> & {
  readonly clock: Clock;
  readonly webhookTargets: WebhookTargetPolicy;
};

/** What the console's middleware puts on every request: who is signed in, and the page's language. */
export type ConsoleEnv = { Variables: { user: ConsoleUser; locale: Locale } };
export type ConsoleContext = Context<ConsoleEnv>;
export type ConsoleApp = Hono<ConsoleEnv>;

/** The texts of the page's language. */
export const messages = (c: ConsoleContext): ConsoleMessages => consoleMessagesFor(c.get("locale") ?? "en");

/** The frame every page is rendered in: language, this page's path and query, the user, the section. */
export function frame(c: ConsoleContext, section?: ConsoleSection): ConsolePageFrame {
  const url = new URL(c.req.url);
  return {
    locale: c.get("locale") ?? "en",
    currentPath: `${url.pathname}${url.search}`,
    user: c.get("user"),
    section,
  };
}

/** 403 for a member on an admin page. */
export function requireSection(c: ConsoleContext, section: ConsoleSection): void {
  if (!mayOpen(c.get("user").role, section)) throw new ForbiddenError("This page is for admins.");
}

/** The signed-in user as a case timeline names them. */
export const actorOf = (c: ConsoleContext): string => `user:${c.get("user").email}`;
