import { createHash, randomBytes } from "node:crypto";

/**
 * The console's access rules: who may sign in, how long a sign-in link and a session last, how often
 * links may be asked for, and which pages each role may open. The secrets (a link's token, a session's
 * id) are 256 random bits shown to the browser once; the table holds only their SHA-256, so a copy of
 * the table signs nobody in (a slow hash adds nothing to 256 random bits).
 */

export const USER_ROLES = ["admin", "member"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A console user. `id` changes when an address is removed and added again, which ends older sessions. */
export type ConsoleUser = {
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
  readonly createdAt: string;
};

/** A sign-in link is good for this long after it was emailed, and once. */
export const SIGN_IN_LINK_MINUTES = 15;
/** A session ends after this long without a request… */
export const SESSION_IDLE_HOURS = 12;
/** …and this long after sign-in, however busy. */
export const SESSION_MAX_DAYS = 7;
/** A session's idle expiry is pushed forward at most this often, so most requests write nothing. */
export const SESSION_REFRESH_MINUTES = 15;

/** Sign-in links emailed per address per hour, and for the whole console per hour (SES quota, abuse). */
export const SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = 5;
export const SIGN_IN_LINKS_PER_HOUR = 200;

const MAX_EMAIL_LENGTH = 254;

/**
 * The address as the console keys it: trimmed and lower-cased, or undefined when it is not one.
 * Deliberately loose (one "@", no spaces): a link only ever goes to an address an admin added, and
 * the local runtime's own admin is `admin@localhost`.
 */
export function normalizeUserEmail(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  const email = input.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) return undefined;
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

/** A new secret for a link or a session: 256 random bits, base64url (43 characters). */
export const newAccessSecret = (): string => randomBytes(32).toString("base64url");
const ACCESS_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const isAccessSecret = (value: string): boolean => ACCESS_SECRET_PATTERN.test(value);
/** What the table keys a secret by. */
export const hashAccessSecret = (secret: string): string =>
  createHash("sha256").update(secret, "utf8").digest("hex");
/** The counter key of an address's link requests: a hash, so no counter holds the address. */
export const addressHash = (email: string): string =>
  createHash("sha256").update(`sign-in:${email}`, "utf8").digest("hex").slice(0, 32);

export const newUserId = (): string => `usr_${randomBytes(12).toString("base64url")}`;

/** A session's expiry: idle for SESSION_IDLE_HOURS from `at`, never past its absolute end. */
export function sessionExpiry(at: Date, absoluteEnd: Date): Date {
  return new Date(Math.min(at.getTime() + SESSION_IDLE_HOURS * 3_600_000, absoluteEnd.getTime()));
}

/** The UTC hour a rate-limit counter counts, `YYYY-MM-DDTHH`. */
export const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

/** Epoch seconds, what the table's TTL attribute holds. */
export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** Pages only an admin may open (members see campaigns, results and cases). */
export const ADMIN_SECTIONS = ["api-keys", "users", "webhooks"] as const;
export type ConsoleSection = "campaigns" | "cases" | (typeof ADMIN_SECTIONS)[number];
export const mayOpen = (role: UserRole, section: ConsoleSection): boolean =>
  role === "admin" || !(ADMIN_SECTIONS as readonly string[]).includes(section);

/**
 * Where to go after signing in: a console path (`/app` or below it) as given, anything else (another
 * origin, `//host`, a backslash trick) the campaigns list. It is carried through the email link, so it
 * must never send a signed-in browser elsewhere.
 */
export function safeConsolePath(next: unknown, fallback = "/app/campaigns"): string {
  if (typeof next !== "string" || next.length > 512) return fallback;
  if (!/^\/app(?:[/?#]|$)/.test(next)) return fallback;
  if (/[\\\s]|\/\/|%2f|%5c/i.test(next.slice(4))) return fallback;
  return next;
}
