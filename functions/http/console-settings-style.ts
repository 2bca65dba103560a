/** Styles of the console's campaign form, alert rules, webhooks and API keys pages (part of the one stylesheet, `console-style.ts`). */
export const SETTINGS_PAGES_STYLE = ``;
