import type { Locale } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import {
  addressHash,
  type ConsoleUser,
  hashAccessSecret,
  hourOf,
  isAccessSecret,
  newAccessSecret,
  normalizeUserEmail,
  SESSION_MAX_DAYS,
  SESSION_REFRESH_MINUTES,
  SIGN_IN_LINK_MINUTES,
  SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR,
  SIGN_IN_LINKS_PER_HOUR,
  safeConsolePath,
  sessionExpiry,
} from "../domain/console-access";
import { AppError, ThrottledError, ValidationError } from "../domain/errors";
import { describeError, log } from "../platform/log";

/** A sign-in link as the store keeps it. */
type StoredSignInLink = { email: string; next: string; expiresAt: string; usedAt: string | null };
/** A session as the store keeps it. */
type StoredSession = { userId: string; email: string; createdAt: string; expiresAt: string; endsAt: string };

export type ConsoleAccessPorts = {
  readonly users: { get(email: string): Promise<ConsoleUser | undefined> };
  readonly consoleSessions: {
    countSignInRequest(
      scope: { addressHash: string } | "all",
      hour: string,
      limit: number,
      expiresAt: Date,
    ): Promise<boolean>;
    createSignInLink(
      tokenHash: string,
      link: { email: string; next: string; createdAt: Date; expiresAt: Date },
    ): Promise<void>;
    getSignInLink(tokenHash: string): Promise<StoredSignInLink | undefined>;
    useSignInLink(tokenHash: string, now: Date): Promise<StoredSignInLink | undefined>;
    createSession(secretHash: string, session: StoredSession): Promise<void>;
    getSession(secretHash: string): Promise<StoredSession | undefined>;
    extendSession(secretHash: string, expiresAt: Date): Promise<void>;
    deleteSession(secretHash: string): Promise<void>;
  };
  readonly clock: Clock;
};

export type SignInMailPorts = ConsoleAccessPorts & {
  readonly signInMail: {
    sendSignInLink(email: { to: string; url: string; locale: Locale; minutes: number }): Promise<unknown>;
  };
  /** Origin of the links in emails: never the request's Host, which a caller could set to their own. */
  readonly publicBaseUrl: string;
};

/** The address of a sign-in request is not an address; the form shows it again with the message. */
export class SignInAddressInvalidError extends ValidationError {
  constructor(
    /** What was typed, and where the user was going, for the form shown again. */
    readonly form: { readonly email: string; readonly next: string | undefined },
  ) {
    super("The email address is not valid.", [{ field: "email", message: "is not an email address" }]);
  }
}

/** A sign-in link that cannot sign in: unknown, used already, or past its 15 minutes. */
export class SignInLinkUnusableError extends AppError {
  constructor(readonly state: "used" | "expired") {
    super(410, "sign_in_link_unusable", "This sign-in link has been used or has expired.");
  }
}

/** Link requests over the limit: the same answer for every address, a user's or not. */
export class SignInThrottledError extends ThrottledError {
  constructor(retryAfterSeconds: number) {
    super("Too many sign-in links were asked for; try again later.", retryAfterSeconds);
  }
}

/**
 * Emails a one-time sign-in link to a console user. Whatever the address (a user's, a stranger's),
 * the caller learns the same: nothing but "if it is a user's, a link is on its way". Requests count
 * against the limits before the address is looked up, so being limited says nothing either; a
 * failed send is logged, not told.
 */
export async function requestSignInLink(
  ports: SignInMailPorts,
  request: { email: unknown; next?: unknown; locale: Locale },
): Promise<{ email: string }> {
  const email = normalizeUserEmail(request.email);
  if (email === undefined) {
    throw new SignInAddressInvalidError({
      email: typeof request.email === "string" ? request.email.slice(0, 320) : "",
      next: typeof request.next === "string" ? safeConsolePath(request.next) : undefined,
    });
  }
  const now = ports.clock();
  const hour = hourOf(now);
  const hourEnds = new Date(`${hour}:00:00.000Z`).getTime() + 3_600_000;
  const counted = async (scope: { addressHash: string } | "all", limit: number) =>
    await ports.consoleSessions.countSignInRequest(scope, hour, limit, new Date(hourEnds + 3_600_000));
  if (
    !(await counted({ addressHash: addressHash(email) }, SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR)) ||
    !(await counted("all", SIGN_IN_LINKS_PER_HOUR))
  ) {
    throw new SignInThrottledError(Math.ceil((hourEnds - now.getTime()) / 1000));
  }
  const user = await ports.users.get(email);
  if (!user) return { email };
  const url = await issueSignInLink(ports, email, request.next);
  try {
    await ports.signInMail.sendSignInLink({
      to: email,
      url,
      locale: request.locale,
      minutes: SIGN_IN_LINK_MINUTES,
    });
  } catch (error) {
    log("error", "sign-in link not sent", { error: describeError(error) });
  }
  return { email };
}

/**
 * A new sign-in link for a user, without email or limits: what `requestSignInLink` sends, and what
 * `npm start` prints for the local admin.
 */
export async function issueSignInLink(
  ports: Pick<SignInMailPorts, "consoleSessions" | "clock" | "publicBaseUrl">,
  email: string,
  next?: unknown,
): Promise<string> {
  const token = newAccessSecret();
  const now = ports.clock();
  await ports.consoleSessions.createSignInLink(hashAccessSecret(token), {
    email,
    next: safeConsolePath(next),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000),
  });
  return `${ports.publicBaseUrl}/app/sign-in/${token}`;
}

/** What the page a sign-in link opens shows; reading it changes nothing (mail scanners open links). */
export async function showSignInLink(ports: ConsoleAccessPorts, token: string): Promise<{ email: string }> {
  const link = isAccessSecret(token)
    ? await ports.consoleSessions.getSignInLink(hashAccessSecret(token))
    : undefined;
  if (!link) throw new SignInLinkUnusableError("expired");
  if (link.usedAt !== null) throw new SignInLinkUnusableError("used");
  if (link.expiresAt <= ports.clock().toISOString()) throw new SignInLinkUnusableError("expired");
  return { email: link.email };
}

export type SignedIn = {
  /** The session's secret, for the cookie: shown once, stored only as its hash. */
  readonly sessionSecret: string;
  /** When the session ends at the latest (the cookie's lifetime). */
  readonly endsAt: Date;
  /** Where the user was going before signing in. */
  readonly next: string;
};

/** Uses a sign-in link (once) and opens a session for its user, if the user still is one. */
export async function signIn(ports: ConsoleAccessPorts, token: string): Promise<SignedIn> {
  const now = ports.clock();
  const link = isAccessSecret(token)
    ? await ports.consoleSessions.useSignInLink(hashAccessSecret(token), now)
    : undefined;
  if (!link) {
    const unused = isAccessSecret(token)
      ? await ports.consoleSessions.getSignInLink(hashAccessSecret(token))
      : undefined;
    throw new SignInLinkUnusableError(unused?.usedAt ? "used" : "expired");
  }
  const user = await ports.users.get(link.email);
  if (!user) throw new SignInLinkUnusableError("expired");
  const sessionSecret = newAccessSecret();
  const endsAt = new Date(now.getTime() + SESSION_MAX_DAYS * 86_400_000);
  await ports.consoleSessions.createSession(hashAccessSecret(sessionSecret), {
    userId: user.id,
    email: user.email,
    createdAt: now.toISOString(),
    expiresAt: sessionExpiry(now, endsAt).toISOString(),
    endsAt: endsAt.toISOString(),
  });
  return { sessionSecret, endsAt, next: safeConsolePath(link.next) };
}

/**
 * The user a session cookie belongs to, or undefined: no cookie, an unknown or expired session, or a
 * user removed since (or removed and added again: a new user id) all mean signed out. A session in
 * use has its idle expiry pushed forward, at most once per SESSION_REFRESH_MINUTES.
 */
export async function authenticateSession(
  ports: ConsoleAccessPorts,
  sessionSecret: string | undefined,
): Promise<ConsoleUser | undefined> {
  if (sessionSecret === undefined || !isAccessSecret(sessionSecret)) return undefined;
  const hash = hashAccessSecret(sessionSecret);
  const session = await ports.consoleSessions.getSession(hash);
  if (!session) return undefined;
  const now = ports.clock();
  const nowIso = now.toISOString();
  if (session.expiresAt <= nowIso || session.endsAt <= nowIso) {
    await ports.consoleSessions.deleteSession(hash);
    return undefined;
  }
  const user = await ports.users.get(session.email);
  if (!user || user.id !== session.userId) {
    await ports.consoleSessions.deleteSession(hash);
    return undefined;
  }
  const extended = sessionExpiry(now, new Date(session.endsAt));
  if (extended.getTime() - Date.parse(session.expiresAt) >= SESSION_REFRESH_MINUTES * 60_000) {
    await ports.consoleSessions.extendSession(hash, extended);
  }
  return user;
}

/** Ends the session of a cookie (whatever state it is in). */
export async function signOut(ports: ConsoleAccessPorts, sessionSecret: string | undefined): Promise<void> {
  if (sessionSecret === undefined || !isAccessSecret(sessionSecret)) return;
  await ports.consoleSessions.deleteSession(hashAccessSecret(sessionSecret));
}
