import { stat } from "node:fs/promises";
import path from "node:path";
import { readMediaFacts, runFfmpeg } from "./ffmpeg";

/**
 * The last `seconds` of a video as an MP4 of its own (what "Continue" sends as the next
 * video's first clip), cut exactly on a frame: the picture by stream copy when a keyframe
 * sits exactly on the cut (lossless and quick), else re-encoded from the cut (x264 at a high quality, as a
 * copy would start at the keyframe before it and repeat frames). No `server-only`: pure
 * ffmpeg work.
 */

export interface TailCut {
  file: string;
  /** Where the cut starts and ends in the source, in seconds (frame-exact). */
  fromSeconds: number;
  toSeconds: number;
  frames: number;
  /** True when the cut was a stream copy (no re-encode). */
  copied: boolean;
}

export interface CutOptions {
  timeoutMs?: number;
  threads?: number;
  /** Stops ffmpeg (a job's time limit). */
  signal?: AbortSignal;
}

/** Presentation times of the video's keyframes (decoding only those). */
async function keyframeTimes(
  video: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const { stderr } = await runFfmpeg(
    [
      ...["-v", "info", "-skip_frame", "nokey", "-i", video],
      ...["-an", "-sn", "-vf", "showinfo", "-vsync", "0", "-f", "null", "-"],
    ],
    { timeoutMs, rssSampleMs: 0, signal },
  );
  return [...stderr.matchAll(/pts_time:\s*(-?[\d.]+)/g)].map((match) => Number(match[1]));
}

export async function cutTail(
  video: string,
  seconds: number,
  dir: string,
  name = "tail.mp4",
  options: CutOptions = {},
): Promise<TailCut> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const left = () => Math.max(1, deadline - Date.now());
  const facts = await readMediaFacts(video, left());
  if (!facts.hasVideo || facts.seconds === undefined) {
    throw new Error("The video's length could not be read.");
  }
  const fps = facts.fps && facts.fps > 0 ? facts.fps : 24;
  const total = Math.round(facts.seconds * fps);
  const frames = Math.min(total, Math.round(seconds * fps));
  const first = total - frames;
  const fromSeconds = first / fps;
  const output = path.join(/*turbopackIgnore: true*/ dir, name);
  const threads = String(options.threads ?? 2);
  const tail = ["-movflags", "+faststart", "-f", "mp4", "-y", output];

  const keys = await keyframeTimes(video, left(), options.signal);
  const onKeyframe = keys.some((at) => Math.abs(at - fromSeconds) < 1 / (4 * fps));
  if (onKeyframe) {
    await runFfmpeg(
      [
        // The picture copied from the keyframe on; the sound re-encoded from the same point
        // (a copied AAC track with an edit list makes this old ffmpeg seek a GOP early).
        ...["-v", "error", "-ss", fromSeconds.toFixed(6), "-i", video],
        ...["-map", "0:v:0", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "aac", "-b:a", "192k"],
        ...tail,
      ],
      { timeoutMs: left(), rssSampleMs: 0, signal: options.signal },
    );
  } else {
    // A quarter frame early: ffmpeg's accurate seek keeps frames at or after the seek point.
    const seek = Math.max(0, fromSeconds - 1 / (4 * fps));
    await runFfmpeg(
      [
        ...["-v", "error", "-threads", threads, "-ss", seek.toFixed(6), "-i", video],
        ...["-map", "0:v:0", "-map", "0:a:0?", "-frames:v", String(frames)],
        // ultrafast at a low CRF: a 10 s 1080P cut stays well inside a request's time.
        ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p"],
        ...["-threads", threads, "-c:a", "aac", "-b:a", "192k", "-t", (frames / fps).toFixed(6)],
        ...tail,
      ],
      { timeoutMs: left(), rssSampleMs: 0, signal: options.signal },
    );
  }
  const made = await stat(output).catch(() => undefined);
  if (!made || made.size === 0) throw new Error("ffmpeg wrote no clip.");
  return { file: output, fromSeconds, toSeconds: total / fps, frames, copied: onKeyframe };
}
