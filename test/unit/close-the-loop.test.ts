import { marshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { CAMPAIGN_DEFAULTS, type Campaign } from "../../functions/domain/campaign";
import {
  caseIdOf,
  caseStatsOf,
  caseUpdateSchema,
  dueAtOf,
  firstResponseCounts,
  isOverdue,
  type NewCase,
  noCaseCounts,
  type StoredCase,
} from "../../functions/domain/case";
import type { RecordedAnswer } from "../../functions/domain/counters";
import { type FollowUp, followUpSchema, meetsFollowUp } from "../../functions/domain/follow-up";
import { toTableChange } from "../../functions/events/table-stream";
import { changedItemKind } from "../../functions/store/keys";
import {
  type ChangeEvent,
  type ReactToChangePorts,
  reactToTableChange,
} from "../../functions/use-cases/react-to-table-change";

const rule = (fields: Partial<FollowUp> = {}): FollowUp =>
  followUpSchema.parse({ owners: ["care@example.com"], ...fields });

describe("alert rules", () => {
  it("fills the documented defaults and refuses what is not a rule", () => {
    expect(rule()).toEqual({
      maxScore: 6,
      maxCsat: null,
      owners: ["care@example.com"],
      targetHours: 24,
      slackWebhookUrl: null,
      only: null,
    });
    const refused = (value: unknown) => !followUpSchema.safeParse(value).success;
    expect(refused({ owners: [] })).toBe(true);
    expect(refused({ owners: ["not an address"] })).toBe(true);
    expect(refused({ owners: ["a@example.com"], maxScore: 11 })).toBe(true);
    expect(refused({ owners: ["a@example.com"], targetHours: 0 })).toBe(true);
    expect(refused({ owners: ["a@example.com"], slackWebhookUrl: "http://hooks.slack.com/x" })).toBe(true);
    expect(refused({ owners: ["a@example.com"], slackWebhookUrl: "https://u:p@hooks.slack.com/x" })).toBe(
      true,
    );
    // A receiver on this machine, for trying it out locally.
    expect(refused({ owners: ["a@example.com"], slackWebhookUrl: "http://localhost:4000/slack" })).toBe(
      false,
    );
    expect(rule({ owners: [" Care@Example.COM "] }).owners).toEqual(["care@example.com"]);
  });

  it("meets a rule by score, by satisfaction, and only with the segment values named", () => {
    expect(meetsFollowUp(rule(), { score: 6, csat: null }, {})).toBe(true);
    expect(meetsFollowUp(rule(), { score: 7, csat: 1 }, {})).toBe(false);
    expect(meetsFollowUp(rule({ maxCsat: 2 }), { score: 7, csat: 2 }, {})).toBe(true);
    expect(meetsFollowUp(rule({ maxCsat: 2 }), { score: 7, csat: null }, {})).toBe(false);
    const north = rule({ only: { region: ["north"], vip: [true] } });
    expect(meetsFollowUp(north, { score: 0, csat: null }, { region: "north", vip: true })).toBe(true);
    expect(meetsFollowUp(north, { score: 0, csat: null }, { region: "north", vip: "true" })).toBe(false);
    expect(meetsFollowUp(north, { score: 0, csat: null }, { region: "south", vip: true })).toBe(false);
  });
});

describe("cases", () => {
  it("derive their id from the response's token, one-way", () => {
    const token = "T".repeat(24);
    expect(caseIdOf(token)).toBe(caseIdOf(token));
    expect(caseIdOf(token)).toMatch(/^case_[A-Za-z0-9_-]{22}$/);
    expect(caseIdOf(token)).not.toContain(token.slice(0, 8));
    expect(caseIdOf(token)).not.toBe(caseIdOf("U".repeat(24)));
  });

  it("count a first response within its target or not, and report the figures", () => {
    const opened = { openedAt: "2026-11-01T10:00:00.000Z", dueAt: dueAtOf("2026-11-01T10:00:00.000Z", 24) };
    expect(opened.dueAt).toBe("2026-11-02T10:00:00.000Z");
    const inTime = firstResponseCounts(opened, "2026-11-01T13:00:00.000Z");
    const late = firstResponseCounts(opened, "2026-11-03T10:00:00.000Z");
    expect(inTime).toMatchObject({
      firstResponses: 1,
      firstResponsesWithinTarget: 1,
      firstResponseMs: 3 * 3_600_000,
    });
    expect(late.firstResponsesWithinTarget).toBe(0);
    const counts = { ...noCaseCounts(), opened: 3, resolved: 1 };
    for (const [key, value] of Object.entries(inTime)) counts[key as keyof typeof counts] += value;
    for (const [key, value] of Object.entries(late)) counts[key as keyof typeof counts] += value;
    expect(caseStatsOf(counts)).toEqual({
      opened: 3,
      resolved: 1,
      firstResponseWithinTarget: 0.5,
      meanHoursToFirstResponse: 25.5,
    });
    expect(caseStatsOf(noCaseCounts()).meanHoursToFirstResponse).toBeNull();
    expect(isOverdue({ status: "open", dueAt: opened.dueAt }, new Date("2026-11-02T10:00:01Z"))).toBe(true);
    expect(isOverdue({ status: "resolved", dueAt: opened.dueAt }, new Date("2026-11-09T00:00:00Z"))).toBe(
      false,
    );
  });

  it("need a resolution to resolve, and a change to make", () => {
    expect(caseUpdateSchema.safeParse({ status: "resolved" }).success).toBe(false);
    expect(caseUpdateSchema.safeParse({ status: "resolved", resolution: "  " }).success).toBe(false);
    expect(caseUpdateSchema.safeParse({ status: "resolved", resolution: "Refunded" }).success).toBe(true);
    expect(caseUpdateSchema.safeParse({ version: 3 }).success).toBe(false);
    expect(caseUpdateSchema.safeParse({ owner: "Lead@Example.com" }).data?.owner).toBe("lead@example.com");
  });
});

describe("the table stream's records", () => {
  const record = (
    eventName: "INSERT" | "MODIFY" | "REMOVE",
    keys: Record<string, string>,
    image?: object,
  ) => ({
    eventID: "e-1",
    eventName,
    dynamodb: {
      Keys: marshall(keys),
      ...(image ? { NewImage: marshall(image, { removeUndefinedValues: true }) } : {}),
      SequenceNumber: "1",
    },
  });

  it("become changes of the kinds the events function reacts to, and nothing else", () => {
    const response = { pk: "INVITATION#abc", sk: "RESPONSE" };
    expect(toTableChange(record("INSERT", response, { ...response, score: 3 }), changedItemKind)).toEqual({
      kind: "response",
      before: null,
      after: { ...response, score: 3 },
    });
    expect(toTableChange(record("REMOVE", response), changedItemKind)).toBeUndefined();
    const invitation = { pk: "INVITATION#abc", sk: "INVITATION" };
    expect(toTableChange(record("MODIFY", invitation, invitation), changedItemKind)).toBeUndefined();
    const suppression = { pk: "EMAIL#a@example.com", sk: "SUPPRESSION" };
    expect(toTableChange(record("INSERT", suppression, suppression), changedItemKind)?.kind).toBe(
      "suppression",
    );
    const opened = { pk: "CASE#case_x", sk: "CASE" };
    expect(toTableChange(record("INSERT", opened, opened), changedItemKind)?.kind).toBe("case");
    const entry = { pk: "CASE#case_x", sk: "ENTRY#2026#1" };
    expect(toTableChange(record("INSERT", entry, entry), changedItemKind)).toBeUndefined();
  });
});

describe("reacting to an answer", () => {
  const TOKEN = "A".repeat(24);
  const campaign = {
    ...CAMPAIGN_DEFAULTS,
    id: "cmp_AAAAAAAAAAAAAAAA",
    name: "Shop",
    brandName: "Acme",
    senderName: "Acme",
    segmentBy: [],
    attributes: [],
    followUp: rule(),
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
  } as Campaign;
  const image = (version: number, score: number, extra: object = {}) => ({
    pk: `INVITATION#${TOKEN}`,
    sk: "RESPONSE",
    token: TOKEN,
    campaignId: campaign.id,
    orderId: "o-1",
    email: "ana@example.com",
    name: "Ana",
    locale: null,
    properties: {},
    score,
    csat: null,
    attributes: {},
    comment: null,
    createdAt: "2026-11-20T12:00:00.000Z",
    updatedAt: `2026-11-20T12:0${version}:00.000Z`,
    version,
    ...extra,
  });

  function fakes(current: Partial<RecordedAnswer> | undefined) {
    const cases = new Map<string, StoredCase>();
    const alerts: string[] = [];
    const events: ChangeEvent[] = [];
    const ports: ReactToChangePorts = {
      changedItemKind,
      campaigns: { get: async () => campaign },
      responses: { get: async () => current as RecordedAnswer | undefined },
      cases: {
        open: async (record: NewCase) => {
          if (cases.has(record.id)) return false;
          cases.set(record.id, {
            ...record,
            status: "open",
            version: 1,
            firstResponseAt: null,
            resolvedAt: null,
            resolution: null,
            alertedAt: null,
            timeline: [],
          });
          return true;
        },
        get: async (id) => cases.get(id),
        markAlerted: async (id, at) => {
          const found = cases.get(id);
          if (!found || found.alertedAt !== null) return false;
          cases.set(id, { ...found, alertedAt: at });
          return true;
        },
        followAnswerEdit: async () => true,
      },
      alerts: {
        sendCaseAlert: async (alert) => {
          alerts.push(alert.to);
          return "m-1";
        },
      },
      slack: { postMessage: async () => ({ ok: true }) },
      announce: async (event) => {
        events.push(event);
        return 1;
      },
      publicBaseUrl: "https://surveys.example.com",
      clock: () => new Date("2026-11-20T12:10:00.000Z"),
    };
    return { ports, cases, alerts, events };
  }

  it("opens a case and alerts once, however often the record comes", async () => {
    const { ports, cases, alerts, events } = fakes({ version: 1 });
    const change = { kind: "response" as const, before: null, after: image(1, 3) };
    expect(await reactToTableChange(ports, change)).toMatchObject({ caseOpened: true, alertsSent: 1 });
    expect(await reactToTableChange(ports, change)).toMatchObject({ caseOpened: false, alertsSent: 0 });
    expect(cases.size).toBe(1);
    expect(alerts).toEqual(["care@example.com"]);
    // The event is announced each time with the same id: the deliveries dedupe on it.
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[0]).toMatchObject({
      type: "response.created",
      data: { id: expect.stringMatching(/^rsp_/) },
    });
    expect(JSON.stringify(events[0])).not.toContain(TOKEN);
  });

  it("opens nothing for a record older than the answer, an erased answer or an imported one", async () => {
    const stale = fakes({ version: 2 });
    await reactToTableChange(stale.ports, { kind: "response", before: null, after: image(1, 3) });
    expect(stale.cases.size).toBe(0);
    const erased = fakes({ version: 1, erasedAt: "2026-11-20T12:05:00.000Z" });
    await reactToTableChange(erased.ports, { kind: "response", before: null, after: image(1, 3) });
    expect(erased.cases.size).toBe(0);
    const imported = fakes({ version: 1 });
    const outcome = await reactToTableChange(imported.ports, {
      kind: "response",
      before: null,
      after: image(1, 3, { importedAt: "2026-11-20T12:00:00.000Z" }),
    });
    expect(outcome).toEqual({ caseOpened: false, caseUpdated: false, alertsSent: 0, webhookEvents: 0 });
    expect(imported.events).toEqual([]);
  });

  it("announces an unsubscribe once it is in force, and not when it is lifted", async () => {
    const { ports, events } = fakes(undefined);
    const suppression = {
      email: "ana@example.com",
      reason: "unsubscribed",
      suppressedAt: "2026-11-20T12:00:00.000Z",
    };
    await reactToTableChange(ports, { kind: "suppression", before: null, after: suppression });
    await reactToTableChange(ports, {
      kind: "suppression",
      before: suppression,
      after: { ...suppression, liftedAt: "2026-11-21T00:00:00.000Z" },
    });
    expect(events.map((e) => e.type)).toEqual(["person.unsubscribed"]);
  });
});
