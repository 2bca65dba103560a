import { alertMessagesFor } from "../domain/alert-messages";
import type { Campaign, Locale } from "../domain/campaign";
import {
  type Case,
  type CaseCounts,
  type CaseFilter,
  type CaseStatus,
  caseIdSchema,
  caseListQuerySchema,
  caseNoteSchema,
  caseReplySchema,
  caseUpdateSchema,
  firstResponseCounts,
  type StoredCase,
} from "../domain/case";
import type { Clock } from "../domain/clock";
import { ConflictError, NotFoundError } from "../domain/errors";
import { parseWith } from "../domain/validation";

export type CasePorts = {
  readonly cases: {
    get(caseId: string): Promise<StoredCase | undefined>;
    list(
      filter: CaseFilter,
      limit: number,
      cursor: string | undefined,
      now: Date,
    ): Promise<{ items: StoredCase[]; nextCursor: string | null }>;
    update(
      current: StoredCase,
      change: {
        status?: CaseStatus | undefined;
        owner?: string | undefined;
        resolution?: string | undefined;
      },
      expectedVersion: number,
      by: string,
      now: Date,
    ): Promise<void>;
    addNote(caseId: string, text: string, by: string, now: Date): Promise<void>;
    recordReply(
      current: StoredCase,
      text: string,
      by: string,
      now: Date,
      first: CaseCounts | null,
    ): Promise<void>;
  };
  readonly clock: Clock;
};

export type CaseReplyPorts = CasePorts & {
  readonly campaigns: { get(campaignId: string): Promise<Campaign | undefined> };
  readonly caseMail: {
    sendCaseReply(reply: {
      to: string;
      locale: Locale;
      senderName: string;
      replyTo: string;
      subject: string;
      text: string;
    }): Promise<string>;
  };
};

/** A case as the API shows it: what the events function keeps for itself stays inside. */
export function toCaseView(stored: StoredCase): Case {
  const {
    token: _token,
    responseVersion: _responseVersion,
    alertedAt: _alertedAt,
    owners: _owners,
    ...view
  } = stored;
  return view;
}

/** The case inbox: newest first, filtered by campaign, status, owner and whether it is overdue. */
export async function listCases(
  ports: CasePorts,
  query: unknown,
): Promise<{ items: Case[]; nextCursor: string | null }> {
  const q = parseWith(caseListQuerySchema, query, "case query");
  const page = await ports.cases.list(
    {
      campaignId: q.campaignId,
      status: q.status,
      owner: q.owner,
      overdue: q.overdue === undefined ? undefined : q.overdue === "true",
    },
    q.limit,
    q.cursor,
    ports.clock(),
  );
  return { items: page.items.map(toCaseView), nextCursor: page.nextCursor };
}

async function loadCase(ports: Pick<CasePorts, "cases">, caseId: string): Promise<StoredCase> {
  const id = parseWith(caseIdSchema, caseId, "case id");
  const found = await ports.cases.get(id);
  if (!found) throw new NotFoundError(`No case ${id}.`);
  return found;
}

export async function getCase(ports: CasePorts, caseId: string): Promise<Case> {
  return toCaseView(await loadCase(ports, caseId));
}

/**
 * Changes a case's status or owner. With `version`, the change applies only to the case as it was read
 * (409 otherwise); without, to the case as it is now.
 */
export async function updateCase(ports: CasePorts, caseId: string, body: unknown, by: string): Promise<Case> {
  const current = await loadCase(ports, caseId);
  const update = parseWith(caseUpdateSchema, body, "case update");
  if (update.version !== undefined && update.version !== current.version) {
    throw new ConflictError(
      `The case is at version ${current.version}, not ${update.version}: someone changed it since you read it.`,
    );
  }
  if (
    update.status === "resolved" &&
    current.status === "resolved" &&
    update.resolution !== current.resolution
  ) {
    // Resolving again is a repeat when it says the same; another resolution would otherwise be lost.
    throw new ConflictError(
      "The case is resolved already, with another resolution: reopen it to resolve it with this one.",
    );
  }
  await ports.cases.update(current, update, update.version ?? current.version, by, ports.clock());
  return toCaseView(await loadCase(ports, caseId));
}

export async function addCaseNote(
  ports: CasePorts,
  caseId: string,
  body: unknown,
  by: string,
): Promise<Case> {
  const current = await loadCase(ports, caseId);
  const note = parseWith(caseNoteSchema, body, "case note");
  await ports.cases.addNote(current.id, note.text, by, ports.clock());
  return toCaseView(await loadCase(ports, caseId));
}

/**
 * Emails the customer from the campaign's sender, reply-to the case's owner, then records the reply;
 * the first reply is the case's first response, counted against its target. The email goes first: a
 * reply recorded but never sent would be worse than one sent and recorded on the retry.
 */
export async function replyToCase(
  ports: CaseReplyPorts,
  caseId: string,
  body: unknown,
  by: string,
): Promise<Case> {
  const current = await loadCase(ports, caseId);
  const reply = parseWith(caseReplySchema, body, "case reply");
  if (current.email === "") {
    throw new ConflictError("The customer's data was erased: there is no address to reply to.");
  }
  const campaign = await ports.campaigns.get(current.campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${current.campaignId}: it was deleted.`);
  const locale = current.locale ?? campaign.locale;
  await ports.caseMail.sendCaseReply({
    to: current.email,
    locale,
    senderName: campaign.senderName,
    replyTo: current.owner,
    subject: reply.subject ?? alertMessagesFor(locale).replySubject(campaign.brandName),
    text: reply.text,
  });
  const now = ports.clock();
  await ports.cases.recordReply(
    current,
    reply.text,
    by,
    now,
    current.firstResponseAt === null ? firstResponseCounts(current, now.toISOString()) : null,
  );
  return toCaseView(await loadCase(ports, caseId));
}
