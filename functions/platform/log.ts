/**
 * Structured logs: one JSON object per line, as CloudWatch Logs Insights reads them. LOG_LEVEL
 * (debug, info, warn, error; default info) drops the chattier levels, which the local runtime and the
 * tests use to keep per-message lines out of their output. No personal data goes in `fields`.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const threshold = LEVELS[process.env.LOG_LEVEL as Level] ?? LEVELS.info;
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export function describeError(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: String(error) };
}
