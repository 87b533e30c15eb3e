import "server-only";
import { and, eq } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { isTerminal } from "@/lib/task-view";
import { canDeleteTask, ownerLabel } from "./access";
import { TaskError } from "./errors";
import { logEvent } from "./log";
import { getTaskRow } from "./refresh";

/** Said when a task has left our queue: the contract has no cancel, so it runs to its end. */
export const RUNNING_NOT_CANCELLABLE =
  "This video has already been sent to the video service, which has no cancel: it will finish, and it is billed. You can delete it once it is done.";

/**
 * Takes a task out of our queue before it was sent: it cost nothing and never will. Only
 * whoever made it, or an admin. Atomic against the queue's claim: the update only happens
 * while the row is still `waiting`, so a task claimed a moment ago (and being sent) is never
 * marked cancelled; its owner hears that it is running instead.
 */
export async function cancelTask(taskId: string, user: CurrentUser): Promise<TaskRow> {
  const row = await getTaskRow(taskId);
  if (!row) throw new TaskError("task_not_found", "There is no such video; it may be deleted.");
  if (!canDeleteTask(row, user)) {
    throw new TaskError(
      "forbidden",
      `Only ${ownerLabel(row)}, who made this video, or an admin can cancel it.`,
    );
  }
  const db = await getDb();
  const [cancelled] = await db
    .update(tasks)
    .set({
      status: "cancelled",
      idempotencyKey: null,
      nextSubmitAt: null,
      completedAt: new Date(),
      errorCode: "cancelled",
      errorMessage:
        "Cancelled while it waited in the queue: it was never sent, so it cost nothing.",
    })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, "waiting")))
    .returning();
  if (cancelled) {
    logEvent("task.cancelled", { taskId, by: row.ownerId === user.id ? "owner" : "admin" });
    return cancelled;
  }
  const now = await getTaskRow(taskId);
  if (!now) throw new TaskError("task_not_found", "There is no such video; it may be deleted.");
  if (now.status === "cancelled") return now;
  if (isTerminal(now.status)) {
    throw new TaskError(
      "not_cancellable",
      "This video is no longer waiting: it has ended already.",
    );
  }
  throw new TaskError("not_cancellable", RUNNING_NOT_CANCELLABLE);
}
