import { expect } from "vitest";

/**
 * The survey's and the unsubscribe link's forms, posted as a browser or a mail client posts them
 * (form-encoded); `json` asks for the JSON answer the survey page's script gets.
 */
export async function postForm(
  url: string,
  form: Record<string, string> | string,
  options: { readonly json?: boolean } = {},
): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(options.json ? { accept: "application/json" } : {}),
    },
    body: typeof form === "string" ? form : new URLSearchParams(form),
  });
}

/** Answers a survey through its form; the test fails, showing the page, unless it was taken (200). */
export async function answerSurvey(
  url: string,
  form: Record<string, string>,
  options: { readonly json?: boolean } = {},
): Promise<void> {
  const response = await postForm(url, form, options);
  expect(response.status, await response.text()).toBe(200);
}

/** The one-click unsubscribe a mail client sends to a List-Unsubscribe link (RFC 8058). */
export async function unsubscribeInOneClick(url: string): Promise<Response> {
  return await postForm(url, "List-Unsubscribe=One-Click");
}
