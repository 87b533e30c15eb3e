import "server-only";
import { Readable, Transform } from "node:stream";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { probeStored } from "@/lib/media/probe";
import { getStorage } from "@/lib/storage";
import { gatewayFor } from "./gateway";
import { logEvent } from "./log";
import { makePoster } from "./poster";

export function resultKeyFor(taskId: string): string {
  return `results/${taskId}.mp4`;
}

/** Passes bytes through, failing the stream unless they start like an MP4 (`ftyp` box). */
function requireMp4(): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 8) return callback();
        checked = true;
        if (head.subarray(4, 8).toString("latin1") !== "ftyp") {
          return callback(new Error("The gateway's content is not an MP4 file."));
        }
        return callback(null, head);
      }
      callback(null, chunk);
    },
    flush(callback) {
      callback(checked ? null : new Error("The gateway's content is too short to be a video."));
    },
  });
}

/**
 * Copies a completed task's video from the gateway into our storage, because the provider's
 * links expire (~24 h). Streamed, never buffered whole. On failure the row stays without a
 * result key: the player keeps streaming through our server and the next refresh retries.
 */
export async function keepResult(row: TaskRow): Promise<void> {
  if (!row.gatewayId || row.resultKey) return;
  const started = Date.now();
  try {
    const response = await gatewayFor("copy").downloadVideoContent(row.gatewayId);
    if (!response.body) throw new Error("The gateway sent no content.");
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
    const key = resultKeyFor(row.id);
    const checked = requireMp4();
    body.on("error", (error) => checked.destroy(error));
    const storage = getStorage();
    const { size } = await storage.put(key, body.pipe(checked));
    const db = await getDb();
    await db.update(tasks).set({ resultKey: key, resultBytes: size }).where(eq(tasks.id, row.id));
    logEvent("task.result_kept", { taskId: row.id, bytes: size, ms: Date.now() - started });
    await describeResult(row.id, key, size);
  } catch (error) {
    logEvent("task.result_copy_failed", {
      taskId: row.id,
      error: error instanceof Error ? error.message : "unknown",
    });
  }
}

/** Records the kept video's length and a poster frame; neither is worth failing the copy. */
async function describeResult(taskId: string, key: string, size: number): Promise<void> {
  const storage = getStorage();
  const probe = await probeStored(storage, key, "first_clip", "video", "video/mp4", size).catch(
    () => null,
  );
  const posterKey = await makePoster(storage, key, taskId);
  const db = await getDb();
  await db
    .update(tasks)
    .set({ resultSeconds: probe?.durationSeconds ?? null, posterKey })
    .where(eq(tasks.id, taskId));
  if (!posterKey) logEvent("task.poster_failed", { taskId });
}
