import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { GatewayError } from "@/lib/gateway";
import { isTerminal } from "@/lib/task-view";
import { updateTask } from "./finish";
import { gatewayFor } from "./gateway";
import { logEvent } from "./log";
import { dispatchQuietly } from "./queue";
import { copyDue, keepResult } from "./result";
import { gatewayToRow } from "./state";
import { advanceQueue } from "./sweep";

/** A create still `submitting` after this long died with its server: outcome unknown. */
const SUBMIT_STALE_MS = 2 * 60 * 1000;

/** "an hour", "90 minutes", "5 seconds": how long we waited, in the timeout sentence. */
export function formatWait(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) {
    return ms === 3_600_000 ? "an hour" : plural(ms / 3_600_000, "hour");
  }
  if (ms >= 60_000) return plural(Math.round(ms / 60_000), "minute");
  return plural(Math.max(1, Math.round(ms / 1000)), "second");
}

/** Schedules work that must not hold up the answer (`after()` in route handlers). */
export type Defer = (work: () => Promise<unknown>) => void;

export async function getTaskRow(id: string): Promise<TaskRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id)).limit(1);
  return row;
}

/**
 * How long after completion a missing copy is still worth trying: the provider's result links
 * die after about 24 h, and past that every try would fail again.
 */
export const RESULT_COPY_WINDOW_MS = 26 * 3600 * 1000;

function needsGateway(row: TaskRow): boolean {
  if (row.status === "queued" || row.status === "in_progress") return true;
  const finished = row.completedAt?.getTime() ?? 0;
  // A copy that is waiting its back-off, or gave up, needs nobody to ask anything.
  return (
    row.status === "completed" && copyDue(row) && Date.now() - finished < RESULT_COPY_WINDOW_MS
  );
}

/** How late a refresh may be and still keep its beat (see claimRefresh), in intervals. */
const BEAT_TOLERANCE = 0.05;

/**
 * Claims the right to ask the gateway about a task: at most one server, once per
 * POLL_INTERVAL_MS, however many tabs or instances watch it. The claim is a conditional
 * UPDATE on the row, judged by the database's clock, so it holds across instances.
 *
 * The claims keep a steady beat: a claim made a little after its turn records its turn (the
 * last one + the interval), as long as that is at most BEAT_TOLERANCE of an interval ago, so
 * the lateness of each round (the sweeper's wake, its queries) does not add up and a task's end
 * is learnt about one interval after it, not later and later. Two asks are then never closer
 * than (1 − BEAT_TOLERANCE) × the interval. A claim later than that starts a new beat.
 */
async function claimRefresh(id: string): Promise<TaskRow | undefined> {
  const db = await getDb();
  const intervalSeconds = env().POLL_INTERVAL_MS / 1000;
  const interval = sql`make_interval(secs => ${intervalSeconds})`;
  const tolerance = sql`make_interval(secs => ${intervalSeconds * BEAT_TOLERANCE})`;
  const [claimed] = await db
    .update(tasks)
    .set({
      refreshedAt: sql`greatest(coalesce(${tasks.refreshedAt} + ${interval}, now()), now() - ${tolerance})`,
    })
    .where(
      and(
        eq(tasks.id, id),
        or(
          isNull(tasks.refreshedAt),
          lt(tasks.refreshedAt, sql`now() - make_interval(secs => ${intervalSeconds})`),
        ),
      ),
    )
    .returning();
  return claimed;
}

/** A change to the row; one that finishes the task also writes its event (finish.ts). */
async function update(id: string, changes: Partial<TaskRow>, defer?: Defer): Promise<TaskRow> {
  return (await updateTask(id, changes, defer)) as TaskRow;
}

/** A running task ended (at the gateway's word, or ours): its slot goes to the next in line now. */
function freesSlot(before: TaskRow, after: TaskRow | undefined, defer: Defer): void {
  const wasRunning = before.status === "queued" || before.status === "in_progress";
  if (!wasRunning || !after || !isTerminal(after.status)) return;
  defer(() => dispatchQuietly({ slotFreed: true }));
}

async function updateAndFree(
  before: TaskRow,
  defer: Defer,
  changes: Partial<TaskRow>,
): Promise<TaskRow> {
  const next = await update(before.id, changes, defer);
  freesSlot(before, next, defer);
  return next;
}

/**
 * Brings a task's row up to date with the gateway when it is due, and returns the row.
 * The row is the truth: a restart loses nothing, the next view picks the task up again.
 */
export async function refreshTask(id: string, defer: Defer): Promise<TaskRow | undefined> {
  const row = await getTaskRow(id);
  if (!row) return undefined;

  // Since it was claimed (a queued task may have waited long before its create left).
  const sentAt = row.refreshedAt ?? row.createdAt;
  if (row.status === "submitting" && Date.now() - sentAt.getTime() > SUBMIT_STALE_MS) {
    return update(
      id,
      {
        status: "submit_unknown",
        errorCode: "submit_interrupted",
        errorMessage:
          "The server stopped while sending this request, so we cannot tell whether the video is being made. It was not sent again, to avoid paying twice.",
      },
      defer,
    );
  }
  if (row.status === "waiting") {
    // Someone watches a task in our queue: keep the queue moving (the running tasks that are
    // due are refreshed, so a finished one frees its slot), without waiting for the sweeper.
    defer(() => advanceQueue());
    return row;
  }
  if (!needsGateway(row)) return row;
  // Most views of a running task land inside the interval: answer them from the row, without
  // the claim's write (one query instead of two, which is what many viewers on the embedded
  // database queue on; bench/polling.bench.mjs). The claim stays the judge of "due".
  if (row.refreshedAt && Date.now() - row.refreshedAt.getTime() < env().POLL_INTERVAL_MS) {
    return row;
  }

  const claimed = await claimRefresh(id);
  if (!claimed) return row;

  if (claimed.status === "completed") {
    defer(() => keepResult(claimed));
    return claimed;
  }
  if (Date.now() - claimed.createdAt.getTime() > env().TASK_TIMEOUT_MS) {
    logEvent("task.timed_out", { taskId: id });
    return updateAndFree(claimed, defer, {
      status: "failed",
      completedAt: new Date(),
      errorCode: "timeout",
      errorMessage: `The video was not ready after ${formatWait(env().TASK_TIMEOUT_MS)}, so we stopped waiting. The gateway may be overloaded; try again later.`,
    });
  }
  if (!claimed.gatewayId) return claimed;

  try {
    const video = await gatewayFor("poll").getVideo(claimed.gatewayId);
    const changes = gatewayToRow(video, claimed, {
      unknownTimeoutMs: env().UNKNOWN_STATUS_TIMEOUT_MS,
    });
    // The provider's own link: the fallback when the gateway's /content cuts a slow copy short.
    if (video.status === "completed" && video.resultUrl) changes.resultUrl = video.resultUrl;
    const next = await update(id, changes, defer);
    freesSlot(claimed, next, defer);
    if (next.status !== claimed.status) {
      logEvent("task.status", { taskId: id, from: claimed.status, to: next.status });
    }
    if (next.status === "completed") defer(() => keepResult(next));
    return next;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    logEvent("task.refresh_failed", { taskId: id, code: error.code, status: error.status });
    if (error.code === "not_found:gateway") {
      return updateAndFree(claimed, defer, {
        status: "failed",
        completedAt: new Date(),
        errorCode: "task_not_exist",
        errorMessage: "The gateway no longer knows this task. Try generating it again.",
      });
    }
    // A passing problem: keep the state, tell the viewer, try again next interval. A streak of
    // `unknown` (unknownSince) is left as it is: a read that failed says nothing either way.
    return update(id, {
      errorCode: error.code,
      errorMessage: "The gateway is not answering right now; we keep trying.",
    });
  }
}
