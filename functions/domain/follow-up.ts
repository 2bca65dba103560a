import * as z from "./zod";

// Applied by the events function, which loads no zod: the match lives in case-rules.ts.
export { meetsFollowUp } from "./case-rules";

/**
 * A campaign's alert rule (`followUp`): which answers open a case, who owns it, how soon it is due,
 * and where the alert goes besides the owners' inboxes.
 */
export const MAX_FOLLOW_UP_OWNERS = 20;
export const DEFAULT_FOLLOW_UP_MAX_SCORE = 6;
export const DEFAULT_TARGET_HOURS = 24;

const ownerAddress = z
  .string()
  .check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email("must be an email address"));

/**
 * A Slack incoming webhook: https, or http to this machine (a local receiver, for trying it out with
 * `npm start`; on AWS the poster calls only https URLs of public addresses anyway).
 */
const slackUrl = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    const local = url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    return (url.protocol === "https:" || local) && url.username === "" && url.password === "";
  }, "must be an https URL (a Slack incoming webhook), without a user name or password"),
);

const segmentValue = z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean()]);

export const followUpSchema = z
  .strictObject({
    maxScore: z
      ._default(z.int().check(z.gte(0), z.lte(10)), DEFAULT_FOLLOW_UP_MAX_SCORE)
      .check(
        z.describe(
          `An answer with this NPS score or lower opens a case, 0–10. Default ${DEFAULT_FOLLOW_UP_MAX_SCORE} (every detractor).`,
        ),
      ),
    maxCsat: z
      ._default(z.nullable(z.int().check(z.gte(1), z.lte(5))), null)
      .check(
        z.describe(
          "An answer with this satisfaction (1–5) or lower also opens a case, whatever its score; null: " +
            "satisfaction alone opens none. Default null.",
        ),
      ),
    owners: z
      .array(ownerAddress)
      .check(
        z.minLength(1),
        z.maxLength(MAX_FOLLOW_UP_OWNERS),
        z.describe(
          `Who is alerted and owns the cases, 1–${MAX_FOLLOW_UP_OWNERS} email addresses; a new case is owned ` +
            "by the first, and every owner gets its alert email.",
        ),
      ),
    targetHours: z
      ._default(z.int().check(z.gte(1), z.lte(720)), DEFAULT_TARGET_HOURS)
      .check(
        z.describe(
          `Hours from the answer within which the customer should hear back (the case's \`dueAt\`), 1–720. Default ${DEFAULT_TARGET_HOURS}.`,
        ),
      ),
    slackWebhookUrl: z
      ._default(z.nullable(slackUrl), null)
      .check(
        z.describe("A Slack incoming-webhook URL that also gets each alert; null for none. Default null."),
      ),
    only: z
      ._default(
        z.nullable(
          z
            .record(
              z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a property name")),
              z.array(segmentValue).check(z.minLength(1), z.maxLength(100)),
            )
            .check(z.refine((only) => Object.keys(only).length <= 5, "must name at most 5 properties")),
        ),
        null,
      )
      .check(
        z.describe(
          'Only answers whose purchase properties hold one of these values open a case, e.g. `{"region": ' +
            '["EU"]}`; every property named must match. null: every answer that meets the scores. Default null.',
        ),
      ),
  })
  .check(
    z.describe(
      "Close the loop: an answer (or an edit) that meets the rule opens one case per response, owned by the " +
        "first owner, and alerts every owner by email (and Slack) within a minute. null for no alerts.",
    ),
  );
export type FollowUp = z.infer<typeof followUpSchema>;
