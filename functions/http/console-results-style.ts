/** Styles of the console's results, charts and responses pages (part of the one stylesheet, `console-style.ts`). */
export const RESULTS_PAGES_STYLE = ``;
