/**
 * What each Lambda function may do with the table: the DynamoDB actions its code calls and the
 * partitions it calls them on, read from the stores (functions/store/*-store.ts) each handler's use
 * cases reach. `bindTable` turns each entry into statements conditioned on `dynamodb:LeadingKeys`;
 * nothing else is granted, so no function can Scan, DeleteItem or BatchWriteItem, and none can touch
 * a partition its code never names (the public survey function cannot write an `APIKEY#` item).
 *
 * | function    | GetItem                  | Query (table)      | PutItem                  | UpdateItem                         | Query index (partition)      |
 * |-------------|--------------------------|--------------------|--------------------------|------------------------------------|------------------------------|
 * | api         | APIKEY#*, CAMPAIGN#*,    | CAMPAIGN#*, CASE#*,| CAMPAIGN#*, CASE#*,      | CAMPAIGN#*, CASE#*, EMAIL#*,       | gsi1: CAMPAIGNS, CASES,      |
 * |             | INVITATION#*,            | EMAIL#*,           | EMAIL#*, INVITATION#*,   | INVITATION#*, RESULTS#*, WEBHOOK#* | DELIVERIES#*, RESPONSES#*,   |
 * |             | SUPPRESSED#*, WEBHOOK#*  | INVITATION#*,      | PERSON#*, SUPPRESSED#*,  |                                    | SUPPRESSIONS#*, WEBHOOKS,    |
 * |             | (BatchGetItem WEBHOOK#*) | PERSON#*, RESULTS#*| WEBHOOK#*                |                                    | WEBHOOKS-DELETED             |
 * | survey      | CAMPAIGN#*, SUPPRESSED#* | EMAIL#*,           | EMAIL#*, INVITATION#*    | EMAIL#*, INVITATION#*, RESULTS#*   |                              |
 * |             |                          | INVITATION#*       |                          |                                    |                              |
 * | dispatch    | WEBHOOK#*                | RESULTS#*          | DIGEST#*                 | DIGEST#*, INVITATION#*, WEBHOOK#*  | gsi2: DUE#*, PARKED#*,       |
 * |             |                          |                    |                          |                                    | RESUMING, WEBHOOKS-DUE;      |
 * |             |                          |                    |                          |                                    | gsi1: DUE (legacy),          |
 * |             |                          |                    |                          |                                    | CAMPAIGNS, CASES             |
 * | send        | CAMPAIGN#*, INVITATION#*,| EMAIL#*            |                          | CAMPAIGN#*, EMAIL#*, INVITATION#*, |                              |
 * |             | SUPPRESSED#*             |                    |                          | RESULTS#*                          |                              |
 * | mail-events |                          |                    | EMAIL#*                  |                                    |                              |
 * | events      | CAMPAIGN#*, WEBHOOK#*    | CASE#*,            | CASE#*, WEBHOOK#*        | CASE#*, RESULTS#*, WEBHOOK#*       | gsi1: WEBHOOKS               |
 * |             |                          | INVITATION#*       |                          |                                    |                              |
 * (events also checks INVITATION#* in a transaction: ConditionCheckItem.)
 * | console     | CAMPAIGN#*, SESSION#*,   | CASE#*, RESULTS#*  | APIKEY#*, CAMPAIGN#*,    | APIKEY#*, CASE#*, RESULTS#*,       | gsi1: APIKEYS, CAMPAIGNS,    |
 * |             | SIGNIN#*, USER#*,        |                    | CASE#*, SESSION#*,       | SESSION#*, SIGNIN#*,               | CASES, DELIVERIES#*,         |
 * |             | WEBHOOK#*                |                    | SIGNIN#*, USER#*,        | SIGNINLIMIT#*, WEBHOOK#*           | RESPONSES#*, USERS, WEBHOOKS |
 * |             |                          |                    | WEBHOOK#*                | (DeleteItem SESSION#*, USER#*)     |                              |
 *
 * Deletes: the console ends sessions and removes users; api, to remove
 * a campaign that never sent anything, deletes on CAMPAIGN#* (the campaign) and INVITATION#* (its
 * unsent invitations, conditionally), BatchWriteItem on CAMPAIGN#* (its purchases, test-send
 * counters) and RESULTS#* (its zero counts, segment values); to erase a person, DeleteItem on EMAIL#*
 * (the address's contact and suppression, whose keys hold it). A webhook subscription removed (api,
 * console) is replaced by a tombstone (PutItem WEBHOOK#, listed on gsi1 WEBHOOKS-DELETED) for as long
 * as its deliveries may be stored, so an erasure reaches those too. Only api calls BatchGetItem, on WEBHOOK#* (an erasure reads the
 * deliveries of the person's events by key; the reconcile CLI batches reads too); none calls Scan; ConditionCheckItem is a check inside a transaction (api: that a later survey keeps
 * the contact's window, and that a case exists as a note is added to it; send: that the address is not
 * suppressed as the send's locks are taken, and that a campaign is still paused as an invitation is
 * parked). The dispatcher deletes a campaign's resume mark (DeleteItem CAMPAIGN#) once nothing of it
 * is parked. Where each
 * grant comes from:
 * - api: key check (GetItem APIKEY#); campaigns read, created and replaced (GetItem, PutItem
 *   CAMPAIGN#; leaving `paused` Puts the campaign's resume mark beside it) and listed (gsi1
 *   CAMPAIGNS); a purchase is one transaction of a Put of the purchase
 *   (CAMPAIGN#), Puts of its invitations (INVITATION#) and an Update of the contact (EMAIL#), after
 *   a suppression check (Query EMAIL#); results are ranges of aggregates (Query RESULTS#); responses
 *   are listed and exported from their listing (gsi1 RESPONSES#<campaign>); a purchase's delivery
 *   status reads its invitations (GetItem INVITATION#); a campaign's purchases are read for that and
 *   for deleting it (Query CAMPAIGN#), and its test sends counted (UpdateItem CAMPAIGN#); the
 *   Delighted-compatible API lists a campaign's purchases as people (Query CAMPAIGN#), unsubscribes an
 *   address (PutItem EMAIL#, the suppression) and lists suppressions by reason (gsi1 SUPPRESSIONS#<reason>);
 *   each purchase puts its person's link (PutItem PERSON#, in the purchase's transaction), and the
 *   suppression check reads the suppression an erasure kept (GetItem SUPPRESSED#); a person's export
 *   and erasure (also Delighted's DELETE people) read their links (Query PERSON#), purchases (GetItem
 *   CAMPAIGN#), invitations with their answers (Query INVITATION#) and the address's records (Query
 *   EMAIL#, GetItem SUPPRESSED#); the erasure updates purchases (UpdateItem CAMPAIGN#), invitations and
 *   answers (GetItem, UpdateItem INVITATION#), and in one transaction keeps a suppression in force
 *   under the address's hash (PutItem SUPPRESSED#) as it deletes the contact and suppression (DeleteItem
 *   EMAIL#).
 * - survey: the link's invitation with its answer (sk RESPONSE, same partition) in one Query
 *   (INVITATION#), and the answer alone again when an edit conflicts (Query INVITATION#); the campaign
 *   (GetItem) only for invitations emailed before they carried their survey;
 *   an answer is one transaction of a Put of the response and an Update of the invitation
 *   (INVITATION#) and Updates of the aggregates (RESULTS#), with segment values admitted by Update
 *   (RESULTS#); the unsubscribe page reads where the address stands (Query EMAIL#, and GetItem
 *   SUPPRESSED#: the suppression an erasure kept under the address's hash), an unsubscribe
 *   Puts the suppression (EMAIL#) and Updates the invitation, a resubscribe Updates the suppression.
 * - dispatch: the due listing (gsi2 DUE#<shard>, and gsi1 DUE of tables written before gsi2), then
 *   claims and give-ups (UpdateItem INVITATION#); resume marks (gsi2 RESUMING), the parked invitations
 *   of their campaigns (gsi2 PARKED#<campaign>) put back (UpdateItem INVITATION#), the mark removed
 *   (DeleteItem CAMPAIGN#).
 * - send: invitation and campaign (GetItem), the person's suppression and contact (Query EMAIL#) and
 *   the suppression an erasure kept (GetItem SUPPRESSED#);
 *   locks, skips, drops and parking (UpdateItem INVITATION#, ConditionCheckItem CAMPAIGN#); marking sent is one transaction of Updates of the
 *   invitation, its purchase's expiry (CAMPAIGN#), the contact (EMAIL#) and the aggregates (RESULTS#);
 *   segment values by Update RESULTS#.
 * - mail-events: a bounce or complaint Puts the suppression (EMAIL#).
 * - console: a sign-in link requested (UpdateItem SIGNINLIMIT#, the hourly counters; GetItem USER#;
 *   PutItem SIGNIN#), used once (GetItem, UpdateItem SIGNIN#) for a session (PutItem SESSION#), each
 *   request's session and user (GetItem SESSION#, USER#; UpdateItem SESSION#, its expiry extended),
 *   sign-out and removed users' sessions (DeleteItem SESSION#), users listed, added and removed (gsi1
 *   USERS; PutItem, DeleteItem USER#), campaigns listed (gsi1 CAMPAIGNS; GetItem CAMPAIGN# for a page's
 *   cursor and a campaign's page), created and edited through their form as api does (PutItem
 *   CAMPAIGN#, with the resume mark on leaving `paused`); a campaign's results (Query RESULTS#, with
 *   its case counters) and responses, listed and downloaded (gsi1 RESPONSES#<campaign>); the case
 *   inbox and a case worked as through api (gsi1 CASES; Query, PutItem, UpdateItem, ConditionCheckItem
 *   CASE#; UpdateItem RESULTS#, the first response and resolution counted; a reply mailed); webhook
 *   subscriptions and their delivery log as through api (PutItem, GetItem, UpdateItem
 *   WEBHOOK#; gsi1 WEBHOOKS, DELIVERIES#<webhook>); API keys created and revoked by admins (PutItem,
 *   UpdateItem APIKEY#, listed through gsi1 APIKEYS: names and dates; it never reads a key's hash).
 * - events (the table's stream): an answer's campaign, for its alert rules (GetItem CAMPAIGN#), and
 *   the answer as it stands now (Query INVITATION#, as the survey reads it); the case it opens (a
 *   transaction of Puts of the case and its first timeline entry, CASE#, an Update of the case
 *   counters, RESULTS#, and a ConditionCheckItem that its answer was not erased, INVITATION#), read back whole (Query CASE#), its alert mark and an edited answer taken onto
 *   it (UpdateItem CASE#, with a timeline entry Put); the subscriptions of an event's type (gsi1
 *   WEBHOOKS), a delivery Put per subscription (WEBHOOK#), each attempt recorded (UpdateItem WEBHOOK#;
 *   GetItem WEBHOOK#: the delivery read again when that update finds it changed) and a subscription
 *   disabled when its endpoint answers 410 (UpdateItem WEBHOOK#). Its stream reads (DescribeStream,
 *   GetRecords, GetShardIterator on the stream's ARN, ListStreams) are granted by its event source.
 * - dispatch, for the owners' daily case digests: the active campaigns with alert rules (gsi1
 *   CAMPAIGNS), the cases (gsi1 CASES), each campaign's last two weeks
 *   of aggregates (Query RESULTS#), and a digest mark claimed and marked sent (PutItem, UpdateItem
 *   DIGEST#).
 * - dispatch, for webhooks: on its minute tick, the deliveries due for another attempt (gsi2
 *   WEBHOOKS-DUE), each claimed and its attempt recorded (UpdateItem WEBHOOK#) after reading it and its
 *   subscription (GetItem WEBHOOK#); a subscription disabled on 410 (UpdateItem WEBHOOK#).
 * - api, for cases and webhooks: the case inbox (gsi1 CASES), a case with its timeline (Query CASE#),
 *   status and owner changes and replies (UpdateItem CASE#, a timeline entry Put; the first response
 *   and a resolution counted, UpdateItem RESULTS#), notes (a ConditionCheckItem that the case exists,
 *   CASE#, beside the entry's Put); the case counters read with the results (Query RESULTS#).
 *   Subscriptions created, read, listed, edited and removed (PutItem, GetItem, UpdateItem
 *   WEBHOOK#; gsi1 WEBHOOKS; a removed one leaves a tombstone, PutItem WEBHOOK#), a subscription's deliveries listed (gsi1 DELIVERIES#<webhook>) and read
 *   (GetItem WEBHOOK#), a test delivery Put and attempted (PutItem, UpdateItem WEBHOOK#). A person's
 *   export reads the cases of their answers (Query CASE#), and an erasure erases them (UpdateItem CASE#)
 *   and the deliveries of events about them: every subscription, deleted ones too (gsi1 WEBHOOKS, WEBHOOKS-DELETED), each delivery read by
 *   its key (BatchGetItem WEBHOOK#) and erased (UpdateItem WEBHOOK#).
 *
 * What IAM cannot narrow further: LeadingKeys bounds the partition, not the sort key, so a function
 * that may write INVITATION# items may write both an invitation and its response, and one that may
 * write EMAIL# may write both a contact and a suppression. The tests check this table against the
 * synthesized policies and against the key builders of functions/store/keys.ts.
 */
import { tableDefinition } from "../functions/store/table-definition";
import type { TableAccess } from "./constructs/lambda-function";

/** The overloaded secondary index every listing lives in (gsi1pk / gsi1sk). */
export const LISTING_INDEX = tableDefinition.indexes[0].name;
/** The work index (gsi2pk / gsi2sk): due and parked invitations, resume marks, webhook retries. */
export const WORK_INDEX = tableDefinition.indexes[1].name;

/** Table partitions, by the item families of functions/store/keys.ts. */
const CAMPAIGN = "CAMPAIGN#*"; // campaigns and their purchases
const INVITATION = "INVITATION#*"; // invitations and their responses
const EMAIL = "EMAIL#*"; // contacts and suppressions
const API_KEY = "APIKEY#*";
const RESULTS = "RESULTS#*"; // aggregates, segment values and case counters
const PERSON = "PERSON#*"; // a person's links to their purchases
const SUPPRESSED = "SUPPRESSED#*"; // suppressions an erasure kept under the address's hash
const CASE = "CASE#*"; // cases and their timeline entries
const WEBHOOK = "WEBHOOK#*"; // webhook subscriptions and their deliveries
const DIGEST = "DIGEST#*"; // the marks of the owners' daily case digests
const USER = "USER#*"; // console users
const SESSION = "SESSION#*"; // console sessions, by the hash of their secret
const SIGN_IN = "SIGNIN#*"; // one-time sign-in links, by the hash of their token
const SIGN_IN_LIMIT = "SIGNINLIMIT#*"; // the counters that limit sign-in link requests

/** Partitions of the listing index. */
const CAMPAIGNS_LISTING = "CAMPAIGNS";
const API_KEYS_LISTING = "APIKEYS";
const RESPONSES_LISTING = "RESPONSES#*";
const SUPPRESSIONS_LISTING = "SUPPRESSIONS#*";
const LEGACY_DUE_LISTING = "DUE";
const CASES_LISTING = "CASES";
const WEBHOOKS_LISTING = "WEBHOOKS";
const DELETED_WEBHOOKS_LISTING = "WEBHOOKS-DELETED"; // tombstones of deleted subscriptions
const DELIVERIES_LISTING = "DELIVERIES#*";

/** Partitions of the work index. */
const DUE = "DUE#*";
const PARKED = "PARKED#*";
const RESUMING = "RESUMING";
const WEBHOOKS_DUE = "WEBHOOKS-DUE";
const USERS_LISTING = "USERS";

/** The names the stack gives its functions (NpsStack.functions). */
export type FunctionName = "api" | "survey" | "dispatch" | "send" | "mail-events" | "events" | "console";

export const FUNCTION_TABLE_ACCESS: Readonly<Record<FunctionName, TableAccess>> = {
  api: {
    items: {
      GetItem: [API_KEY, CAMPAIGN, INVITATION, SUPPRESSED, WEBHOOK],
      BatchGetItem: [WEBHOOK],
      Query: [CAMPAIGN, CASE, EMAIL, INVITATION, PERSON, RESULTS],
      PutItem: [CAMPAIGN, CASE, EMAIL, INVITATION, PERSON, SUPPRESSED, WEBHOOK],
      UpdateItem: [CAMPAIGN, CASE, EMAIL, INVITATION, RESULTS, WEBHOOK],
      ConditionCheckItem: [CASE, EMAIL],
      DeleteItem: [CAMPAIGN, EMAIL, INVITATION],
      BatchWriteItem: [CAMPAIGN, RESULTS],
    },
    indexQueries: {
      [LISTING_INDEX]: [
        CAMPAIGNS_LISTING,
        CASES_LISTING,
        DELETED_WEBHOOKS_LISTING,
        DELIVERIES_LISTING,
        RESPONSES_LISTING,
        SUPPRESSIONS_LISTING,
        WEBHOOKS_LISTING,
      ],
    },
  },
  survey: {
    items: {
      GetItem: [CAMPAIGN, SUPPRESSED],
      Query: [EMAIL, INVITATION],
      PutItem: [EMAIL, INVITATION],
      UpdateItem: [EMAIL, INVITATION, RESULTS],
    },
  },
  dispatch: {
    items: {
      GetItem: [WEBHOOK],
      Query: [RESULTS],
      PutItem: [DIGEST],
      UpdateItem: [DIGEST, INVITATION, WEBHOOK],
      DeleteItem: [CAMPAIGN],
    },
    indexQueries: {
      [LISTING_INDEX]: [CAMPAIGNS_LISTING, CASES_LISTING, LEGACY_DUE_LISTING],
      [WORK_INDEX]: [DUE, PARKED, RESUMING, WEBHOOKS_DUE],
    },
  },
  send: {
    items: {
      GetItem: [CAMPAIGN, INVITATION, SUPPRESSED],
      Query: [EMAIL],
      UpdateItem: [CAMPAIGN, EMAIL, INVITATION, RESULTS],
      ConditionCheckItem: [CAMPAIGN, EMAIL],
    },
  },
  "mail-events": {
    items: { PutItem: [EMAIL] },
  },
  events: {
    items: {
      GetItem: [CAMPAIGN, WEBHOOK],
      Query: [CASE, INVITATION],
      PutItem: [CASE, WEBHOOK],
      UpdateItem: [CASE, RESULTS, WEBHOOK],
      ConditionCheckItem: [INVITATION],
    },
    indexQueries: { [LISTING_INDEX]: [WEBHOOKS_LISTING] },
  },
  console: {
    items: {
      GetItem: [CAMPAIGN, SESSION, SIGN_IN, USER, WEBHOOK],
      Query: [CASE, RESULTS],
      PutItem: [API_KEY, CAMPAIGN, CASE, SESSION, SIGN_IN, USER, WEBHOOK],
      UpdateItem: [API_KEY, CASE, RESULTS, SESSION, SIGN_IN, SIGN_IN_LIMIT, WEBHOOK],
      ConditionCheckItem: [CASE],
      DeleteItem: [SESSION, USER],
    },
    indexQueries: {
      [LISTING_INDEX]: [
        API_KEYS_LISTING,
        CAMPAIGNS_LISTING,
        CASES_LISTING,
        DELIVERIES_LISTING,
        RESPONSES_LISTING,
        USERS_LISTING,
        WEBHOOKS_LISTING,
      ],
    },
  },
};
