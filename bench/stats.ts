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

/** What closed-loop runs measured: each call's latency, their wall time, and the calls that threw. */
type Samples = { latencies: number[]; elapsedMs: number; errors: number; firstError: string | null };

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
  return summarize(clients, operations, await sample(clients, operations, op));
}

/**
 * A workload of `runInRounds`: its calls; what to wrap each of its runs in (a usage phase); and calls
 * made untimed from every client just before each run (opening the connections a pause closed).
 */
export type RoundWorkload = {
  readonly op: (index: number) => Promise<void>;
  readonly around?: <T>(run: () => Promise<T>) => Promise<T>;
  readonly warm?: (index: number) => Promise<void>;
};

/**
 * Runs each workload `operations` times from `clients` concurrent loops, as `runConcurrent` does, but
 * cut into `rounds` rounds in which the workloads take turns (their order rotating each round), so a
 * pause of the machine or of DynamoDB Local's JVM falls on each alike. Each workload's latencies and
 * run time are pooled over its rounds; its calls get indexes 0 to operations - 1 across them. Before
 * each run, `warm` is called once per client, untimed, at the same concurrency.
 */
export async function runInRounds<K extends string>(
  clients: number,
  operations: number,
  rounds: number,
  workloads: Readonly<Record<K, RoundWorkload>>,
): Promise<Record<K, ConcurrentRun>> {
  if (operations < rounds * clients) {
    throw new Error(`${operations} calls in ${rounds} rounds would not keep ${clients} clients busy`);
  }
  const names = Object.keys(workloads) as K[];
  const pooled = new Map<K, Samples>(
    names.map((name) => [name, { latencies: [], elapsedMs: 0, errors: 0, firstError: null }]),
  );
  for (let round = 0; round < rounds; round++) {
    const start = Math.floor((operations * round) / rounds);
    const count = Math.floor((operations * (round + 1)) / rounds) - start;
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(round + turn) % names.length] as K;
      const { op, around = (run) => run(), warm } = workloads[name];
      if (warm) await sample(clients, clients, warm);
      const samples = await around(() => sample(clients, count, (i) => op(start + i)));
      const total = pooled.get(name) as Samples;
      total.latencies.push(...samples.latencies);
      total.elapsedMs += samples.elapsedMs;
      total.errors += samples.errors;
      total.firstError ??= samples.firstError;
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, summarize(clients, operations, pooled.get(name) as Samples)]),
  ) as Record<K, ConcurrentRun>;
}

async function sample(
  clients: number,
  operations: number,
  op: (index: number) => Promise<void>,
): Promise<Samples> {
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
  return { latencies, elapsedMs: performance.now() - started, errors, firstError };
}

function summarize(clients: number, operations: number, samples: Samples): ConcurrentRun {
  return {
    clients,
    operations,
    elapsedMs: samples.elapsedMs,
    perSecond: (samples.latencies.length / samples.elapsedMs) * 1000,
    p50Ms: percentile(samples.latencies, 50),
    p99Ms: percentile(samples.latencies, 99),
    errors: samples.errors,
    firstError: samples.firstError,
  };
}
