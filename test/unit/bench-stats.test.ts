import { describe, expect, it } from "vitest";
import { runInRounds } from "../../bench/stats";

/** The bench's rounds: every call made once, the workloads taking turns, results pooled per workload. */
describe("bench runInRounds", () => {
  it("gives each workload every index once, in turns that rotate, warms each run first, and pools its counts", async () => {
    const log: string[] = [];
    const workload = (name: string, failOn: number | null) => ({
      op: async (i: number) => {
        log.push(`${name}${i}`);
        if (i === failOn) throw new Error(`${name} failed at ${i}`);
      },
      around: async <T>(run: () => Promise<T>) => {
        log.push(`[${name}`);
        const result = await run();
        log.push(`${name}]`);
        return result;
      },
      warm: async (i: number) => {
        log.push(`warm ${name}${i}`);
      },
    });
    const result = await runInRounds(2, 10, 3, {
      a: workload("a", null),
      b: workload("b", 7),
      c: workload("c", null),
    });
    for (const name of ["a", "b", "c"]) {
      const indexes = log.filter((e) => new RegExp(`^${name}\\d+$`).test(e)).map((e) => Number(e.slice(1)));
      expect(indexes.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // Each run: one warm call per client, outside the wrapped (counted and timed) part, then the run.
    const runs = log.filter((e) => e.startsWith("[")).map((e) => e.slice(1));
    expect(runs).toEqual(["a", "b", "c", "b", "c", "a", "c", "a", "b"]);
    let at = 0;
    for (const name of runs) {
      const open = log.indexOf(`[${name}`, at);
      expect(log.slice(open - 2, open)).toEqual([`warm ${name}0`, `warm ${name}1`]);
      at = log.indexOf(`${name}]`, open);
      expect(log.slice(open + 1, at).every((e) => new RegExp(`^${name}\\d+$`).test(e))).toBe(true);
    }
    expect(result.a).toMatchObject({ clients: 2, errors: 0, firstError: null });
    expect(result.b).toMatchObject({ errors: 1, firstError: "Error: b failed at 7" });
    expect(result.c.perSecond).toBeGreaterThan(0);
  });

  it("refuses rounds that would leave clients idle", async () => {
    const idle = { op: async () => undefined };
    await expect(runInRounds(64, 96, 5, { idle })).rejects.toThrow("would not keep 64 clients busy");
  });
});
