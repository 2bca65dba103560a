/** Styles of the console's case inbox and case pages (part of the one stylesheet, `console-style.ts`). */
export const CASE_PAGES_STYLE = ``;
