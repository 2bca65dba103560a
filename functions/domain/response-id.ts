import { createHash } from "node:crypto";

/**
 * The public id of a response. The invitation token is the customer's secret (whoever holds it can
 * edit the answer), so the id is a one-way digest of it: stable across calls and exports, opaque, and
 * no way back to the link. 22 base64url characters are 132 bits. Apart from response-export.ts's
 * schemas, so the survey function (whose response store needs it) loads no schema library.
 */
export function responseId(token: string): string {
  return `rsp_${createHash("sha256").update(token, "utf8").digest("base64url").slice(0, 22)}`;
}
