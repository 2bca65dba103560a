import { describe, expect, it } from "vitest";
import { runInRounds } from "../../bench/stats";

/** The bench's rounds: every call made once, the workloads taking turns, results pooled per workload. */
describe("bench runInRounds", () => {
  it("gives each workload every index once, in turns that rotate, warms each run, and pools its counts", async () => {
    const calls: string[] = [];
    const wrapped: string[] = [];
    const workload = (name: string, failOn: number | null) => ({
      op: async (i: number) => {
        calls.push(`${name}${i}`);
        if (i === failOn) throw new Error(`${name} failed at ${i}`);
      },
      around: async <T>(run: () => Promise<T>) => {
        wrapped.push(name);
        return await run();
      },
    });
    const warmed: number[] = [];
    const result = await runInRounds(2, 10, 3, {
      a: {
        ...workload("a", null),
        warm: async (i: number) => {
          warmed.push(i);
        },
      },
      b: workload("b", 7),
      c: workload("c", null),
    });
    for (const name of ["a", "b", "c"]) {
      const indexes = calls.filter((c) => c.startsWith(name)).map((c) => Number(c.slice(1)));
      expect(indexes.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(wrapped).toEqual(["a", "b", "c", "b", "c", "a", "c", "a", "b"]);
    // Once per client before each of its runs, and never counted.
    expect(warmed).toEqual([0, 1, 0, 1, 0, 1]);
    expect(result.a).toMatchObject({ clients: 2, operations: 10, errors: 0, firstError: null });
    expect(result.b).toMatchObject({ operations: 10, errors: 1, firstError: "Error: b failed at 7" });
    expect(result.c.perSecond).toBeGreaterThan(0);
  });
});
