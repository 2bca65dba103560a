/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export type ConcurrentRun = {
  readonly clients: number;
  readonly operations: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly firstError: string | null;
};

/**
 * Runs `operations` calls of `op` from `clients` concurrent loops, each taking the next index when its
 * previous call ends (a closed loop, as that many users clicking one after another). A call that throws
 * counts as an error and its latency is left out.
 */
export async function runConcurrent(
  clients: number,
  operations: number,
  op: (index: number) => Promise<void>,
): Promise<ConcurrentRun> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < operations) {
      const index = next++;
      const begin = performance.now();
      try {
        await op(index);
        latencies.push(performance.now() - begin);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, operations) }, loop));
  const elapsedMs = performance.now() - started;
  return {
    clients,
    operations,
    elapsedMs,
    perSecond: (latencies.length / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    firstError,
  };
}
