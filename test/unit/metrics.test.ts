import { afterEach, describe, expect, it, vi } from "vitest";

describe("business metrics", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("emits one CloudWatch EMF line per flush with the counts since the last one", async () => {
    vi.stubEnv("METRICS_DISABLED", "false");
    vi.stubEnv("METRICS_NAMESPACE", "OpenNps");
    vi.stubEnv("METRICS_SERVICE", "send");
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { countMetric, flushMetrics } = await import("../../functions/platform/metrics");
    countMetric("EmailsSent");
    countMetric("EmailsSent");
    countMetric("SendsFailed");
    countMetric("SendsSkipped", 0);
    flushMetrics();
    flushMetrics(); // nothing new: nothing emitted
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    const [record] = emf as [
      { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } } & Record<
        string,
        unknown
      >,
    ];
    expect(record._aws.CloudWatchMetrics[0]?.Namespace).toBe("OpenNps");
    expect(record._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name).sort()).toEqual([
      "EmailsSent",
      "SendsFailed",
    ]);
    // EMF may carry a metric as a list of values; CloudWatch adds them up.
    const total = (value: unknown) => [value].flat().reduce((sum: number, n) => sum + Number(n), 0);
    expect(total(record.EmailsSent)).toBe(2);
    expect(total(record.SendsFailed)).toBe(1);
    expect(record.service).toBe("send");
  });

  it("emits nothing when switched off, as in the tests and the local runtime", async () => {
    vi.stubEnv("METRICS_DISABLED", "true");
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const { countMetric, flushMetrics } = await import("../../functions/platform/metrics");
    countMetric("AnswersRecorded");
    flushMetrics();
    expect(write).not.toHaveBeenCalled();
  });
});
