/**
 * Date arithmetic of the send schedule, without zod (purchase.ts builds the schemas): the survey
 * function needs it and loads no schema library.
 */

const DAY_MS = 86_400_000;

/** The throttle window around a send time: another survey to the same person inside it is refused. */
export function throttleWindow(sendAt: string, throttleDays: number): { from: string; to: string } {
  const at = Date.parse(sendAt);
  return {
    from: new Date(at - throttleDays * DAY_MS).toISOString(),
    to: new Date(at + throttleDays * DAY_MS).toISOString(),
  };
}

export const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(iso) + days * DAY_MS).toISOString();
