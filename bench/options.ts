import { invitationsNeeded } from "./ingestion-bench";
/** The command line of `npm run bench`. */
export type BenchOptions = {
  readonly quick: boolean;
  /** Where to write the raw results as JSON; null: nowhere. */
  readonly jsonFile: string | null;
  /** Item 2: answers in the large campaign (the small one has `smallAnswers`). */
  readonly answers: number;
  readonly smallAnswers: number;
  /** Item 3: due invitations to dispatch and send; the sent ones are item 1's pool of answerable links. */
  readonly invitations: number;
  /** Of those, posted one purchase per request (the rest 500 per request), for the cost model. */
  readonly singlePurchases: number;
  /** Item 1: answers per concurrency level, through HTTP and again as raw transactions. */
  readonly ingestion: readonly { readonly clients: number; readonly answers: number }[];
  /** Item 1: survey page views (GET) measured for the cost model. */
  readonly pageViews: number;
  /** Item 2: results calls per campaign. */
  readonly resultsCalls: number;
  /** Item 4: child processes per bundle; the median is reported. */
  readonly coldStartRuns: number;
  /** Item 6: detractors' answers per concurrency level, timed to their alert email (at each loop period). */
  readonly alerts: readonly { readonly clients: number; readonly answers: number }[];
  /** Item 7: subscriptions, events fanned out to them (first attempts), and events whose deliveries are retried. */
  readonly webhooks: { readonly subscriptions: number; readonly events: number; readonly dueEvents: number };
};

export const USAGE = `Usage: npm run bench [-- options]

  --quick            small sizes, a smoke run in under a minute
  --json <file>      also write the raw results to <file> as JSON
  --answers <n>      answers in the large campaign of the results benchmark (default 100000; quick 2000;
                     at least 100; the small campaign has at most a tenth of it)
  --invitations <n>  due invitations in the delivery benchmark (default 13000; quick 600); item 1
                     answers some of them, so it must be at least what item 1 needs (12960; quick 600)
  --help             this text`;

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  let quick = false;
  let jsonFile: string | null = null;
  let answers: number | undefined;
  let invitations: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    const count = (min: number) => {
      const text = value();
      const n = Number(text.replaceAll("_", ""));
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${arg} must be a whole number ≥ ${min}`);
      return n;
    };
    if (arg === "--quick") quick = true;
    else if (arg === "--json") jsonFile = value();
    else if (arg === "--answers") answers = count(100);
    else if (arg === "--invitations") invitations = count(100);
    else if (arg === "--help" || arg === "-h") return "help";
    else throw new UsageError(`unknown option ${arg}`);
  }
  const large = answers ?? (quick ? 2_000 : 100_000);
  const parsed: BenchOptions = {
    quick,
    jsonFile,
    answers: large,
    // At most a tenth of the large campaign: item 2's ratio compares campaigns of different sizes.
    smallAnswers: Math.min(quick ? 100 : 1_000, Math.floor(large / 10)),
    invitations: invitations ?? (quick ? 600 : 13_000),
    singlePurchases: quick ? 40 : 300,
    ingestion: quick
      ? [
          { clients: 1, answers: 20 },
          { clients: 16, answers: 64 },
          { clients: 64, answers: 96 },
        ]
      : [
          { clients: 1, answers: 300 },
          { clients: 16, answers: 1_500 },
          { clients: 64, answers: 2_500 },
        ],
    pageViews: quick ? 40 : 300,
    resultsCalls: quick ? 10 : 30,
    coldStartRuns: quick ? 3 : 7,
    // Each answer takes about a second (a random pause up to npm start's loop period, then the wait for
    // its alert): this many keep item 6 near a minute and a half at full size.
    alerts: quick
      ? [
          { clients: 1, answers: 6 },
          { clients: 16, answers: 16 },
        ]
      : [
          { clients: 1, answers: 30 },
          { clients: 16, answers: 96 },
        ],
    webhooks: quick
      ? { subscriptions: 10, events: 20, dueEvents: 20 }
      : { subscriptions: 10, events: 100, dueEvents: 100 },
  };
  // Item 1 answers sent invitations from item 3's pool: say so now, not after minutes of item 3.
  const needed = invitationsNeeded(parsed.ingestion);
  if (parsed.invitations < needed) {
    throw new UsageError(
      `--invitations must be at least ${needed} at these sizes (item 1 answers that many)`,
    );
  }
  return parsed;
}
