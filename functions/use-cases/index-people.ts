import type { PersonLinkRef } from "./export-person";
import { mapConcurrently } from "./map-concurrently";

export type IndexPeoplePorts = {
  readonly people: {
    /** Every purchase of the table, a page at a time. */
    allPurchases(): AsyncIterable<
      readonly (PersonLinkRef & { readonly email: string; readonly expiresAt: number | undefined })[]
    >;
    /** True when the link is new. */
    link(email: string, link: PersonLinkRef, purchaseExpiresAt: number | undefined): Promise<boolean>;
  };
};

export type IndexReport = { purchases: number; linked: number };

/** Links written at once. */
const CONCURRENCY = 16;

/**
 * The backfill of person links (`npm run person -- index`): links every purchase recorded before
 * purchases were linked to their person, so an export or an erasure finds it. Reads the whole table
 * once; writes only the links missing (a purchase erased already needs none). Safe to run again, and
 * while the product runs (a purchase recorded meanwhile is linked by its own transaction).
 */
export async function indexPeople(
  ports: IndexPeoplePorts,
  onProgress?: (report: IndexReport) => void,
): Promise<IndexReport> {
  const report: IndexReport = { purchases: 0, linked: 0 };
  for await (const page of ports.people.allPurchases()) {
    const pending = page.filter((purchase) => purchase.email !== "");
    const created = await mapConcurrently(pending, CONCURRENCY, (purchase) =>
      ports.people.link(purchase.email, purchase, purchase.expiresAt),
    );
    report.linked += created.filter(Boolean).length;
    report.purchases += page.length;
    onProgress?.({ ...report });
  }
  return report;
}
