import {
  caseIdSchema,
  caseListQuerySchema,
  caseNoteSchema,
  casePageSchema,
  caseReplySchema,
  caseSchema,
  caseUpdateSchema,
} from "../domain/case";
import type { OpenApiSection } from "./openapi-route";

const NO_SUCH_CASE = { 404: "No such case." } as const;

/** The case inbox: cases opened by answers that meet a campaign's `followUp` rule. */
export const CASES_SECTION: OpenApiSection = {
  requestBodies: { CaseUpdate: caseUpdateSchema, CaseNote: caseNoteSchema, CaseReply: caseReplySchema },
  responseBodies: { Case: caseSchema, CasePage: casePageSchema },
  pathParameters: { caseId: caseIdSchema },
  routes: [
    {
      method: "get",
      path: "/v1/cases",
      operationId: "listCases",
      summary: "List cases, newest first",
      description:
        "Every filter is optional. A page holds `limit` cases unless it is the last (`nextCursor` null); with " +
        "filters, a page may come back short with a `nextCursor` to go on from.",
      query: caseListQuerySchema,
      responses: {
        200: { description: "A page of cases (timelines left out: get a case for it)", json: casePageSchema },
      },
      errors: [400, 401, 429],
    },
    {
      method: "get",
      path: "/v1/cases/{caseId}",
      operationId: "getCase",
      summary: "Get a case with its timeline",
      responses: { 200: { description: "The case", json: caseSchema } },
      errors: [400, 401, 404, 429],
      errorDescriptions: NO_SUCH_CASE,
    },
    {
      method: "patch",
      path: "/v1/cases/{caseId}",
      operationId: "updateCase",
      summary: "Change a case's status or owner",
      description:
        "Resolving needs a `resolution`; reopening a resolved case clears it (its timeline entry keeps it). Send the `version` you read to be " +
        "refused (409) if someone changed the case meanwhile.",
      body: caseUpdateSchema,
      responses: { 200: { description: "The case as changed", json: caseSchema } },
      errors: [400, 401, 404, 409, 413, 415, 429],
      errorDescriptions: { ...NO_SUCH_CASE, 409: "The case changed since the `version` sent." },
    },
    {
      method: "post",
      path: "/v1/cases/{caseId}/notes",
      operationId: "addCaseNote",
      summary: "Add a note to a case's timeline",
      body: caseNoteSchema,
      responses: { 201: { description: "The case with the note", json: caseSchema } },
      errors: [400, 401, 404, 413, 415, 429],
      errorDescriptions: NO_SUCH_CASE,
    },
    {
      method: "post",
      path: "/v1/cases/{caseId}/replies",
      operationId: "replyToCase",
      summary: "Email the customer",
      description:
        "Sends the text to the customer from the campaign's sender, reply-to the case's owner, and records it on " +
        "the timeline; the first reply is the case's `firstResponseAt`, counted in the campaign's results.",
      body: caseReplySchema,
      responses: { 201: { description: "The case with the reply", json: caseSchema } },
      errors: [400, 401, 404, 409, 413, 415, 429],
      errorDescriptions: { ...NO_SUCH_CASE, 409: "The customer's data was erased: there is no address." },
    },
  ],
};
