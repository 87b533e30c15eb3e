import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { deliverSoon } from "@/lib/notify/deliver";
import { eventTypeFor, recordTaskEvent } from "@/lib/notify/outbox";
import { logEvent } from "./log";
import type { Defer } from "./refresh";

/**
 * Writes a change to a task's row. When the change finishes the task (completed, failed,
 * refused, outcome unknown), the team's event (lib/notify/outbox) is written in the same
 * transaction, under a lock on the row: the event exists exactly when the change does, and two
 * servers finishing one task at once write it once. Deliveries start after the commit, never
 * holding up the caller (`defer`: after the answer, in a request).
 */
export async function updateTask(
  id: string,
  changes: Partial<TaskRow>,
  defer?: Defer,
): Promise<TaskRow | undefined> {
  const db = await getDb();
  if (!changes.status || !eventTypeFor(changes.status)) {
    const [row] = await db.update(tasks).set(changes).where(eq(tasks.id, id)).returning();
    return row;
  }
  const result = await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ status: tasks.status })
      .from(tasks)
      .where(eq(tasks.id, id))
      .for("update");
    if (!before) return { row: undefined, eventId: undefined };
    const [row] = await tx.update(tasks).set(changes).where(eq(tasks.id, id)).returning();
    // Already finished before this change (a repeated read of a failed task): no new event.
    const eventId =
      row && !eventTypeFor(before.status) ? await recordTaskEvent(tx, row) : undefined;
    return { row, eventId };
  });
  if (result.eventId) {
    logEvent("notify.event", { eventId: result.eventId, taskId: id, status: changes.status });
    const deliver = () => deliverSoon();
    if (defer) defer(deliver);
    else void deliver();
  }
  return result.row;
}
