import { CASE_STATUSES, type Case, type CaseStatus, MAX_CASE_TEXT_LENGTH } from "../domain/case";
import {
  type CaseForm,
  type CaseInboxView,
  type CaseMessages,
  caseMessagesFor,
} from "../domain/console-case-messages";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors";
import { listCampaigns } from "../use-cases/list-campaigns";
import { getCampaign } from "../use-cases/manage-campaigns";
import { addCaseNote, getCase, listCases, replyToCase, updateCase } from "../use-cases/manage-cases";
import { type CaseCampaign, renderCaseInboxPage, renderCasePage } from "./console-case-pages";
import { actorOf, type ConsoleApp, type ConsoleContext, type ConsolePorts, frame } from "./console-context";
import { readFormFields } from "./request-body";

const VIEWS: readonly CaseInboxView[] = ["mine", "all", "overdue"];
/** How many campaigns the inbox's filter offers (the newest; a case of an older one still shows its name). */
const FILTER_CAMPAIGNS = "100";
type Done = keyof CaseMessages["notices"];
const DONE: readonly Done[] = ["note", "reply", "owner", "resolved", "reopened", "in_progress"];

const caseMessages = (c: ConsoleContext): CaseMessages => caseMessagesFor(c.get("locale") ?? "en");
const text = (value: unknown): string => (typeof value === "string" ? value : "");
/** The posted `version` as the use case takes it; absent when the form sent none. */
const versionOf = (value: unknown): { version?: unknown } => {
  const raw = text(value).trim();
  if (raw === "") return {};
  return { version: /^\d{1,15}$/.test(raw) ? Number(raw) : raw };
};

/** A use-case validation error as messages by form field, in the page's language. */
function fieldErrors(
  error: ValidationError,
  typed: Readonly<Record<string, string>>,
  m: CaseMessages,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const detail of error.details ?? []) {
    const field = detail.field;
    const value = (typed[field] ?? "").trim();
    if (field === "text") {
      errors.text = value === "" ? m.fieldErrors.textEmpty : m.fieldErrors.textTooLong(MAX_CASE_TEXT_LENGTH);
    } else if (field === "subject") {
      errors.subject = m.fieldErrors.subjectInvalid;
    } else if (field === "resolution") {
      errors.resolution =
        value === "" ? m.fieldErrors.resolutionRequired : m.fieldErrors.textTooLong(MAX_CASE_TEXT_LENGTH);
    } else if (field === "owner") {
      errors.owner = m.fieldErrors.ownerInvalid;
    }
  }
  return errors;
}

/**
 * The console's routes for the case inbox and a case's page. Every change is a form post that ends in
 * a 303 back to the case with a notice, or the page again with the problem next to its field (400), or
 * with a message that the case changed meanwhile (409). Changes are recorded as the signed-in user's.
 */
export function registerCaseRoutes(app: ConsoleApp, ports: ConsolePorts): void {
  /** A campaign as the case pages show it; null when it is gone. */
  const campaignOf = async (campaignId: string): Promise<CaseCampaign | null> => {
    try {
      const campaign = await getCampaign(ports, campaignId);
      return {
        id: campaign.id,
        name: campaign.name,
        senderName: campaign.senderName,
        segmentBy: campaign.segmentBy,
      };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  };

  app.get("/app/cases", async (c) => {
    const query = c.req.query();
    const view = VIEWS.find((v) => v === query.view) ?? "mine";
    const status = CASE_STATUSES.find((s) => s === query.status);
    const campaignId = query.campaign && query.campaign.length <= 64 ? query.campaign : undefined;
    const cursor = query.cursor || undefined;
    const email = c.get("user").email;
    const [page, campaigns] = await Promise.all([
      listCases(ports, {
        ...(view === "mine" ? { owner: email } : {}),
        ...(view === "overdue" ? { overdue: "true" } : {}),
        ...(status ? { status } : {}),
        ...(campaignId ? { campaignId } : {}),
        ...(cursor ? { cursor } : {}),
      }),
      listCampaigns(ports, { limit: FILTER_CAMPAIGNS }),
    ]);
    const campaignNames: Record<string, string> = Object.fromEntries(
      campaigns.items.map((campaign) => [campaign.id, campaign.name]),
    );
    // Cases of campaigns older than the filter's list still show their campaign's name.
    const missing = [...new Set(page.items.map((item) => item.campaignId))].filter(
      (id) => !(id in campaignNames),
    );
    for (const campaign of await Promise.all(missing.map(campaignOf))) {
      if (campaign) campaignNames[campaign.id] = campaign.name;
    }
    return c.html(
      renderCaseInboxPage({
        ...frame(c, "cases"),
        view,
        status,
        campaignId,
        userEmail: email,
        cases: page.items,
        campaigns: campaigns.items,
        campaignNames,
        nextCursor: page.nextCursor,
        paged: cursor !== undefined,
        now: ports.clock(),
      }),
    );
  });

  /** The case page, with whatever the request adds (a notice, a form sent back, an alert). */
  const casePage = async (
    c: ConsoleContext,
    extra: {
      notice?: string;
      alert?: string;
      form?: { kind: CaseForm; values: Record<string, string>; errors: Record<string, string> };
    } = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    let found: Case;
    try {
      found = await getCase(ports, c.req.param("caseId") ?? "");
    } catch (error) {
      // An address that is not a case id names no case: the same page as a case that is not there.
      if (error instanceof ValidationError) throw new NotFoundError("No such case.");
      throw error;
    }
    return c.html(
      renderCasePage({
        ...frame(c, "cases"),
        // The language links lead to the case itself: not to a form's address, nor its notice again.
        currentPath: `/app/cases/${encodeURIComponent(found.id)}`,
        userEmail: c.get("user").email,
        case: found,
        campaign: await campaignOf(found.campaignId),
        now: ports.clock(),
        ...extra,
      }),
      status,
    );
  };

  app.get("/app/cases/:caseId", async (c) => {
    const done = DONE.find((d) => d === c.req.query("done"));
    return await casePage(c, done ? { notice: caseMessages(c).notices[done] } : {});
  });

  /**
   * Runs a form's change: 303 to the case with the notice, or the page again with what was typed and
   * the problem (400 by field, 409 when the case changed meanwhile or cannot take the change).
   */
  const handle = async (
    c: ConsoleContext,
    kind: CaseForm,
    typed: Record<string, string>,
    change: () => Promise<Done>,
  ) => {
    const m = caseMessages(c);
    try {
      const done = await change();
      return c.redirect(`/app/cases/${encodeURIComponent(c.req.param("caseId") ?? "")}?done=${done}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        const errors = fieldErrors(error, typed, m);
        // Only `version` (or a field no form shows) was wrong: the form was of an older page.
        if (Object.keys(errors).length === 0) {
          return await casePage(c, { alert: m.staleCase, form: { kind, values: typed, errors } }, 409);
        }
        return await casePage(c, { form: { kind, values: typed, errors } }, 400);
      }
      if (error instanceof ConflictError) {
        const alert = kind === "reply" ? `${m.cannotReply} ${m.replyErased}` : m.staleCase;
        return await casePage(c, { alert, form: { kind, values: typed, errors: {} } }, 409);
      }
      if (error instanceof NotFoundError && kind === "reply") {
        // The case is there (else the page below is the 404) but its campaign, the sender, is not.
        return await casePage(c, { alert: m.cannotReply, form: { kind, values: typed, errors: {} } }, 409);
      }
      throw error;
    }
  };

  app.post("/app/cases/:caseId/notes", async (c) => {
    const fields = await readFormFields(c);
    const typed = { text: text(fields.text) };
    return await handle(c, "note", typed, async () => {
      await addCaseNote(ports, c.req.param("caseId"), typed, actorOf(c));
      return "note";
    });
  });

  app.post("/app/cases/:caseId/replies", async (c) => {
    const fields = await readFormFields(c);
    const typed = { subject: text(fields.subject), text: text(fields.text) };
    return await handle(c, "reply", typed, async () => {
      await replyToCase(
        ports,
        c.req.param("caseId"),
        { text: typed.text, ...(typed.subject.trim() === "" ? {} : { subject: typed.subject }) },
        actorOf(c),
      );
      return "reply";
    });
  });

  app.post("/app/cases/:caseId/status", async (c) => {
    const fields = await readFormFields(c);
    const status = text(fields.status) as CaseStatus;
    const typed = { resolution: text(fields.resolution) };
    return await handle(c, "status", typed, async () => {
      const updated = await updateCase(
        ports,
        c.req.param("caseId"),
        {
          status,
          ...(status === "resolved" && typed.resolution.trim() !== ""
            ? { resolution: typed.resolution }
            : {}),
          ...versionOf(fields.version),
        },
        actorOf(c),
      );
      return updated.status === "resolved"
        ? "resolved"
        : updated.status === "open"
          ? "reopened"
          : "in_progress";
    });
  });

  app.post("/app/cases/:caseId/owner", async (c) => {
    const fields = await readFormFields(c);
    const typed = { owner: text(fields.owner) };
    return await handle(c, "owner", typed, async () => {
      await updateCase(
        ports,
        c.req.param("caseId"),
        { owner: typed.owner, ...versionOf(fields.version) },
        actorOf(c),
      );
      return "owner";
    });
  });
}
