import "server-only";
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { ffmpegBinary } from "@/lib/media/ffmpeg";
import type { Storage } from "@/lib/storage";

const run = promisify(execFile);

export function posterKeyFor(taskId: string): string {
  return `posters/${taskId}.jpg`;
}

/**
 * Writes a JPEG still of a kept video (a frame half a second in, 480 px wide) for the history.
 * Returns its storage key, or null when no frame could be made (the history then shows none).
 */
export async function makePoster(
  storage: Storage,
  videoKey: string,
  taskId: string,
): Promise<string | null> {
  const dir = await mkdtemp(path.join(tmpdir(), "wan-poster-"));
  try {
    const video = await storage.get(videoKey);
    if (!video) return null;
    const input = path.join(dir, "video.mp4");
    const output = path.join(dir, "poster.jpg");
    await pipeline(video.body, createWriteStream(input));
    // One decoding thread: for a single frame the default frame threads only add buffers
    // (measured: 57 → 44 MB of RSS for a 1080P result, 35 → 29 MB for 720P; same still).
    const args = ["-v", "error", "-ss", "0.5", "-threads", "1", "-i", input, "-frames:v", "1"];
    await run(ffmpegBinary(), [...args, "-vf", "scale=480:-2", "-q:v", "4", "-y", output], {
      timeout: 30_000,
    });
    const key = posterKeyFor(taskId);
    const { Readable } = await import("node:stream");
    await storage.put(key, Readable.from([await readFile(output)]));
    return key;
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
