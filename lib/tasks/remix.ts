import "server-only";
import type { MediaRow, TaskRow } from "@/lib/db/schema";
import { getMediaRows } from "@/lib/media";
import { getTaskRow } from "./refresh";

/** A past task and the stored media it used, to prefill the studio without re-uploading. */
export async function loadRemix(
  taskId: string,
): Promise<{ task: TaskRow; media: MediaRow[] } | null> {
  const task = await getTaskRow(taskId);
  if (!task) return null;
  const rows = await getMediaRows(task.media.map((ref) => ref.mediaId));
  // Keep only media still stored, in the slot the task used them for.
  const media = rows.filter((row) =>
    task.media.some((ref) => ref.mediaId === row.id && ref.type === row.kind),
  );
  return { task, media };
}
