import { randomBytes } from "node:crypto";

/**
 * Survey link tokens: 144 random bits, base64url (24 characters). They are the only secret in a
 * survey or unsubscribe link, so they come from the CSPRNG and carry no meaning.
 */
export const newToken = (): string => randomBytes(18).toString("base64url");
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;
export const isToken = (value: string): boolean => TOKEN_PATTERN.test(value);
