import { expect } from "vitest";

/** A console page or redirect as a test reads it: no redirect followed. */
export type ConsoleAnswer = { status: number; location: string | null; text: string; headers: Headers };

export type ConsoleRequest = {
  /** Posts these fields as a form (else a GET). */
  readonly form?: Record<string, string>;
  readonly cookie?: string;
  /** A POST's Origin: the console's own unless given; null sends none. */
  readonly origin?: string | null;
  readonly referer?: string;
};

/**
 * One request to the console at `baseUrl` as a browser sends it from a console page: a form posted
 * with the console's own Origin unless told otherwise, cookies carried by hand, no redirect followed.
 */
export async function sendToConsole(
  baseUrl: string,
  path: string,
  options: ConsoleRequest = {},
): Promise<ConsoleAnswer> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    if (options.origin !== null) headers.origin = options.origin ?? baseUrl;
    if (options.referer) headers.referer = options.referer;
  }
  const response = await fetch(path.startsWith("http") ? path : `${baseUrl}${path}`, {
    method: options.form ? "POST" : "GET",
    headers,
    redirect: "manual",
    ...(options.form ? { body: new URLSearchParams(options.form) } : {}),
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    text: await response.text(),
    headers: response.headers,
  };
}

/** The `nps_session=…` pair a sign-in answer set, to send back as a cookie. */
export function sessionCookieOf(answer: ConsoleAnswer): string {
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith("nps_session="));
  if (!cookie) throw new Error(`no session cookie set (${answer.status})`);
  return cookie.split(";")[0] as string;
}

/**
 * Signs `email` in over HTTP as a person does: asks for a link on the form, takes it from the inbox
 * (`inboxText`: the text of the last email to that address) and presses its button. The session cookie.
 */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  inboxText: (email: string) => Promise<string>,
): Promise<string> {
  const asked = await sendToConsole(baseUrl, "/app/sign-in", { form: { email } });
  expect(asked.status, asked.text).toBe(200);
  const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(await inboxText(email))?.[0];
  if (!link) throw new Error(`no sign-in link for ${email}`);
  const signedIn = await sendToConsole(baseUrl, link, { form: {} });
  expect(signedIn.status).toBe(303);
  return sessionCookieOf(signedIn);
}
