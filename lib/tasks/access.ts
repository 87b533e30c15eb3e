import "server-only";
import { sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type MediaRow, type TaskRow, tasks } from "@/lib/db/schema";

/**
 * The media among `rows` this member may put in a new video:
 * - their own uploads;
 * - any media a task already used. The team shares its work (everyone sees the history and
 *   can remix anyone's video), and a remix reuses the task's stored inputs without a new
 *   upload, so once a file is in a task it is the team's.
 * Someone else's upload that no task used yet stays private: it is left out, and the caller
 * answers as for an unknown id, so its existence does not leak.
 */
export async function usableMedia(rows: MediaRow[], user: CurrentUser): Promise<MediaRow[]> {
  const foreign = rows.filter((row) => row.ownerId !== user.id);
  if (foreign.length === 0) return rows;
  const db = await getDb();
  const shared = new Set<string>();
  for (const row of foreign) {
    // jsonb containment: some task's media list holds this id.
    const [used] = await db
      .select({ id: tasks.id })
      .from(tasks)
      .where(sql`${tasks.media} @> ${JSON.stringify([{ mediaId: row.id }])}::jsonb`)
      .limit(1);
    if (used) shared.add(row.id);
  }
  return rows.filter((row) => row.ownerId === user.id || shared.has(row.id));
}

/** Who may delete a task: whoever made it, and admins. */
export function canDeleteTask(task: Pick<TaskRow, "ownerId">, user: CurrentUser): boolean {
  return user.isAdmin || task.ownerId === user.id;
}

/** The name shown for who made a task ("Local user" for work made with sign-in off). */
export function ownerLabel(task: Pick<TaskRow, "ownerId" | "ownerName">): string {
  if (task.ownerName) return task.ownerName;
  return task.ownerId === "local" ? "Local user" : task.ownerId;
}
