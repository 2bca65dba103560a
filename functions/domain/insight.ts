import { type CampaignSettings, textIn } from "./campaign";
import type { Counters } from "./counters";
import { type Drivers, driversOf } from "./drivers";
import { attributeMoments } from "./moments";
import { csatMeanDifference, npsDifference } from "./significance";
import * as z from "./zod";

/**
 * The insight figures of a results call: whether a difference between two sets of answers is real
 * (a segment value against the rest, a range against the one before), and which attributes drive the
 * recommendation. All of them come from the same additive counters as the rest of the results.
 */

const pValue = z
  .nullable(z.number().check(z.gte(0), z.lte(1)))
  .check(
    z.describe(
      "Two-sided p-value of the difference (z-test), 4 decimals; null under 2 answers on either side.",
    ),
  );
const significant = z
  .nullable(z.boolean())
  .check(z.describe("Whether the difference is significant at 95% (pValue < 0.05); null when pValue is."));

/** A difference between two sets of answers, and whether it is more than noise. */
export const differenceSchema = z
  .object({
    npsDifference: z
      .nullable(z.number())
      .check(
        z.describe(
          "NPS of these answers minus NPS of the others, in points, 1 decimal; null under 2 answers on either side.",
        ),
      ),
    pValue,
    significant,
    csat: z
      .object({
        meanDifference: z
          .nullable(z.number())
          .check(
            z.describe(
              "Mean satisfaction here minus there, 2 decimals; null under 2 ratings on either side.",
            ),
          ),
        pValue,
        significant,
      })
      .check(z.describe("The same test on the satisfaction (CSAT) means.")),
  })
  .check(
    z.describe(
      "A difference and its significance: a z-test on the NPS recode (+100, 0, −100) and on the CSAT ratings, " +
        "with each side's own variance.",
    ),
  );
export type Difference = z.infer<typeof differenceSchema>;

const promotersOf = (c: Counters) => (c.scores[9] ?? 0) + (c.scores[10] ?? 0);
const detractorsOf = (c: Counters) => c.scores.slice(0, 7).reduce((total, n) => total + n, 0);
const answersOf = (c: Counters) => c.scores.reduce((total, n) => total + n, 0);

/** How the answers counted in `a` differ from those in `b`. */
export function differenceOf(a: Counters, b: Counters): Difference {
  const group = (c: Counters) => ({
    promoters: promotersOf(c),
    detractors: detractorsOf(c),
    responses: answersOf(c),
  });
  return { ...npsDifference(group(a), group(b)), csat: csatMeanDifference(a.csat, b.csat) };
}

export const QUADRANTS = ["concentrate", "keep-up", "low-priority", "overkill"] as const;

const rounded = (description: string) => z.nullable(z.number()).check(z.describe(description));

/** Driver analysis of the campaign's attributes. */
export const driversSchema = z
  .object({
    responses: z
      .int()
      .check(
        z.gte(0),
        z.describe(
          "Answers in the range that rated every attribute the campaign asks now: the figures below are over these " +
            "only. Under 30, every figure but the means is null.",
        ),
      ),
    r2: rounded(
      "Share of the variation in the NPS recode the attribute ratings explain together (R² of a linear model), " +
        "0–1, 4 decimals.",
    ),
    note: z
      .nullable(z.string())
      .check(
        z.describe(
          "Why figures are null, when some are (too few answers, an attribute everyone rated alike…).",
        ),
      ),
    attributes: z
      .array(
        z.object({
          key: z.string().check(z.describe("The attribute's key.")),
          label: z.string().check(z.describe("The attribute's label, in the campaign's language.")),
          mean: rounded("Mean rating 1–5 over these answers (the performance axis), 2 decimals."),
          correlation: rounded("Pearson correlation of the rating with the NPS recode, −1 to 1, 3 decimals."),
          correlationInterval: z
            .nullable(z.tuple([z.number(), z.number()]))
            .check(z.describe("95% confidence interval of the correlation (Fisher z), 3 decimals.")),
          importance: rounded(
            "Johnson's relative weight as a share of R²: the attribute's part in what the ratings explain, " +
              "0–1, the shares adding up to 1 (the importance axis), 4 decimals.",
          ),
          shapley: rounded(
            "The attribute's Shapley (LMG) share of R², in R² units (they add up to r2), 4 decimals.",
          ),
          quadrant: z
            .nullable(z.enum(QUADRANTS))
            .check(
              z.describe(
                "Importance × performance against the averages of the attributes: `concentrate` (important, rated " +
                  "below average), `keep-up` (important, rated above), `low-priority` (less important, rated below), " +
                  "`overkill` (less important, rated above); null when importance is.",
              ),
            ),
        }),
      )
      .check(z.describe("One entry per attribute, most important first.")),
  })
  .check(
    z.describe(
      "Which attributes drive the recommendation, over the answers that rated every attribute; present when the " +
        "campaign asks two or more.",
    ),
  );
export type DriverResults = z.infer<typeof driversSchema>;

/** Driver analysis of the campaign's current attributes from the counters of a range. */
export function driversFor(
  counters: Counters,
  campaign: Pick<CampaignSettings, "attributes" | "locale">,
): DriverResults {
  const keys = campaign.attributes.map((attribute) => attribute.key);
  const drivers: Drivers = driversOf(attributeMoments(counters.moments, keys));
  const labels = new Map(
    campaign.attributes.map((a) => [a.key, textIn(a.label, campaign.locale, campaign.locale)]),
  );
  const known = drivers.attributes.filter((a) => a.importance !== null && a.mean !== null);
  const averageImportance = known.length > 0 ? 1 / known.length : 0;
  const averageMean = known.reduce((total, a) => total + (a.mean ?? 0), 0) / Math.max(1, known.length);
  return {
    responses: drivers.responses,
    r2: drivers.r2,
    note: drivers.note,
    attributes: drivers.attributes.map((a) => ({
      key: a.key,
      label: labels.get(a.key) ?? a.key,
      mean: a.mean,
      correlation: a.correlation,
      correlationInterval: a.correlationInterval,
      importance: a.importance,
      shapley: a.shapley,
      quadrant:
        a.importance === null || a.mean === null
          ? null
          : a.importance >= averageImportance
            ? a.mean < averageMean
              ? "concentrate"
              : "keep-up"
            : a.mean < averageMean
              ? "low-priority"
              : "overkill",
    })),
  };
}
