import "server-only";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { CurrentUser } from "@/lib/auth/user";
import type { JobRow, MediaDerivation, MediaRow, TaskRow } from "@/lib/db/schema";
import { enqueueJob, JobError, registerJobKind } from "@/lib/jobs/runner";
import { runJobsSoon } from "@/lib/jobs/sweeper";
import { cutTail } from "@/lib/media/clips";
import { MediaRejectedError } from "@/lib/media/errors";
import { extractFrame, type FramePick } from "@/lib/media/frames";
import { mediaStorageKey, newMediaId } from "@/lib/media/ids";
import { insertMediaRow } from "@/lib/media/ingest";
import { createLimiter } from "@/lib/media/limiter";
import { verifyStoredMedia } from "@/lib/media/verify";
import { getStorage, type Storage } from "@/lib/storage";
import type { MediaKind } from "@/lib/video-request";
import { TaskError } from "./errors";
import { logEvent } from "./log";
import { getTaskRow } from "./refresh";

export type { FramePick };

/** The studio slots a frame can go to. */
export type FrameSlot = "first_frame" | "last_frame";

/** How many seconds "Continue" may carry over as the next first clip, and its default. */
export const CONTINUE_SECONDS_MIN = 2;
export const CONTINUE_SECONDS_MAX = 10;
export const CONTINUE_SECONDS_DEFAULT = 3;

/**
 * At most one frame grab or cut per core at once in this process. A frame grab decodes about a
 * second of one kept video (our own result, at most 15 s): well under a second, so it runs in
 * the request. A cut re-encodes up to 10 s (8–15 s at 1080P): a job (CONTINUE_JOB).
 */
const work = createLimiter(Math.max(1, availableParallelism()));

interface Made {
  file: string;
  name: string;
  fromSeconds: number;
  toSeconds: number;
}

/** A kept video something can be taken from, or the sentence saying why not. */
async function derivableTask(taskId: string): Promise<TaskRow & { resultKey: string }> {
  const task = await getTaskRow(taskId);
  if (!task) throw new TaskError("task_not_found", "There is no such video.");
  if (task.status !== "completed") {
    throw new TaskError("no_result", "This video is not finished, so there is nothing to take.");
  }
  const resultKey = task.resultKey;
  if (!resultKey) {
    throw new TaskError(
      "no_result",
      "This video is still being copied to our storage; try again in a moment.",
    );
  }
  return { ...task, resultKey };
}

interface DeriveOptions {
  storage?: Storage;
  /** A folder to work in that the caller removes (a job's); else one made and removed here. */
  dir?: string;
  /** After the video is read (0.2) and after it is made (0.8). */
  progress?: (fraction: number) => Promise<void>;
}

/**
 * Something made from a kept video (`make` writes it into a temporary folder), stored as a
 * media of the member asking, for slot `kind`, checked like an upload (verifyStoredMedia: a
 * result that is no usable first frame or first clip is refused in the same words), with the
 * part of the video it came from. Any member may take from any video (the team shares its
 * work, as with remix); what is taken is theirs. Temporary files go on every path.
 */
async function deriveMedia(
  taskId: string,
  kind: MediaKind,
  user: Pick<CurrentUser, "id">,
  make: (video: string, dir: string, task: TaskRow) => Promise<Made>,
  options: DeriveOptions = {},
): Promise<MediaRow> {
  const storage = options.storage ?? getStorage();
  const task = await derivableTask(taskId);
  const { resultKey } = task;
  return work.run(async () => {
    const started = Date.now();
    const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), "wan-derive-")));
    const id = newMediaId();
    const key = mediaStorageKey(id);
    try {
      const stored = await storage.get(resultKey);
      if (!stored) throw new TaskError("no_result", "This video's file is missing from storage.");
      const video = path.join(dir, "video.mp4");
      await pipeline(stored.body, createWriteStream(video));
      await options.progress?.(0.2);
      const made = await make(video, dir, task);
      await options.progress?.(0.8);
      await storage.put(key, createReadStream(made.file));
      const verified = await verifyStoredMedia(storage, key, kind);
      const derivedFrom: MediaDerivation = {
        taskId: task.id,
        fromSeconds: made.fromSeconds,
        toSeconds: made.toSeconds,
      };
      const row = await insertMediaRow({
        id,
        kind,
        storageKey: key,
        name: made.name,
        ownerId: user.id,
        derivedFrom,
        ...verified,
      });
      logEvent("media.derived", {
        taskId: task.id,
        mediaId: id,
        kind,
        from: made.fromSeconds,
        to: made.toSeconds,
        bytes: verified.bytes,
        ms: Date.now() - started,
      });
      return row;
    } catch (error) {
      await storage.delete(key).catch(() => {});
      throw error;
    } finally {
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    }
  });
}

/** The exact frame `pick` of a kept video, as a PNG for `slot` of a new video. */
export function grabFrame(
  taskId: string,
  pick: FramePick,
  slot: FrameSlot,
  user: Pick<CurrentUser, "id">,
  options: { storage?: Storage } = {},
): Promise<MediaRow> {
  return deriveMedia(
    taskId,
    slot,
    user,
    async (video, dir, task) => {
      const file = await extractFrame(video, pick, dir);
      const length = task.resultSeconds ?? task.seconds;
      const at = pick.at === "first" ? 0 : pick.at === "last" ? length : pick.seconds;
      const name =
        pick.at === "time"
          ? `${task.id}-frame-${pick.seconds.toFixed(2)}s.png`
          : `${task.id}-${pick.at}-frame.png`;
      return { file, name, fromSeconds: at, toSeconds: at };
    },
    { storage: options.storage },
  );
}

/**
 * "Continue": the last `seconds` of a kept video, cut exactly, as the first clip of the next
 * video. The task made with it records this video as its parent (submit.ts).
 */
export function continueClip(
  taskId: string,
  seconds: number,
  user: Pick<CurrentUser, "id">,
  options: DeriveOptions & { signal?: AbortSignal } = {},
): Promise<MediaRow> {
  return deriveMedia(
    taskId,
    "first_clip",
    user,
    async (video, dir, task) => {
      const cut = await cutTail(video, seconds, dir, "tail.mp4", { signal: options.signal });
      return {
        file: cut.file,
        name: `${task.id}-last-${seconds}s.mp4`,
        fromSeconds: Number(cut.fromSeconds.toFixed(4)),
        toSeconds: Number(cut.toSeconds.toFixed(4)),
      };
    },
    options,
  );
}

/** The job kind that makes a Continue clip out of the request (lib/jobs). */
export const CONTINUE_JOB = "continue_clip";

interface ContinuePayload {
  taskId: string;
  seconds: number;
  userId: string;
}

/** What a finished Continue job holds: the clip, and where the studio opens with it. */
export interface ContinueJobResult {
  mediaId: string;
  href: string;
}

registerJobKind<ContinuePayload, ContinueJobResult>(CONTINUE_JOB, {
  ffmpeg: true,
  // A 10 s 1080P cut re-encodes in 8–15 s on 2 cores; the download and the checks add a few.
  timeoutMs: 90_000,
  maxAttempts: 2,
  run: async ({ payload, progress, signal, tempDir }) => {
    try {
      const row = await continueClip(
        payload.taskId,
        payload.seconds,
        { id: payload.userId },
        { dir: tempDir, progress, signal },
      );
      return { mediaId: row.id, href: `/?${new URLSearchParams({ clip: row.id })}` };
    } catch (error) {
      // The member's sentence, as the action answered before (no use trying again).
      if (error instanceof TaskError || error instanceof MediaRejectedError) {
        throw new JobError(error.message);
      }
      throw error;
    }
  },
  failure: () => "The end of this video could not be cut. Please try again.",
});

/**
 * "Continue", out of the request: checks the video can be continued (the same sentences as
 * before), then queues the cut as a job and starts it; the page polls /api/jobs/[id].
 */
export async function startContinue(
  taskId: string,
  seconds: number,
  user: Pick<CurrentUser, "id">,
): Promise<JobRow> {
  await derivableTask(taskId);
  const job = await enqueueJob({
    kind: CONTINUE_JOB,
    payload: { taskId, seconds, userId: user.id } satisfies ContinuePayload,
    ownerId: user.id,
  });
  runJobsSoon();
  return job;
}

/**
 * The length to preset for a continuation of `parentSeconds` with a `clipSeconds` clip: the
 * parent's own length, but at least what adds 2 s to the clip, within the model's 15 s.
 */
export function continuationSeconds(parentSeconds: number, clipSeconds: number): number {
  // A clip's container runs a little past its last frame (AAC priming: 3 s reads 3.015 s).
  const clip = Math.ceil(clipSeconds - 0.05);
  return Math.min(15, Math.max(parentSeconds, clip + 2));
}
