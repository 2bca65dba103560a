import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_RETENTION_DAYS } from "../domain/retention";
import { ApiKeyStore } from "./api-key-store";
import { CampaignStore } from "./campaign-store";
import { CaseStore } from "./case-store";
import { ConsoleSessionStore } from "./console-session-store";
import { InvitationStore } from "./invitation-store";
import { PersonStore } from "./person-store";
import { PurchaseStore } from "./purchase-store";
import { ResponseStore } from "./response-store";
import { ResultsStore } from "./results-store";
import { SurveyLinkStore } from "./survey-link-store";
import { UserStore } from "./user-store";
import { WebhookStore } from "./webhook-store";

export type Stores = {
  readonly campaigns: CampaignStore;
  readonly cases: CaseStore;
  readonly apiKeys: ApiKeyStore;
  readonly purchases: PurchaseStore;
  readonly invitations: InvitationStore;
  readonly people: PersonStore;
  readonly responses: ResponseStore;
  readonly results: ResultsStore;
  readonly surveyLinks: SurveyLinkStore;
  readonly webhooks: WebhookStore;
  readonly users: UserStore;
  readonly consoleSessions: ConsoleSessionStore;
};

/** Every store over one table: what handlers, the local runtime and tests wire into the apps. */
export function createStores(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { retentionDays?: number } = {},
): Stores {
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  return {
    campaigns: new CampaignStore(db, tableName),
    cases: new CaseStore(db, tableName, retentionDays),
    apiKeys: new ApiKeyStore(db, tableName),
    purchases: new PurchaseStore(db, tableName, retentionDays),
    invitations: new InvitationStore(db, tableName, retentionDays),
    people: new PersonStore(db, tableName),
    responses: new ResponseStore(db, tableName, retentionDays),
    results: new ResultsStore(db, tableName),
    surveyLinks: new SurveyLinkStore(db, tableName),
    webhooks: new WebhookStore(db, tableName),
    users: new UserStore(db, tableName),
    consoleSessions: new ConsoleSessionStore(db, tableName),
  };
}
