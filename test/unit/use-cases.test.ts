import { describe, expect, it } from "vitest";
import type { Answer, RecordOutcome } from "../../functions/domain/answer";
import { CAMPAIGN_DEFAULTS, type Campaign } from "../../functions/domain/campaign";
import {
  CapacityExceededError,
  ConflictError,
  LinkExpiredError,
  MailRejectedError,
  NotFoundError,
} from "../../functions/domain/errors";
import {
  type DeliveryMessage,
  type DueEntry,
  type Invitation,
  type InvitationEmail,
  surveySnapshotOf,
} from "../../functions/domain/invitation";
import {
  DEFAULT_DISPATCH,
  type DispatchPorts,
  dispatchDueInvitations,
} from "../../functions/use-cases/dispatch-due-invitations";
import {
  AnswerInvalidError,
  type RecordAnswerPorts,
  recordAnswer,
} from "../../functions/use-cases/record-answer";
import { type SchedulePurchasesPorts, schedulePurchases } from "../../functions/use-cases/schedule-purchases";
import { type SendPorts, sendInvitation } from "../../functions/use-cases/send-invitation";

/**
 * The use cases alone, on in-memory fakes of their ports: the decisions each flow makes, without a
 * table or a mail server. The same flows run against DynamoDB Local and the SES emulator in
 * test/integration.
 */

const NOW = new Date("2026-11-20T12:00:00.000Z");
const clock = () => NOW;
const TOKEN = "A".repeat(24);

const campaign: Campaign = {
  ...CAMPAIGN_DEFAULTS,
  id: "cmp_AAAAAAAAAAAAAAAA",
  name: "Autumn",
  brandName: "Acme",
  senderName: "Acme",
  segmentBy: ["region"],
  attributes: [{ key: "delivery", label: "Delivery" }],
  reminderDays: 3,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

const invitation = (fields: Partial<Invitation> = {}): Invitation => ({
  token: TOKEN,
  campaignId: campaign.id,
  orderId: "o-1",
  kind: "initial",
  email: "ann@example.com",
  name: "Ann",
  locale: null,
  properties: { region: "North" },
  purchasedAt: NOW.toISOString(),
  sendAt: NOW.toISOString(),
  status: "sent",
  nextAction: null,
  dueAt: null,
  sentAt: "2026-11-19T12:00:00.000Z",
  reminderSentAt: null,
  acceptedAt: null,
  reminderAcceptedAt: null,
  sendFailures: null,
  answeredAt: null,
  unsubscribedAt: null,
  skipReason: null,
  segments: { region: "north" },
  erasedAt: null,
  survey: null,
  ...fields,
});

describe("recordAnswer", () => {
  const ports = (found: Invitation | undefined, previous?: Answer) => {
    const recorded: { answer: Answer; segments: Record<string, string>; now: Date }[] = [];
    const existing = previous && {
      ...previous,
      countedIn: [],
      token: TOKEN,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    };
    const reads = { campaigns: 0, existingPassed: [] as unknown[] };
    const value: RecordAnswerPorts = {
      clock,
      surveyLinks: { read: async () => found && { invitation: found, response: existing } },
      campaigns: {
        get: async () => {
          reads.campaigns++;
          return campaign;
        },
      },
      responses: {
        record: async (_invitation, answer, segments, now, options): Promise<RecordOutcome> => {
          recorded.push({ answer, segments, now });
          reads.existingPassed.push(options?.existing);
          return previous ? "updated" : "created";
        },
      },
      results: { resolveSegments: async (_id, _by, _properties, known) => ({ ...known }) },
    };
    return { value, recorded, reads };
  };
  const fields = (body: Record<string, unknown>) => ({ token: TOKEN, readFields: async () => body });

  it("reads the survey from the invitation when it carries one, and hands the answer read with it to record", async () => {
    const snapshot = surveySnapshotOf({ ...campaign, brandName: "Acme at sending", attributes: [] });
    const previous = { score: 3, csat: null, attributes: {}, comment: null };
    const { value, reads } = ports(invitation({ survey: snapshot }), previous);
    const result = await recordAnswer(value, fields({ score: "10" }));
    expect(result).toMatchObject({ status: "updated", page: { brandName: "Acme at sending" } });
    expect(reads.campaigns).toBe(0);
    expect(reads.existingPassed).toEqual([expect.objectContaining({ score: 3, version: 1 })]);
    // An invitation emailed before it carried its survey reads the campaign.
    const older = ports(invitation());
    await recordAnswer(older.value, fields({ score: "10" }));
    expect(older.reads.campaigns).toBe(1);
    expect(older.reads.existingPassed).toEqual([undefined]);
  });

  it("records a valid answer under the segments fixed at sending, at the clock's time", async () => {
    const { value, recorded } = ports(invitation());
    const result = await recordAnswer(value, fields({ score: "9", "attr.delivery": "4" }));
    expect(result).toMatchObject({ status: "created", page: { locale: "en", brandName: "Acme" } });
    expect(recorded).toEqual([
      {
        answer: { score: 9, csat: null, attributes: { delivery: 4 }, comment: null, complete: true },
        segments: { region: "north" },
        now: NOW,
      },
    ]);
  });

  it("treats an unknown link and one whose email is not sent yet alike, and never reads the body", async () => {
    let read = false;
    const request = {
      token: TOKEN,
      readFields: async () => {
        read = true;
        return {};
      },
    };
    await expect(recordAnswer(ports(undefined).value, request)).rejects.toBeInstanceOf(NotFoundError);
    await expect(recordAnswer(ports(invitation({ sentAt: null })).value, request)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(read).toBe(false);
  });

  it("closes the link 30 days after sending, telling the page its brand and language", async () => {
    const old = invitation({ sentAt: "2026-10-01T00:00:00.000Z", locale: "zh-Hant" });
    const refused = recordAnswer(ports(old).value, fields({ score: "9" }));
    await expect(refused).rejects.toBeInstanceOf(LinkExpiredError);
    await expect(refused).rejects.toMatchObject({ page: { locale: "zh-Hant", brandName: "Acme" } });
  });

  it("refuses an answer that does not fit the survey with the form as sent, and records nothing", async () => {
    const { value, recorded } = ports(invitation(), { score: 3, csat: null, attributes: {}, comment: null });
    const refused = recordAnswer(value, fields({ score: "12", "attr.delivery": "5", comment: "late" }));
    await expect(refused).rejects.toBeInstanceOf(AnswerInvalidError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      details: [{ field: "score" }],
      form: {
        selectedScore: null,
        attributes: [{ key: "delivery", selected: 5 }],
        comment: "late",
        isEdit: true,
      },
    });
    expect(recorded).toEqual([]);
  });
});

describe("sendInvitation", () => {
  /** What the fake store's park answers: false as if the campaign had been resumed meanwhile. */
  let parked = true;
  const due = invitation({ status: "scheduled", nextAction: "send", sentAt: null, segments: null });
  const message: DeliveryMessage = { token: TOKEN, action: "send" };
  const fake = (
    mail: (email: InvitationEmail) => Promise<string>,
    markSent: () => Promise<boolean>,
    stored: Invitation = due,
  ) => {
    const calls: string[] = [];
    const ports: SendPorts = {
      clock,
      publicBaseUrl: "https://surveys.example.com",
      campaigns: { get: async () => campaign },
      invitations: {
        get: async () => stored,
        recipient: async () => ({
          suppressed: false,
          suppressedFor: null,
          lastSentAt: null,
          lastSentPurchase: null,
        }),
        drop: async () => void calls.push("drop"),
        skip: async (_t, reason) => void calls.push(`skip:${reason}`),
        park: async () => {
          calls.push("park");
          return parked;
        },
        beginSend: async () => {
          calls.push("lock");
          return "locked";
        },
        releaseSendLock: async (_i, _a, options) =>
          void calls.push(options?.failed ? "release:failed" : "release"),
        recordAcceptance: async (_t, _a, _at, id) => void calls.push(`accepted:${id}`),
        markSent: async (_i, _at, reminder, segments) => {
          calls.push(`mark:${reminder}:${JSON.stringify(segments)}`);
          return await markSent();
        },
        markReminderSent: async () => void calls.push("markReminder"),
      },
      results: { resolveSegments: async () => ({ region: "north" }) },
      mail: {
        send: async (email) => {
          calls.push(`mail:${email.to}:${email.surveyUrl}`);
          return await mail(email);
        },
      },
    };
    return { ports, calls };
  };

  it("locks, sends with the campaign's links, and marks it sent with its reminder and segments", async () => {
    const { ports, calls } = fake(
      async () => "id",
      async () => true,
    );
    expect(await sendInvitation(ports, message)).toBe("sent");
    expect(calls).toEqual([
      "lock",
      `mail:ann@example.com:https://surveys.example.com/s/${TOKEN}`,
      "accepted:id",
      `mark:2026-11-23T12:00:00.000Z:{"region":"north"}`,
    ]);
  });

  it("gives a rejected recipient up, and hands any other send failure back to the queue unlocked", async () => {
    const rejected = fake(
      async () => {
        throw new MailRejectedError("bad address");
      },
      async () => true,
    );
    expect(await sendInvitation(rejected.ports, message)).toBe("skipped");
    expect(rejected.calls.slice(-2)).toEqual(["skip:rejected", "release"]);
    const failing = fake(
      async () => {
        throw new Error("connection reset");
      },
      async () => true,
    );
    await expect(sendInvitation(failing.ports, message)).rejects.toThrow("connection reset");
    // A failure before SES accepted counts as a failed attempt.
    expect(failing.calls.at(-1)).toBe("release:failed");
  });

  it("marks an email SES accepted on an earlier attempt, and never sends it again", async () => {
    const accepted = { ...due, acceptedAt: "2026-11-20T11:00:00.000Z" };
    const retried = fake(
      async () => "id",
      async () => true,
      accepted,
    );
    expect(await sendInvitation(retried.ports, message)).toBe("sent");
    expect(retried.calls).toEqual([`mark:2026-11-23T11:00:00.000Z:{"region":"north"}`]);
  });

  it("waits out a busy table after sending rather than sending again, and counts a mark made earlier once", async () => {
    let busy = 2;
    const retried = fake(
      async () => "id",
      async () => {
        if (busy-- > 0) throw new CapacityExceededError(true, new Error("conflict"));
        return true;
      },
    );
    expect(await sendInvitation(retried.ports, message)).toBe("sent");
    expect(retried.calls.filter((c) => c.startsWith("mail:"))).toHaveLength(1);
    expect(retried.calls.filter((c) => c.startsWith("mark:"))).toHaveLength(3);
    const already = fake(
      async () => "id",
      async () => false,
    );
    expect(await sendInvitation(already.ports, message)).toBe("dropped");
  });

  it("parks an invitation of a paused campaign, and leaves it due if the campaign was resumed meanwhile", async () => {
    const paused = fake(
      async () => "id",
      async () => true,
    );
    const ports: SendPorts = {
      ...paused.ports,
      campaigns: { get: async () => ({ ...campaign, status: "paused" }) },
    };
    expect(await sendInvitation(ports, message)).toBe("parked");
    expect(paused.calls).toEqual(["park"]);
    parked = false;
    try {
      expect(await sendInvitation(ports, message)).toBe("busy");
    } finally {
      parked = true;
    }
  });

  it("takes an invitation whose campaign is gone out of the due index, sending nothing", async () => {
    const orphan = fake(
      async () => "id",
      async () => true,
    );
    const ports: SendPorts = { ...orphan.ports, campaigns: { get: async () => undefined } };
    expect(await sendInvitation(ports, message)).toBe("dropped");
    expect(orphan.calls).toEqual(["drop"]);
  });
});

describe("dispatchDueInvitations", () => {
  const entry = (name: string, failures = 0): DueEntry => ({
    token: name.padEnd(24, "0"),
    action: "send",
    dueKey: `k-${name}`,
    failures,
  });
  const fake = (
    entries: DueEntry[],
    options: {
      depth?: number;
      held?: string[];
      taken?: string[];
      /** Parked invitation keys by campaign, and the campaigns with a resume mark. */
      parked?: Map<string, string[]>;
      resumed?: string[];
    } = {},
  ) => {
    const queued: DeliveryMessage[] = [];
    const givenUp: string[] = [];
    const unparked: string[] = [];
    const cleared: string[] = [];
    const parked = options.parked ?? new Map<string, string[]>();
    let resumed = options.resumed ?? [];
    let reads = 0;
    const ports: DispatchPorts = {
      clock,
      queue: {
        enqueue: async (messages) => void queued.push(...messages),
        depth: async () => options.depth ?? 0,
      },
      invitations: {
        findDue: async (_now, limit) => (reads++ === 0 ? entries.slice(0, limit) : []),
        claim: async (e) => (options.taken?.includes(e.token) ? "taken" : "claimed"),
        giveUp: async (e) => {
          // A sender holds it, or SES accepted it: not given up.
          if (options.held?.includes(e.token)) return false;
          givenUp.push(e.token);
          return true;
        },
        findResumed: async (limit) =>
          resumed.slice(0, limit).map((campaignId) => ({ campaignId, mark: `m-${campaignId}` })),
        findParked: async (campaignId, limit) => (parked.get(campaignId) ?? []).slice(0, limit),
        unpark: async (campaignId, key) => {
          const left = parked.get(campaignId) ?? [];
          if (!left.includes(key)) return false;
          parked.set(
            campaignId,
            left.filter((k) => k !== key),
          );
          unparked.push(key);
          return true;
        },
        clearResumeMark: async (mark) => {
          cleared.push(mark.campaignId);
          resumed = resumed.filter((id) => id !== mark.campaignId);
        },
      },
    };
    return { ports, queued, givenUp, unparked, cleared };
  };

  it("puts a resumed campaign's parked invitations back, at most so many a run, and then removes its mark", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `2026-11-01T00:00:00.000Z#tok${i}`);
    const { ports, unparked, cleared } = fake([], {
      parked: new Map([["cmp_a", [...keys]]]),
      resumed: ["cmp_a"],
    });
    const options = { ...DEFAULT_DISPATCH, maxUnparkedPerRun: 5 };
    await dispatchDueInvitations(ports, options);
    expect(unparked).toEqual(keys.slice(0, 5));
    expect(cleared).toEqual([]);
    // The rest, and then nothing left parked: the mark goes.
    await dispatchDueInvitations(ports, options);
    expect(unparked).toEqual(keys);
    expect(cleared).toEqual(["cmp_a"]);
  });

  it("queues what it claimed, leaves what another run took, and gives up only what failed five times", async () => {
    const [fresh, taken, failed, failedButHeld, failedOnce] = [
      entry("fresh"),
      entry("taken"),
      entry("failed", 5),
      entry("held", 5),
      entry("once", 1),
    ];
    const all = [fresh, taken, failed, failedButHeld, failedOnce].filter((e) => e !== undefined);
    const { ports, queued, givenUp } = fake(all, { held: [failedButHeld.token], taken: [taken.token] });
    expect(await dispatchDueInvitations(ports)).toBe(3);
    expect(queued.map((m) => m.token)).toEqual([fresh.token, failedButHeld.token, failedOnce.token]);
    expect(givenUp).toEqual([failed.token]);
  });

  it("claims no more than the queue's budget leaves room for, so a backlog waits in the due index", async () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(`e${i}`));
    const { ports, queued } = fake(entries, { depth: DEFAULT_DISPATCH.queueBudget - 7 });
    expect(await dispatchDueInvitations(ports)).toBe(7);
    expect(queued).toHaveLength(7);
    const full = fake(entries, { depth: DEFAULT_DISPATCH.queueBudget + 3 });
    expect(await dispatchDueInvitations(full.ports)).toBe(0);
  });
});

describe("schedulePurchases", () => {
  const ports = (status: Campaign["status"]) => {
    const recorded: string[] = [];
    const value: SchedulePurchasesPorts = {
      clock,
      campaigns: { getVersioned: async () => ({ campaign: { ...campaign, status }, version: 1 }) },
      invitations: { isSuppressed: async (email) => email === "gone@example.com" },
      purchases: {
        record: async (_campaign, purchase, _planned, suppressed) => {
          recorded.push(purchase.orderId);
          return suppressed ? { status: "suppressed" } : { status: "scheduled", sendAt: "x", tokens: [] };
        },
      },
    };
    return { value, recorded };
  };

  it("answers one result per item, in order: duplicates in the batch and invalid items stand alone", async () => {
    const { value, recorded } = ports("active");
    const results = await schedulePurchases(value, campaign.id, async () => ({
      purchases: [
        { orderId: "a", email: "ann@example.com" },
        { orderId: "a", email: "ann@example.com" },
        { orderId: "b", email: "not an address" },
        { orderId: "c", email: "gone@example.com" },
      ],
    }));
    expect(results.map((r) => r.status)).toEqual(["scheduled", "duplicate", "invalid", "suppressed"]);
    expect(results[2]?.error).toMatch(/^email: /);
    expect(recorded.sort()).toEqual(["a", "c"]);
  });

  it("reports an item the store could not record as failed, leaving the others recorded; a lone purchase throws", async () => {
    const { value, recorded } = ports("active");
    const record = value.purchases.record;
    const faulty: SchedulePurchasesPorts = {
      ...value,
      purchases: {
        record: async (campaign, purchase, ...rest) => {
          if (purchase.orderId === "busy") throw new CapacityExceededError(false, new Error("throttled"));
          if (purchase.orderId === "broken") throw new Error("socket hang up");
          return await record(campaign, purchase, ...rest);
        },
      },
    };
    const results = await schedulePurchases(faulty, campaign.id, async () => ({
      purchases: ["busy", "ok", "broken"].map((orderId) => ({ orderId, email: "ann@example.com" })),
    }));
    expect(results.map((r) => [r.orderId, r.status])).toEqual([
      ["busy", "failed"],
      ["ok", "scheduled"],
      ["broken", "failed"],
    ]);
    expect(recorded).toEqual(["ok"]);
    await expect(
      schedulePurchases(faulty, campaign.id, async () => ({ orderId: "busy", email: "ann@example.com" })),
    ).rejects.toBeInstanceOf(CapacityExceededError);
  });

  it("takes nothing for an archived campaign", async () => {
    const { value, recorded } = ports("archived");
    await expect(
      schedulePurchases(value, campaign.id, async () => ({ orderId: "a", email: "ann@example.com" })),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(recorded).toEqual([]);
  });
});
