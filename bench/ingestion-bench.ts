import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Answer } from "../functions/domain/answer";
import type { Invitation } from "../functions/domain/invitation";
import { answerTransaction } from "../functions/store/response-store";
import { sendTransaction } from "../functions/store/transactions";
import type { LocalStack } from "./local-stack";
import { type ConcurrentRun, runConcurrent, runInRounds } from "./stats";
import type { UsageMeter } from "./usage-meter";

/**
 * Item 1, answer ingestion: first answers to sent invitations, posted as the survey page's JSON callers
 * do (`POST /s/{token}`), at 1, 16 and 64 concurrent clients; and, side by side at the same concurrency,
 * the floor: the same DynamoDB transaction ResponseStore.record issues (conditional response put,
 * invitation update, one ADD per aggregate), sent directly to DynamoDB Local with nothing around it.
 * Each answer uses its own invitation from the delivery benchmark, so every one is a first answer.
 * Each level runs in rounds in which the paths take turns, their latencies pooled per path.
 * A second reference adds what no answer can skip: the one read of the link (invitation and answer in
 * one Query, SurveyLinkStore.read) before that same transaction.
 */
export type IngestionLevel = {
  readonly clients: number;
  readonly http: ConcurrentRun;
  readonly raw: ConcurrentRun;
  readonly readAndWrite: ConcurrentRun;
};
export type IngestionResult = { readonly levels: IngestionLevel[]; readonly pageViews: ConcurrentRun };

/** Answer i: every score, satisfaction and rating in use; a comment on every tenth. */
export const answerOf = (i: number): Answer => ({
  score: i % 11,
  csat: 1 + (i % 5),
  attributes: { delivery: 1 + (i % 3) },
  comment: i % 10 === 0 ? `Answer ${i}: the parcel came a day late but the product is fine.` : null,
});

/** Answers per path sent before the timed runs. */
const WARMUP = 20;

/** Rounds each level's answers are cut into, the three paths taking turns in each (at most). */
const ROUNDS = 5;

/** Sent invitations item 1 answers: the warm-up and every level, over HTTP, raw, and read then raw. */
export function invitationsNeeded(levels: readonly { answers: number }[]): number {
  return levels.reduce((n, level) => n + 3 * level.answers, 3 * WARMUP);
}

export async function runIngestionBench(
  stack: LocalStack,
  meter: UsageMeter,
  pool: readonly Invitation[],
  options: { levels: readonly { clients: number; answers: number }[]; pageViews: number },
): Promise<IngestionResult> {
  const warmup = WARMUP;
  const wanted = invitationsNeeded(options.levels);
  if (pool.length < wanted) {
    throw new Error(`item 1 needs ${wanted} sent invitations and has ${pool.length}: raise --invitations`);
  }
  let next = 0;
  const take = (n: number) => {
    const taken = pool.slice(next, next + n);
    next += n;
    return taken;
  };

  const viaHttp = async (invitation: Invitation, answer: Answer) => {
    const response = await fetch(`${stack.baseUrl}/s/${invitation.token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(answer),
    });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('"created"')) {
      throw new Error(`POST /s/{token} answered ${response.status}: ${text.slice(0, 200)}`);
    }
  };
  const viaTransaction = async (invitation: Invitation, answer: Answer) => {
    // The product's own builder, sent as the product sends it (retrying conflicting transactions).
    const transaction = answerTransaction(
      stack.tableName,
      invitation,
      answer,
      invitation.segments ?? {},
      new Date(),
    );
    await sendTransaction(stack.db, new TransactWriteCommand(transaction));
  };
  /** Untimed connection warm-ups that change nothing: a survey page over HTTP, a link read raw. */
  const viewPage = async (invitation: Invitation) => {
    const response = await fetch(`${stack.baseUrl}/s/${invitation.token}`);
    await response.text();
  };
  const openLink = async (invitation: Invitation) => {
    await stack.stores.surveyLinks.read(invitation.token);
  };
  const viaReadAndTransaction = async (invitation: Invitation, answer: Answer) => {
    if (!(await stack.stores.surveyLinks.read(invitation.token))) throw new Error("no invitation to answer");
    await viaTransaction(invitation, answer);
  };

  // What a customer's click costs before answering: the survey page, opened from the email's score
  // link. One at a time, as one Lambda instance serves them, so their run time is a fair duration proxy.
  const viewed = pool.slice(next, next + options.pageViews);
  const pageViews = await meter.measure("survey-page", () =>
    runConcurrent(1, viewed.length, async (i) => {
      const response = await fetch(`${stack.baseUrl}/s/${viewed[i]?.token ?? ""}?score=9`);
      await response.text();
      if (response.status !== 200) throw new Error(`GET /s/{token} answered ${response.status}`);
    }),
  );

  // Warm both paths (JIT, connection pools) outside the measurement.
  const warmRaw = take(warmup);
  const warmRead = take(warmup);
  const warmHttp = take(warmup);
  await runConcurrent(4, warmup, (i) => viaTransaction(at(warmRaw, i), answerOf(i)));
  await runConcurrent(4, warmup, (i) => viaReadAndTransaction(at(warmRead, i), answerOf(i)));
  await runConcurrent(4, warmup, (i) => viaHttp(at(warmHttp, i), answerOf(i)));

  const levels: IngestionLevel[] = [];
  for (const { clients, answers } of options.levels) {
    const rawPool = take(answers);
    const readPool = take(answers);
    const httpPool = take(answers);
    // In rounds, taking turns: a pause of DynamoDB Local's JVM or of the machine would otherwise land
    // on whichever path ran then, and one pause decides a p99. Each run first opens its connections
    // from every client, untimed: 64 connections opened at once to the loopback server made some of
    // the first answers wait a second or two for theirs, and the client drops idle ones after 4 s.
    // Fewer rounds when one would give a client no answer (--quick): the level would not run at its
    // concurrency.
    const rounds = Math.max(1, Math.min(ROUNDS, Math.floor(answers / clients)));
    const { raw, readAndWrite, http } = await runInRounds(clients, answers, rounds, {
      raw: {
        op: (i) => viaTransaction(at(rawPool, i), answerOf(i)),
        around: (run) => meter.measure("answer-raw", run),
        warm: (i) => openLink(at(warmRaw, i % warmup)),
      },
      readAndWrite: {
        op: (i) => viaReadAndTransaction(at(readPool, i), answerOf(i)),
        around: (run) => meter.measure("answer-read-raw", run),
        warm: (i) => openLink(at(warmRead, i % warmup)),
      },
      http: {
        op: (i) => viaHttp(at(httpPool, i), answerOf(i)),
        around: (run) => meter.measure("answer-http", () => meter.measure(`answer-http-${clients}`, run)),
        warm: (i) => viewPage(at(warmHttp, i % warmup)),
      },
    });
    levels.push({ clients, http, raw, readAndWrite });
  }
  return { levels, pageViews };
}

const at = (pool: readonly Invitation[], i: number): Invitation => {
  const invitation = pool[i];
  if (!invitation) throw new Error(`no invitation ${i} in the pool`);
  return invitation;
};
