import "server-only";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { CurrentUser } from "@/lib/auth/user";
import type { MediaRow } from "@/lib/db/schema";
import { extractFrame, type FramePick } from "@/lib/media/frames";
import { mediaStorageKey, newMediaId } from "@/lib/media/ids";
import { insertMediaRow } from "@/lib/media/ingest";
import { createLimiter } from "@/lib/media/limiter";
import { verifyStoredMedia } from "@/lib/media/verify";
import { getStorage, type Storage } from "@/lib/storage";
import { TaskError } from "./errors";
import { logEvent } from "./log";
import { getTaskRow } from "./refresh";

export type { FramePick };

/** The studio slots a frame can go to. */
export type FrameSlot = "first_frame" | "last_frame";

/**
 * At most one frame grab per core at once: each decodes at most a second or so of one video
 * (the kept result, already in our storage) and writes one PNG, so it fits in a request.
 */
const grabs = createLimiter(Math.max(1, availableParallelism()));

function frameName(taskId: string, pick: FramePick): string {
  if (pick.at === "time") return `${taskId}-frame-${pick.seconds.toFixed(2)}s.png`;
  return `${taskId}-${pick.at}-frame.png`;
}

/**
 * A frame of a kept video, stored as a PNG media of the member asking, for `slot` of a new
 * video. Any member may take one from any video (the team shares its work, as with remix);
 * the frame is theirs. Checked like an upload (verifyStoredMedia): a frame that is not a
 * usable first or last frame (too small, say) is refused in the same words.
 */
export async function grabFrame(
  taskId: string,
  pick: FramePick,
  slot: FrameSlot,
  user: Pick<CurrentUser, "id">,
  options: { storage?: Storage } = {},
): Promise<MediaRow> {
  const task = await getTaskRow(taskId);
  if (!task) throw new TaskError("task_not_found", "There is no such video.");
  if (task.status !== "completed") {
    throw new TaskError("no_result", "This video is not finished, so it has no frames yet.");
  }
  if (!task.resultKey) {
    throw new TaskError(
      "no_result",
      "This video is still being copied to our storage; try again in a moment.",
    );
  }
  const storage = options.storage ?? getStorage();
  const resultKey = task.resultKey;
  return grabs.run(async () => {
    const started = Date.now();
    const dir = await mkdtemp(path.join(tmpdir(), "wan-frame-"));
    const id = newMediaId();
    const key = mediaStorageKey(id);
    try {
      const stored = await storage.get(resultKey);
      if (!stored) throw new TaskError("no_result", "This video's file is missing from storage.");
      const video = path.join(dir, "video.mp4");
      await pipeline(stored.body, createWriteStream(video));
      const png = await extractFrame(video, pick, dir);
      await storage.put(key, createReadStream(png));
      const verified = await verifyStoredMedia(storage, key, slot);
      const row = await insertMediaRow({
        id,
        kind: slot,
        storageKey: key,
        name: frameName(task.id, pick),
        ownerId: user.id,
        ...verified,
      });
      logEvent("media.frame_taken", {
        taskId: task.id,
        mediaId: id,
        at: pick.at === "time" ? pick.seconds : pick.at,
        bytes: verified.bytes,
        ms: Date.now() - started,
      });
      return row;
    } catch (error) {
      await storage.delete(key).catch(() => {});
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
