import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/**
 * Business metrics as CloudWatch embedded metric format (Powertools for AWS Lambda): one EMF line on
 * stdout per flush, turned into metrics by CloudWatch Logs, no API call and no IAM needed. Namespace
 * POWERTOOLS_METRICS_NAMESPACE (the stack sets "OpenNps"), dimension `service` (the function).
 * POWERTOOLS_METRICS_DISABLED=true turns emission off: the tests and the local runtime set it.
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
  | "AddressesSuppressed";

// Created on first use, so that a process (the local runtime) can switch it off after its imports.
let metrics: Metrics | undefined;
const instance = () =>
  (metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OpenNps" }));

export function countMetric(name: BusinessMetric, value = 1): void {
  if (value > 0) instance().addMetric(name, MetricUnit.Count, value);
}

/** Emits what was counted since the last flush: once per request or per batch. */
export function flushMetrics(): void {
  if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
}
