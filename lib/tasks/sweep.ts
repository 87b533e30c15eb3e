import "server-only";
import { and, asc, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { logEvent } from "./log";
import { dispatchQuietly, queueSnapshot } from "./queue";
import { type Defer, RESULT_COPY_WINDOW_MS, refreshTask } from "./refresh";
import { MAX_RESULT_COPY_ATTEMPTS } from "./result";

export interface SweepResult {
  checked: number;
  /** Tasks still waiting in our queue after the sweep. */
  waiting: number;
  /**
   * While tasks wait: in how many ms a running task is next due for a refresh (or the queue's
   * back-off ends), so the sweeper can look again then and a finished task frees its slot
   * within about one poll interval. Null when nothing waits.
   */
  nextInMs: number | null;
}

export interface SweepOptions {
  /**
   * Hand the round's after-work (result copies with their posters, the next dispatches) to
   * the process instead of waiting for it: a long-running server's next round, which may
   * find a finished task and free its slot, is then not held up by the copy of the last one.
   * Off where the caller must finish its work before answering (the cron route on Vercel)
   * and in tests. The work is claimed, so a later round never doubles it.
   */
  detach?: boolean;
}

/**
 * Picks up tasks nobody is watching (a closed tab, a restart), so their results are still
 * copied before the provider's link expires, and moves our queue on: sends what waits when
 * slots are free (after a restart, after a back-off), and refreshes the running tasks, whose
 * end frees a slot (refresh.ts dispatches the next one then). Each refresh claims the row, and
 * the queue's claim takes a lock, so a sweep running beside viewers, or on several instances,
 * never doubles the gateway calls nor sends a queued task twice.
 */
export async function sweepTasks(limit = 50, options: SweepOptions = {}): Promise<SweepResult> {
  const db = await getDb();
  const before = await queueSnapshot();
  // Claim only when something waits and a slot looks free (the claim counts again, locked).
  if (before.waiting > 0 && before.running < env().MAX_CONCURRENT_TASKS) await dispatchQuietly();
  const intervalSeconds = env().POLL_INTERVAL_MS / 1000;
  const due = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(
      and(
        or(
          inArray(tasks.status, ["submitting", "queued", "in_progress"]),
          and(
            inArray(tasks.status, ["completed"]),
            isNull(tasks.resultKey),
            gt(tasks.completedAt, new Date(Date.now() - RESULT_COPY_WINDOW_MS)),
            // Not a copy waiting its back-off or given up: those would fill the batch forever.
            lt(tasks.resultCopyAttempts, MAX_RESULT_COPY_ATTEMPTS),
            or(isNull(tasks.resultCopyNextAt), lte(tasks.resultCopyNextAt, sql`now()`)),
          ),
        ),
        or(
          isNull(tasks.refreshedAt),
          lt(tasks.refreshedAt, sql`now() - make_interval(secs => ${intervalSeconds})`),
        ),
      ),
    )
    .orderBy(asc(tasks.refreshedAt))
    .limit(limit);
  const work: Promise<unknown>[] = [];
  const defer: Defer = (job) => {
    work.push(job());
  };
  for (const { id } of due) {
    await refreshTask(id, defer).catch((error: unknown) =>
      logEvent("sweep.task_failed", {
        taskId: id,
        error: error instanceof Error ? error.message : "unknown",
      }),
    );
  }
  if (options.detach) {
    for (const job of work) {
      job.catch((error: unknown) =>
        logEvent("sweep.after_work_failed", {
          error: error instanceof Error ? error.message : "unknown",
        }),
      );
    }
  } else {
    await Promise.allSettled(work);
  }
  if (due.length > 0) logEvent("sweep.done", { checked: due.length });
  return { checked: due.length, ...(await nextLook(before.waiting > 0 || due.length > 0)) };
}

/** When the queue next needs a look (see SweepResult.nextInMs). */
async function nextLook(worthAsking: boolean): Promise<Omit<SweepResult, "checked">> {
  if (!worthAsking) return { waiting: 0, nextInMs: null };
  const { waiting, heldUntil, oldestRefresh } = await queueSnapshot();
  if (waiting === 0) return { waiting, nextInMs: null };
  const now = Date.now();
  const times = [
    oldestRefresh ? oldestRefresh.getTime() + env().POLL_INTERVAL_MS : undefined,
    heldUntil && heldUntil.getTime() > now ? heldUntil.getTime() : undefined,
  ].filter((time): time is number => time !== undefined);
  const next = times.length > 0 ? Math.min(...times) : now + env().POLL_INTERVAL_MS;
  return { waiting, nextInMs: Math.max(0, next - now) };
}

let advancing: Promise<void> | undefined;
let lastAdvance = 0;

/**
 * A sweep on behalf of someone watching a waiting task (refresh.ts): the queue moves while
 * people watch it, between the sweeper's rounds and without one on Vercel. Coalesced in this
 * process: one at a time, at most four a poll interval.
 */
export function advanceQueue(): Promise<void> {
  if (advancing) return advancing;
  if (Date.now() - lastAdvance < env().POLL_INTERVAL_MS / 4) return Promise.resolve();
  lastAdvance = Date.now();
  advancing = sweepTasks(50, { detach: true })
    .then(() => undefined)
    .catch((error: unknown) =>
      logEvent("queue.advance_failed", {
        error: error instanceof Error ? error.message : "unknown",
      }),
    )
    .finally(() => {
      advancing = undefined;
    });
  return advancing;
}
