import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";

// Frames and clips taken from a kept video, on the embedded database and local storage: stored
// as media of the member asking (PNG / MP4, checked like uploads), with the part of the video
// they came from; nothing left behind when there is nothing to take; and a video made with a
// continued clip records its parent and the cut.

const WIDTH = 320;
const HEIGHT = 240;
const alice: CurrentUser = {
  id: "alice@example.com",
  email: "alice@example.com",
  name: "Alice",
  isAdmin: false,
};
let ffmpeg = "";
let video: Buffer;
let frames: Buffer[] = [];
let lib: typeof import("./frames");
let tasksLib: typeof import("./index");
let dbLib: typeof import("@/lib/db/client");
let schema: typeof import("@/lib/db/schema");
let storageLib: typeof import("@/lib/storage");
let tmp = "";

function decode(bytes: Buffer, name: string): Buffer[] {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  const raw = execFileSync(
    ffmpeg,
    ["-v", "error", "-i", file, "-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const size = WIDTH * HEIGHT * 3;
  const out: Buffer[] = [];
  for (let at = 0; at + size <= raw.length; at += size) out.push(raw.subarray(at, at + size));
  return out;
}

async function stored(key: string): Promise<Buffer> {
  const object = await storageLib.getStorage().get(key);
  if (!object) throw new Error(`${key} is not stored`);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let count = 0;
/** A finished task whose 5 s video is kept in storage (or not, with `kept: false`). */
async function finishedTask(kept = true): Promise<string> {
  const id = `frames_${++count}_${Date.now()}`;
  const resultKey = kept ? `results/${id}.mp4` : null;
  if (resultKey) await storageLib.getStorage().put(resultKey, Readable.from([video]));
  const db = await dbLib.getDb();
  await db.insert(schema.tasks).values({
    id,
    gatewayId: `video_${id}`,
    status: "completed",
    progress: 100,
    seconds: 5,
    size: "720P",
    prompt: "A counter counts",
    media: [{ type: "first_frame", mediaId: "m" }],
    completedAt: new Date(),
    resultKey,
    resultSeconds: kept ? 5 : null,
  });
  return id;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "wan-frames-db-"));
  process.env.DATA_DIR = tmp;
  process.env.DATABASE_URL = "";
  process.env.VIDEO_API_KEY = "";
  // Nothing answers here: a Generate in this suite is written, then fails to send.
  process.env.VIDEO_API_BASE_URL = "http://127.0.0.1:1";
  process.env.VIDEO_API_TIMEOUT_MS = "1000";
  ffmpeg = await (await import("@/lib/media/ffmpeg")).ffmpegPath();
  const source = path.join(tmp, "source.mp4");
  execFileSync(ffmpeg, [
    ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${WIDTH}x${HEIGHT}:rate=24:duration=5`],
    ...["-c:v", "libx264", "-preset", "veryfast", "-g", "1000", "-pix_fmt", "yuv420p"],
    ...["-movflags", "+faststart", "-y", source],
  ]);
  video = readFileSync(source);
  frames = decode(video, "whole.mp4");
  dbLib = await import("@/lib/db/client");
  await dbLib.getDb();
  schema = await import("@/lib/db/schema");
  storageLib = await import("@/lib/storage");
  tasksLib = await import("./index");
  lib = await import("./frames");
}, 120_000);

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("frames and clips from a kept video (embedded database)", () => {
  it("stores the exact last frame as the member's PNG first frame", async () => {
    const taskId = await finishedTask();
    const row = await lib.grabFrame(taskId, { at: "last" }, "first_frame", alice);
    expect(row).toMatchObject({
      kind: "first_frame",
      mimeType: "image/png",
      ownerId: alice.id,
      originalName: `${taskId}-last-frame.png`,
      derivedFrom: { taskId, fromSeconds: 5, toSeconds: 5 },
      probe: { width: WIDTH, height: HEIGHT },
    });
    const [frame] = decode(await stored(row.storageKey), "last.png");
    expect(frame.equals(frames[119])).toBe(true);
    expect(frame.equals(frames[118])).toBe(false);
  });

  it("refuses a video not kept yet, leaving nothing behind", async () => {
    const taskId = await finishedTask(false);
    const before = await readdir(path.join(tmp, "media")).catch(() => [] as string[]);
    await expect(lib.grabFrame(taskId, { at: "first" }, "last_frame", alice)).rejects.toMatchObject(
      {
        code: "no_result",
        message: "This video is still being copied to our storage; try again in a moment.",
      },
    );
    await expect(
      lib.grabFrame("nope_123456", { at: "first" }, "last_frame", alice),
    ).rejects.toMatchObject({
      code: "task_not_found",
    });
    expect(await readdir(path.join(tmp, "media")).catch(() => [] as string[])).toEqual(before);
    expect((await readdir(tmpdir())).filter((name) => name.startsWith("wan-derive-"))).toEqual([]);
  });

  it("cuts the last 3 s into a first clip; the video made with it records its parent", async () => {
    const taskId = await finishedTask();
    const clip = await lib.continueClip(taskId, 3, alice);
    expect(clip).toMatchObject({
      kind: "first_clip",
      mimeType: "video/mp4",
      ownerId: alice.id,
      derivedFrom: { taskId, fromSeconds: 2, toSeconds: 5 },
    });
    expect(clip.probe.durationSeconds).toBeCloseTo(3, 1);
    expect(decode(await stored(clip.storageKey), "clip.mp4")).toHaveLength(72);
    expect(lib.continuationSeconds(5, 3)).toBe(5);
    expect(lib.continuationSeconds(3, 3)).toBe(5);
    expect(lib.continuationSeconds(3, 3.015)).toBe(5);
    expect(lib.continuationSeconds(2, 3.5)).toBe(6);
    expect(lib.continuationSeconds(15, 10)).toBe(15);

    const made = await tasksLib.submitTask(
      { media: [{ type: "first_clip", mediaId: clip.id }], seconds: 5, size: "720P", prompt: "On" },
      alice,
    );
    expect(made.parentTaskId).toBe(taskId);
    expect(made.parentCut).toEqual({ fromSeconds: 2, toSeconds: 5 });
    expect(tasksLib.toTaskView(made).parent).toEqual({ taskId, fromSeconds: 2, toSeconds: 5 });
  });

  it("Continue runs as a job out of the request: checked first, then cut, its clip in the result", async () => {
    const runner = await import("@/lib/jobs/runner");
    await expect(lib.startContinue("nope_123456", 3, alice)).rejects.toMatchObject({
      code: "task_not_found",
    });
    const taskId = await finishedTask();
    const jobDirs = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith("wan-job-continue_clip-"));
    const before = await jobDirs();
    const job = await lib.startContinue(taskId, 3, alice);
    expect(job).toMatchObject({ kind: lib.CONTINUE_JOB, status: "pending", ownerId: alice.id });
    // Started at once in this process (no request here: not awaited); a sweep beside it
    // finds nothing more to claim.
    await runner.runDueJobs({ kinds: [lib.CONTINUE_JOB] });
    let done = await runner.getJob(job.id);
    for (let i = 0; i < 300 && done && !["done", "failed"].includes(done.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = await runner.getJob(job.id);
    }
    expect(done).toMatchObject({ status: "done", progress: 1, attempts: 1 });
    const { mediaId, href } = (done?.result ?? {}) as { mediaId: string; href: string };
    expect(href).toBe(`/?clip=${mediaId}`);
    const [clip] = await (await dbLib.getDb())
      .select()
      .from(schema.media)
      .where((await import("drizzle-orm")).eq(schema.media.id, mediaId));
    expect(clip).toMatchObject({
      kind: "first_clip",
      ownerId: alice.id,
      originalName: `${taskId}-last-3s.mp4`,
      derivedFrom: { taskId, fromSeconds: 2, toSeconds: 5 },
    });
    expect(decode(await stored(clip.storageKey), "clip.mp4")).toHaveLength(72);
    expect(await jobDirs()).toEqual(before);
  });
});
