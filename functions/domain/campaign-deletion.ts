import * as z from "./zod";

/**
 * Deleting a campaign that never sent a survey (a test campaign): it goes with its purchases, their
 * invitations, its segment values and its (zero) aggregates. One that sent anything is kept, with its
 * results and answers: archive it instead.
 */

/**
 * Purchases one DELETE request removes, with their invitations, before it answers 202 and lets the
 * caller send it again: the work of one request stays well inside the function's time limit (each
 * purchase is a few small deletes).
 */
export const DELETE_PURCHASES_PER_REQUEST = 1000;

/** The 202 of a deletion that goes on in the next request. */
export const campaignDeletionSchema = z
  .object({
    status: z
      .literal("deleting")
      .check(
        z.describe(
          "`deleting`: the campaign is archived (it sends and takes nothing more) and part of its purchases are " +
            "deleted; send the same DELETE again, until it answers 204.",
        ),
      ),
    purchasesDeleted: z
      .int()
      .check(z.gte(0), z.describe("How many purchases (with their invitations) this request deleted.")),
  })
  .check(z.describe("A deletion under way: a large campaign is deleted over several requests."));
export type CampaignDeletion = z.infer<typeof campaignDeletionSchema>;
