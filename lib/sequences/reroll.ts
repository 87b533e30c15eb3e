import "server-only";
import { and, asc, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type SequenceShotRow, sequenceShots, sequences, type TaskRow } from "@/lib/db/schema";
import { isTerminal } from "@/lib/task-view";
import { getTaskRow, refreshTask, submitTask } from "@/lib/tasks";
import { TaskError } from "@/lib/tasks/errors";
import {
  CONTINUE_SECONDS_DEFAULT,
  CONTINUE_SECONDS_MAX,
  CONTINUE_SECONDS_MIN,
  continueClip,
} from "@/lib/tasks/frames";
import { logEvent } from "@/lib/tasks/log";
import { checkBatchSpend, SPEND_LOCK } from "@/lib/tasks/spend";
import type { SubmitTx } from "@/lib/tasks/submit";
import type { MediaRef } from "@/lib/video-request";
import { SequenceError } from "./errors";
import { shotFigures } from "./model";
import { lockSequences, shotsWithTasks } from "./store";
import { outOfDateRun } from "./view";

/** A step's lease: a sweeper cutting a clip and submitting holds the shot this long. */
const LEASE_MS = 2 * 60_000;
/** Tries at one shot's step (a cut, a create) before it is marked failed. */
export const MAX_REROLL_ATTEMPTS = 3;

/**
 * "Re-roll from here": the out-of-date shots after `fromPosition` are made again, in order,
 * each continuing the (new) shot before it with its own settings. Budgets and the rate limit
 * are checked once, for all of them together, under the lock submissions take: all are
 * approved or none, with the numbers. Then each shot is marked `pending`; the sweeper
 * (advanceRerolls) makes them one after the other, as each previous shot's video is kept.
 */
export async function startReroll(
  sequenceId: string,
  fromPosition: number,
  user: CurrentUser,
): Promise<{ shots: number }> {
  const db = await getDb();
  const count = await db.transaction(async (tx) => {
    // The budget lock first, then the sequences': the order a continuation's submit takes them.
    await tx.execute(sql`select pg_advisory_xact_lock(${SPEND_LOCK})`);
    await lockSequences(tx);
    const rows = await shotsWithTasks(sequenceId, tx);
    if (rows.length === 0) {
      throw new SequenceError("sequence_not_found", "There is no such sequence.");
    }
    if (rows.some(({ shot }) => shot.rerollStatus === "pending")) {
      throw new SequenceError("reroll_busy", "This sequence is already being re-rolled.");
    }
    const first = outOfDateRun(
      shotFigures(rows.map(({ shot, task }) => task ?? { ...gone, id: shot.taskId })),
    );
    if (first === null || first - 1 !== fromPosition) {
      throw new SequenceError(
        "nothing_to_reroll",
        "Nothing after this shot is out of date any more. Reload the page.",
      );
    }
    const later = rows.slice(first);
    const settings = later.map(({ task }) => task);
    if (settings.some((task) => !task)) {
      throw new SequenceError(
        "nothing_to_reroll",
        "A later shot's video was deleted, so its settings are gone: it cannot be re-rolled.",
      );
    }
    await checkBatchSpend(tx, user.id, settings as TaskRow[], new Date(), "shots");
    await tx
      .update(sequenceShots)
      .set({
        rerollStatus: "pending",
        rerollError: null,
        rerollBy: user.id,
        rerollByName: user.name ?? user.email,
        rerollAttempts: 0,
        rerollNextAt: null,
      })
      .where(and(eq(sequenceShots.sequenceId, sequenceId), gte(sequenceShots.position, first)));
    await tx.update(sequences).set({ updatedAt: new Date() }).where(eq(sequences.id, sequenceId));
    return later.length;
  });
  logEvent("sequence.reroll_started", { sequenceId, fromPosition, shots: count });
  return { shots: count };
}

const gone = {
  status: "failed" as const,
  seconds: 0,
  resultSeconds: 0,
  parentTaskId: null,
  parentCut: null,
};

/** The cut length a shot was made with (whole seconds, as "Continue" offers them). */
export function cutSecondsOf(task: Pick<TaskRow, "parentCut">): number {
  if (!task.parentCut) return CONTINUE_SECONDS_DEFAULT;
  const length = Math.round(task.parentCut.toSeconds - task.parentCut.fromSeconds);
  return Math.min(CONTINUE_SECONDS_MAX, Math.max(CONTINUE_SECONDS_MIN, length));
}

async function failFrom(shot: SequenceShotRow, sentence: string): Promise<void> {
  const db = await getDb();
  await db
    .update(sequenceShots)
    .set({ rerollStatus: "failed", rerollError: sentence, rerollNextAt: null })
    .where(
      and(
        eq(sequenceShots.sequenceId, shot.sequenceId),
        gte(sequenceShots.position, shot.position),
        eq(sequenceShots.rerollStatus, "pending"),
      ),
    );
  logEvent("sequence.reroll_failed", {
    sequenceId: shot.sequenceId,
    position: shot.position,
    reason: sentence,
  });
}

/** Puts the new take in the shot's place, in the transaction that writes it. */
function swapIn(shot: SequenceShotRow) {
  return async (tx: SubmitTx, takes: readonly { id: string }[]) => {
    await lockSequences(tx);
    await tx
      .update(sequenceShots)
      .set({ taskId: takes[0].id, rerollStatus: null, rerollError: null, rerollNextAt: null })
      .where(
        and(
          eq(sequenceShots.sequenceId, shot.sequenceId),
          eq(sequenceShots.position, shot.position),
        ),
      );
    await tx
      .update(sequences)
      .set({ updatedAt: new Date() })
      .where(eq(sequences.id, shot.sequenceId));
  };
}

/** One shot's step: its clip cut from the shot before it, then its new take submitted. */
async function rerollShot(shot: SequenceShotRow, before: TaskRow): Promise<void> {
  const old = await getTaskRow(shot.taskId);
  if (!old) {
    await failFrom(shot, "This shot's video was deleted, so it could not be re-rolled.");
    return;
  }
  const owner = shot.rerollBy ?? old.ownerId;
  const user: CurrentUser = {
    id: owner,
    email: owner,
    name: shot.rerollByName,
    isAdmin: false,
  };
  const clip = await continueClip(before.id, cutSecondsOf(old), user);
  const media: MediaRef[] = [
    { type: "first_clip", mediaId: clip.id },
    ...old.media.filter((ref) => ref.type !== "first_clip"),
  ];
  // Its own settings, seed included: the re-roll differs from the old take by its first clip.
  await submitTask(
    {
      media,
      seconds: old.seconds,
      size: old.size,
      prompt: old.prompt ?? undefined,
      negativePrompt: old.negativePrompt ?? undefined,
      seed: old.seed ?? undefined,
      promptExtend: old.promptExtend ?? undefined,
      watermark: old.watermark ?? undefined,
    },
    user,
    { prepaid: true, afterInsert: swapIn(shot) },
  );
  logEvent("sequence.shot_rerolled", { sequenceId: shot.sequenceId, position: shot.position });
}

/**
 * The sweeper's part of a re-roll: for each sequence, its first pending shot goes once the
 * shot before it has a kept video (that shot's task is refreshed here when due, so no tab
 * needs to watch it). A step claims its shot with a lease, so two sweepers never make one
 * shot twice; a failing step is retried with back-off, then marked failed with its sentence
 * (and the shots after it with it). Everything is in the database: a restart loses nothing.
 */
export async function advanceRerolls(): Promise<{ started: number; pending: number }> {
  const db = await getDb();
  const pending = await db
    .select()
    .from(sequenceShots)
    .where(eq(sequenceShots.rerollStatus, "pending"))
    .orderBy(asc(sequenceShots.sequenceId), asc(sequenceShots.position));
  const heads = pending.filter(
    (shot, index) => index === 0 || pending[index - 1].sequenceId !== shot.sequenceId,
  );
  let started = 0;
  for (const shot of heads) {
    const [previous] = await db
      .select()
      .from(sequenceShots)
      .where(
        and(
          eq(sequenceShots.sequenceId, shot.sequenceId),
          eq(sequenceShots.position, shot.position - 1),
        ),
      );
    let before = previous ? await getTaskRow(previous.taskId) : undefined;
    if (before && !isTerminal(before.status)) {
      const work: Promise<unknown>[] = [];
      before = (await refreshTask(before.id, (job) => work.push(job()))) ?? before;
      await Promise.allSettled(work);
    } else if (before?.status === "completed" && !before.resultKey) {
      before = (await refreshTask(before.id, () => {})) ?? before;
    }
    if (!before || (isTerminal(before.status) && before.status !== "completed")) {
      await failFrom(
        shot,
        `Shot ${shot.position} did not finish, so shot ${shot.position + 1} could not continue it.`,
      );
      continue;
    }
    if (before.status !== "completed" || !before.resultKey) continue;
    const [claimed] = await db
      .update(sequenceShots)
      .set({
        rerollNextAt: new Date(Date.now() + LEASE_MS),
        rerollAttempts: sql`${sequenceShots.rerollAttempts} + 1`,
      })
      .where(
        and(
          eq(sequenceShots.sequenceId, shot.sequenceId),
          eq(sequenceShots.position, shot.position),
          eq(sequenceShots.rerollStatus, "pending"),
          or(isNull(sequenceShots.rerollNextAt), lte(sequenceShots.rerollNextAt, new Date())),
        ),
      )
      .returning();
    if (!claimed) continue;
    try {
      await rerollShot(claimed, before);
      started += 1;
    } catch (error) {
      const sentence =
        error instanceof TaskError || error instanceof SequenceError
          ? error.message
          : "The shot could not be made.";
      if (claimed.rerollAttempts >= MAX_REROLL_ATTEMPTS || error instanceof TaskError) {
        await failFrom(claimed, sentence);
      } else {
        await db
          .update(sequenceShots)
          .set({ rerollNextAt: new Date(Date.now() + 5_000 * claimed.rerollAttempts) })
          .where(
            and(
              eq(sequenceShots.sequenceId, claimed.sequenceId),
              eq(sequenceShots.position, claimed.position),
              eq(sequenceShots.rerollStatus, "pending"),
            ),
          );
        logEvent("sequence.reroll_retry", {
          sequenceId: claimed.sequenceId,
          position: claimed.position,
          error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
        });
      }
    }
  }
  return { started, pending: pending.length - started };
}
