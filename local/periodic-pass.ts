/** A pass run on a timer, and on demand: the local stand-in for a schedule or an event source's polling. */
export type PeriodicPass = {
  /** Waits for a pass under way, then runs one more; rejects with that pass's error. */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for a pass under way. Safe twice. */
  stop(): Promise<void>;
};

/**
 * Runs `pass` every `intervalMs` (never, when null), one pass at a time: a tick that finds the previous
 * pass still running skips. A timed pass's error goes to `onError` (default console.error); one run by
 * `runOnce` rejects to its caller.
 */
export function startPeriodicPass(
  pass: () => Promise<void>,
  options: { intervalMs: number | null; onError?: (error: unknown) => void; onStop?: () => void },
): PeriodicPass {
  let current: Promise<void> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const timer =
    options.intervalMs === null
      ? undefined
      : setInterval(() => {
          if (busy || stopped) return;
          busy = true;
          current = pass()
            .catch((error: unknown) => (options.onError ?? console.error)(error))
            .finally(() => {
              busy = false;
            });
        }, options.intervalMs);
  return {
    runOnce: async () => {
      await current;
      await pass();
    },
    stop: async () => {
      if (stopped) return await current;
      stopped = true;
      clearInterval(timer);
      await current;
      options.onStop?.();
    },
  };
}
