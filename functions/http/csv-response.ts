import type { Context } from "hono";
import { accepts } from "hono/accepts";

/** True when the client asked for CSV (`Accept: text/csv`) rather than JSON. */
export const wantsCsv = (c: Context): boolean =>
  accepts(c, {
    header: "Accept",
    supports: ["application/json", "text/csv"],
    default: "application/json",
  }) === "text/csv";

/**
 * One part of a CSV download. A part that is not the last links the next with `Link: rel="next"`,
 * relative to the request, so it holds behind a custom domain or a stage path too.
 */
export function respondWithCsv(
  c: Context,
  filename: string,
  part: { readonly body: string; readonly nextCursor: string | null },
): Response {
  if (part.nextCursor !== null) {
    const next = new URL(c.req.url);
    next.searchParams.set("cursor", part.nextCursor);
    c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
  }
  return c.body(part.body, 200, {
    "Content-Type": "text/csv; charset=utf-8; header=present",
    "Content-Disposition": `attachment; filename="${filename}"`,
  });
}
