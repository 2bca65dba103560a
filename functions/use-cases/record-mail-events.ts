import type { Clock } from "../domain/clock";
import type { Suppression } from "../domain/mail-events";

export type MailEventsPorts = {
  readonly invitations: {
    /** False when the address was suppressed already. */
    suppress(email: string, reason: Suppression["reason"], now: Date, source: string): Promise<boolean>;
  };
  readonly clock: Clock;
};

/**
 * Bounces and complaints suppress their addresses for every later survey. Returns how many addresses
 * are newly suppressed: a repeat bounce of an address already suppressed is not a new suppression.
 */
export async function recordMailEvents(
  ports: MailEventsPorts,
  suppressions: readonly Suppression[],
): Promise<number> {
  let added = 0;
  for (const suppression of suppressions) {
    if (
      await ports.invitations.suppress(
        suppression.email,
        suppression.reason,
        ports.clock(),
        suppression.source,
      )
    )
      added++;
  }
  return added;
}
