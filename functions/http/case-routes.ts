import type { Hono } from "hono";
import {
  addCaseNote,
  type CasePorts,
  type CaseReplyPorts,
  getCase,
  listCases,
  replyToCase,
  updateCase,
} from "../use-cases/manage-cases";
import { API_KEY_ID } from "./api-key-variable";
import { readJsonBody } from "./request-body";

/** What the case routes work with. */
export type CaseRouteDependencies = CasePorts &
  Pick<CaseReplyPorts, "campaigns"> & {
    /**
     * The mailer of replies to customers. The Lambda handler and the local runtime always give one; an
     * app built without it (a test of other routes) answers the reply route 500.
     */
    readonly caseMail?: CaseReplyPorts["caseMail"];
  };

/**
 * The case routes of the marketer API (`/v1/cases…`), behind its key check. What is done through them
 * is recorded on the case's timeline as done by the API key (`apikey:<id>`).
 */
export function registerCaseRoutes(app: Hono, deps: CaseRouteDependencies): void {
  const replyPorts = (): CaseReplyPorts => {
    if (!deps.caseMail) throw new Error("The API app was built without a mailer: case replies need one.");
    return { ...deps, caseMail: deps.caseMail };
  };
  const by = (keyId: string | undefined) => `apikey:${keyId ?? "unknown"}`;

  app.get("/v1/cases", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await listCases(deps, c.req.query()));
  });
  app.get("/v1/cases/:caseId", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await getCase(deps, c.req.param("caseId")));
  });
  app.patch("/v1/cases/:caseId", async (c) =>
    c.json(await updateCase(deps, c.req.param("caseId"), await readJsonBody(c), by(c.get(API_KEY_ID)))),
  );
  app.post("/v1/cases/:caseId/notes", async (c) =>
    c.json(await addCaseNote(deps, c.req.param("caseId"), await readJsonBody(c), by(c.get(API_KEY_ID))), 201),
  );
  app.post("/v1/cases/:caseId/replies", async (c) =>
    c.json(
      await replyToCase(replyPorts(), c.req.param("caseId"), await readJsonBody(c), by(c.get(API_KEY_ID))),
      201,
    ),
  );
}
