import { ValidationError } from "../domain/errors";

/**
 * Pagination cursors: a position in a listing, as base64url JSON of a few strings (e.g. when the last
 * row was created and its public id). A cursor names no key attribute and holds no secret (a survey
 * token never leaves in one); the store turns it back into a start key only after finding the row it
 * names in the listing it is used with, so anything else is a 400.
 */
export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/** The position a cursor holds (`length` strings of at most 100 characters), or a 400. */
export function decodeCursor(cursor: string | undefined, length: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== length ||
    !decoded.every((part) => typeof part === "string" && part.length > 0 && part.length <= 100)
  ) {
    throw invalidCursor();
  }
  return decoded as string[];
}

export function invalidCursor(detail = "is not a cursor this listing returned"): ValidationError {
  return new ValidationError("The cursor is not valid.", [{ field: "cursor", message: detail }]);
}
