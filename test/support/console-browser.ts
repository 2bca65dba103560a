import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { DeliveryHarness } from "./delivery-harness";

/**
 * Signs `email` in as a person does: the console's form (in English), the link from the SES emulator's
 * inbox, and the button on the link's page; resolves on the campaigns list.
 */
export async function signInByEmailedLink(page: Page, h: DeliveryHarness, email: string): Promise<void> {
  await page.goto(`${h.baseUrl}/app?lang=en`);
  await page.getByLabel("Email address").fill(email);
  await Promise.all([page.waitForURL(/\/app\/sign-in$/), page.getByRole("button").click()]);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Check your email");
  const mail = (await h.inbox({ to: email })).at(-1);
  const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(mail?.text ?? "")?.[0];
  if (!link) throw new Error(`no sign-in link for ${email}`);
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Sign in to open-nps");
  await Promise.all([
    page.waitForURL(/\/app\/campaigns$/),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

/** How far the page is wider than the window: 0 when nothing scrolls sideways (on a phone). */
export async function horizontalOverflowOf(page: Page): Promise<number> {
  return await page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth - innerWidth;
  });
}
