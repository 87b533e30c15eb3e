import "server-only";
import { and, asc, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { logEvent } from "./log";
import { type Defer, RESULT_COPY_WINDOW_MS, refreshTask } from "./refresh";
import { MAX_RESULT_COPY_ATTEMPTS } from "./result";

/**
 * Picks up tasks nobody is watching (a closed tab, a restart), so their results are still
 * copied before the provider's link expires. Each refresh claims the row, so a sweep running
 * beside viewers, or on several instances, never doubles the gateway calls.
 */
export async function sweepTasks(origin: string, limit = 50): Promise<{ checked: number }> {
  const db = await getDb();
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
    await refreshTask(id, origin, defer).catch((error: unknown) =>
      logEvent("sweep.task_failed", {
        taskId: id,
        error: error instanceof Error ? error.message : "unknown",
      }),
    );
  }
  await Promise.allSettled(work);
  if (due.length > 0) logEvent("sweep.done", { checked: due.length });
  return { checked: due.length };
}
