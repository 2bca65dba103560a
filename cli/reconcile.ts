// `npm run reconcile -- <campaignId> [--fix]`: recounts a campaign's result aggregates from the raw
// invitations and answers and reports (with --fix, repairs) every difference.
import { parseArgs } from "node:util";
import { systemClock } from "../functions/domain/clock";
import type { Counters } from "../functions/domain/counters";
import { CAMPAIGN_ID_PATTERN } from "../functions/domain/ids";
import {
  DEFAULT_RETENTION_DAYS,
  firstFullyRetainedDay,
  RETENTION_DAYS_RANGE,
} from "../functions/domain/retention";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { createStores } from "../functions/store/stores";
import { type Reconciliation, reconcileCampaign } from "../functions/use-cases/reconcile-campaign";
import { runCommand, UsageError } from "./command-line";
import { explainTableError, resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target } from "./table-target";

const USAGE = `Usage:
  npm run reconcile -- <campaignId>         recount the campaign's aggregates and report differences
  npm run reconcile -- <campaignId> --fix   ... and repair them

Exit code: 0 when every aggregate matches (or was repaired), 3 when differences were found and not
repaired, 1 on an error, 2 on bad usage. Run it while the campaign is quiet: answers that land during
the recount show as differences.

${TARGET_USAGE}
  --fix              add the difference to each wrong aggregate
  --retention-days <n>  the stack's retentionDays (default 730): only the days whose raw records are
                     all still kept are compared, so expired records never read as differences
  --json             print the whole report as JSON`;

type Reconcile = { campaignId: string; fix: boolean; json: boolean; retentionDays: number; target: Target };

function parseCommandLine(args: string[]): Reconcile | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [id, ...extra] = positionals;
  if (!id) throw new UsageError("Missing the campaign id, e.g. 'npm run reconcile -- cmp_…'.");
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(" ")}`);
  if (!CAMPAIGN_ID_PATTERN.test(id))
    throw new UsageError(`'${id.slice(0, 64)}' is not a campaign id (cmp_…).`);
  let retentionDays = DEFAULT_RETENTION_DAYS;
  if (values["retention-days"] !== undefined) {
    const { min, max } = RETENTION_DAYS_RANGE;
    const days = Number(values["retention-days"]);
    if (!/^\d{1,5}$/.test(values["retention-days"]) || days < min || days > max) {
      throw new UsageError(
        `--retention-days must be a whole number of days from ${min} to ${max}, as the stack's retentionDays.`,
      );
    }
    retentionDays = days;
  }
  return {
    campaignId: id,
    fix: values.fix === true,
    json: values.json === true,
    retentionDays,
    target: resolveTarget(values),
  };
}

async function reconcile({ campaignId, fix, json, retentionDays, target }: Reconcile): Promise<number> {
  const stores = createStores(
    createDocumentClient({ endpoint: target.endpoint, region: target.region }),
    target.tableName,
  );
  try {
    if (!(await stores.campaigns.get(campaignId))) {
      console.error(`error: no campaign has the id '${campaignId}' in table '${target.tableName}'.`);
      return 1;
    }
    const report = await reconcileCampaign(stores, campaignId, {
      fix,
      since: firstFullyRetainedDay(systemClock(), retentionDays),
    });
    if (json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    return report.differences.length === 0 || report.repaired ? 0 : 3;
  } catch (error) {
    console.error(`error: ${explainTableError(error, target)}`);
    return 1;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...TARGET_OPTIONS,
      fix: { type: "boolean" },
      json: { type: "boolean" },
      "retention-days": { type: "string" },
    },
  });
}

function printReport(report: Reconciliation): void {
  console.log(
    `Campaign ${report.campaignId}${report.since ? ` (days from ${report.since})` : ""}: ${report.invitationsSent} invitations sent, ${report.responses} answers, ${report.aggregatesChecked} aggregates checked.`,
  );
  if (report.differences.length === 0) {
    console.log("Every aggregate equals the recount from the raw records.");
    return;
  }
  console.log(
    `${report.differences.length} aggregate(s) differ from the recount${report.repaired ? " and were repaired" : ""}:`,
  );
  for (const d of report.differences) {
    const where = d.dimension === "*" ? "overall" : `${d.dimension}=${d.value}`;
    console.log(`  ${d.day} ${where}: ${changedFields(d.stored, d.recounted).join(", ")}`);
  }
  if (report.unrepaired > 0) {
    console.log(
      `${report.unrepaired} of them changed while this ran and were left as they are: run again (while the campaign is quiet).`,
    );
  } else if (!report.repaired) console.log("Run again with --fix to repair them.");
}

/** "field stored → recounted" for each counter that differs, so an operator sees what is wrong. */
function changedFields(stored: Counters, recounted: Counters): string[] {
  const changes: string[] = [];
  const compare = (name: string, a: number, b: number) => {
    if (a !== b) changes.push(`${name} ${a} → ${b}`);
  };
  compare("sent", stored.sent, recounted.sent);
  compare("responses", stored.responses, recounted.responses);
  for (let score = 0; score <= 10; score++)
    compare(`score ${score}`, stored.scores[score] ?? 0, recounted.scores[score] ?? 0);
  for (let rating = 1; rating <= 5; rating++)
    compare(`csat ${rating}`, stored.csat[rating - 1] ?? 0, recounted.csat[rating - 1] ?? 0);
  for (const key of new Set([...Object.keys(stored.attributes), ...Object.keys(recounted.attributes)])) {
    const a = stored.attributes[key] ?? { sum: 0, count: 0 };
    const b = recounted.attributes[key] ?? { sum: 0, count: 0 };
    compare(`${key} ratings`, a.count, b.count);
    compare(`${key} sum`, a.sum, b.sum);
  }
  // Driver sums are many and named by the attribute set: one line says how many differ.
  const sums = new Set([...Object.keys(stored.moments), ...Object.keys(recounted.moments)]);
  const differing = [...sums].filter(
    (name) => (stored.moments[name] ?? 0) !== (recounted.moments[name] ?? 0),
  );
  if (differing.length > 0) changes.push(`${differing.length} driver sum(s)`);
  return changes;
}

runCommand({ usage: USAGE, parse: parseCommandLine, run: reconcile });
