import "server-only";
import { and, eq } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { comments, reviewStates, shareLinks, takeSets, tasks } from "@/lib/db/schema";
import { getStorage } from "@/lib/storage";
import { canDeleteTask, ownerLabel } from "./access";
import { TaskError } from "./errors";
import { logEvent } from "./log";
import { posterKeyFor } from "./poster";
import { getTaskRow } from "./refresh";
import { resultKeyFor } from "./result";

/**
 * Deletes a task for good: its row, its kept video and its poster. Only whoever made it, or
 * an admin. The inputs stay: other tasks and remixes may use them. A task still running at
 * the gateway is only forgotten here (the gateway has no cancel).
 */
export async function deleteTask(taskId: string, user: CurrentUser): Promise<void> {
  const row = await getTaskRow(taskId);
  if (!row) {
    throw new TaskError("task_not_found", "There is no such video; it may be deleted already.");
  }
  if (!canDeleteTask(row, user)) {
    throw new TaskError(
      "forbidden",
      `Only ${ownerLabel(row)}, who made this video, or an admin can delete it.`,
    );
  }
  const db = await getDb();
  // A picked take that goes clears its set's pick, in the same transaction: no set is left
  // pointing at a video that is gone (lib/takes reads the take `for share` to pick it).
  const gone = await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(tasks).where(eq(tasks.id, taskId)).returning();
    if (deleted?.takeSetId) {
      await tx
        .update(takeSets)
        .set({ pickedTaskId: null, pickedBy: null, pickedAt: null })
        .where(eq(takeSets.pickedTaskId, taskId));
    }
    if (deleted) {
      // Its review goes with it, and its share links stop opening anything at once.
      await tx
        .delete(comments)
        .where(and(eq(comments.targetKind, "task"), eq(comments.targetId, taskId)));
      await tx.delete(reviewStates).where(eq(reviewStates.taskId, taskId));
      await tx
        .delete(shareLinks)
        .where(and(eq(shareLinks.targetKind, "task"), eq(shareLinks.targetId, taskId)));
    }
    return deleted;
  });
  if (!gone) {
    throw new TaskError("task_not_found", "There is no such video; it may be deleted already.");
  }
  // Both keys by name too: a copy that was landing as we deleted writes to these.
  const keys = new Set(
    [gone.resultKey, gone.posterKey, resultKeyFor(taskId), posterKeyFor(taskId)].filter(
      (key): key is string => Boolean(key),
    ),
  );
  const storage = getStorage();
  for (const key of keys) {
    await storage.delete(key).catch((error: unknown) =>
      logEvent("task.delete_file_failed", {
        taskId,
        error: error instanceof Error ? error.name : "unknown",
      }),
    );
  }
  logEvent("task.deleted", { taskId, by: row.ownerId === user.id ? "owner" : "admin" });
}
