/**
 * Business metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout per flush,
 * which CloudWatch Logs turns into metrics, with no API call and no IAM. Namespace METRICS_NAMESPACE
 * (the stack sets "OpenNps"), one dimension `service` (METRICS_SERVICE: the function). A dozen lines
 * of a documented format, written here rather than with Powertools, whose metrics package added about
 * 15 KB and its module initialization to every function's cold start. METRICS_DISABLED=true turns
 * emission off: the tests and the local runtime set it.
 */
export type BusinessMetric =
  | "PurchasesScheduled"
  | "PurchasesDuplicate"
  | "PurchasesSuppressed"
  | "PurchasesThrottled"
  | "PurchasesInvalid"
  | "PurchasesFailed"
  | "EmailsSent"
  | "RemindersSent"
  | "SendsSkipped"
  | "SendsFailed"
  /** Of SendsFailed, those SES refused for the campaign's or the sender's setup (MailSetupError). */
  | "SendsFailedSetup"
  | "AnswersRecorded"
  | "Unsubscribes"
  | "Resubscribes"
  | "AddressesSuppressed"
  | "CasesOpened"
  | "CasesUpdated"
  | "AlertsSent"
  | "WebhookEventsFannedOut"
  | "StreamRecordsFailed";

/** Counts since the last flush. Fewer names than EMF's 100 metrics per line, so one line holds them. */
const counts = new Map<BusinessMetric, number>();

export function countMetric(name: BusinessMetric, value = 1): void {
  if (value > 0) counts.set(name, (counts.get(name) ?? 0) + value);
}

/** Emits what was counted since the last flush, as one EMF line: once per request or per batch. */
export function flushMetrics(): void {
  if (counts.size === 0) return;
  const values = Object.fromEntries(counts);
  counts.clear();
  // Read at flush time, so that a process (the local runtime) can switch it off after its imports.
  if (process.env.METRICS_DISABLED === "true") return;
  const service = process.env.METRICS_SERVICE ?? "service_undefined";
  const record = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: process.env.METRICS_NAMESPACE ?? "OpenNps",
          Dimensions: [["service"]],
          Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
    service,
    ...values,
  };
  process.stdout.write(`${JSON.stringify(record)}\n`);
}
