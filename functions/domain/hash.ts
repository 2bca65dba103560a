import { createHash } from "node:crypto";

/** FNV-1a of a text as an unsigned 32-bit number: stable across processes, deployments and versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A person's id: 96 bits of the SHA-256 of their normalized address, as hex. The same address has the
 * same id in every campaign and on every call. It keys the person's links to their purchases and the
 * suppression an erasure keeps, and is the Delighted-compatible API's person id: one hash for all
 * three, so a Delighted `DELETE people/<id>` finds the person's purchases in one query. Like any hash
 * of an address it is pseudonymous (whoever holds the address can compute it), not anonymous.
 */
export const personIdOf = (email: string): string =>
  createHash("sha256").update(email, "utf8").digest("hex").slice(0, 24);
