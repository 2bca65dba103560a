import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Checked, invalidWith, valid } from "./validation";

/**
 * API keys look like `nps_<16 hex id>_<43 char secret>`. Only the SHA-256 of the secret is stored
 * (the secret has 256 random bits, so a slow hash adds nothing); the id finds the record, and the
 * hashes are compared in constant time.
 */
const API_KEY_PATTERN = /^nps_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export type IssuedApiKey = { id: string; secret: string; secretHash: string; apiKey: string };

export function issueApiKey(): IssuedApiKey {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, secretHash: hashSecret(secret), apiKey: `nps_${id}_${secret}` };
}

export function parseApiKey(apiKey: string): { id: string; secret: string } | undefined {
  const match = API_KEY_PATTERN.exec(apiKey);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export const MAX_API_KEY_NAME_LENGTH = 100;

/** A key's name as given (trimmed), or the issue with it: 1–100 printable characters. */
export function checkApiKeyName(input: unknown): Checked<string> {
  const name = typeof input === "string" ? input.trim() : "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name.length === 0 || name.length > MAX_API_KEY_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    return invalidWith({
      field: "name",
      message: `must be 1 to ${MAX_API_KEY_NAME_LENGTH} printable characters`,
    });
  }
  return valid(name);
}
