import { ValidationError } from "../domain/errors";

/**
 * Pagination cursors: a DynamoDB LastEvaluatedKey as base64url JSON. A cursor from outside is checked
 * to hold exactly the expected string attributes, and its partition must be the listing's own, so it
 * can only resume the listing it came from.
 */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString("base64url") : null;
}

export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  expected: Record<string, string>,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new ValidationError("The cursor is not valid.", [
      { field: "cursor", message: "is not a cursor this listing returned" },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  if (entries.length !== attributes.length) throw invalid();
  const key: Record<string, string> = {};
  for (const name of attributes) {
    const value = (decoded as Record<string, unknown>)[name];
    if (typeof value !== "string" || value.length === 0 || value.length > 1024) throw invalid();
    key[name] = value;
  }
  for (const [name, value] of Object.entries(expected)) {
    if (key[name] !== value) throw invalid();
  }
  return key;
}
