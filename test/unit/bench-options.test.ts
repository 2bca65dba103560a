import { describe, expect, it } from "vitest";
import { invitationsNeeded } from "../../bench/ingestion-bench";
import { parseOptions, UsageError } from "../../bench/options";

/** `npm run bench` refuses sizes that would fail late or make a ratio meaningless, before running. */
describe("bench options", () => {
  it("keeps the small results campaign at most a tenth of the large one", () => {
    for (const answers of [100, 5_000, 100_000]) {
      const options = parseOptions(["--answers", String(answers)]);
      if (options === "help") throw new Error("help");
      expect(options.smallAnswers * 10).toBeLessThanOrEqual(answers);
    }
    expect(() => parseOptions(["--answers", "99"])).toThrow(UsageError);
  });

  it("asks for enough invitations for item 1 up front", () => {
    const defaults = parseOptions([]);
    if (defaults === "help") throw new Error("help");
    expect(defaults.invitations).toBeGreaterThanOrEqual(invitationsNeeded(defaults.ingestion));
    const quick = parseOptions(["--quick"]);
    if (quick === "help") throw new Error("help");
    expect(quick.invitations).toBeGreaterThanOrEqual(invitationsNeeded(quick.ingestion));
    expect(() => parseOptions(["--invitations", String(invitationsNeeded(defaults.ingestion) - 1)])).toThrow(
      /--invitations must be at least/,
    );
  });
});
