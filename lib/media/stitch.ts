import { stat } from "node:fs/promises";
import path from "node:path";
import { type MediaFacts, readMediaFacts, runFfmpeg } from "./ffmpeg";

/**
 * A sequence's shots stitched into one MP4 (issue 10, "Export"). Each shot plays from
 * `skipSeconds` on (a continued shot begins with its parent's last seconds, which the parent
 * has just played), cut on the exact frame: the picture is decoded and trimmed by frame
 * number, then re-encoded once for the whole film (a stream copy can only cut on keyframes,
 * and shots need not share their encoding). Sound is carried shot by shot, cut at the same
 * point, and padded or cut to its shot's picture so nothing drifts; a shot without sound adds
 * silence. H.264/AAC, `+faststart`. No `server-only`: pure ffmpeg work (the bench times it).
 */

export interface StitchShot {
  file: string;
  /** Seconds at the start of this shot that are left out (its parent's clip). */
  skipSeconds: number;
}

export interface StitchOptions {
  /** Killed after this long (default: 60 s plus 6 s per second of output). */
  timeoutMs?: number;
  threads?: number;
  signal?: AbortSignal;
  /** 0..1 as the film is written. */
  onProgress?: (fraction: number) => void;
}

export interface StitchedShot {
  /** Frames of the shot left out, and kept. */
  skipFrames: number;
  frames: number;
  /** Index of its first frame in the film. */
  startFrame: number;
  hasAudio: boolean;
}

export interface StitchResult {
  file: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  seconds: number;
  shots: StitchedShot[];
  wallMs: number;
  peakRssKb: number;
}

const SAMPLE_RATE = 48_000;

export async function stitchShots(
  shots: StitchShot[],
  dir: string,
  name = "export.mp4",
  options: StitchOptions = {},
): Promise<StitchResult> {
  if (shots.length === 0) throw new Error("A film needs at least one shot.");
  const started = Date.now();
  const facts: MediaFacts[] = [];
  for (const shot of shots) facts.push(await readMediaFacts(shot.file, 15_000));
  const first = facts[0];
  if (!first.width || !first.height) throw new Error("The first shot has no picture.");
  const width = first.width;
  const height = first.height;
  const fps = first.fps && first.fps > 0 ? first.fps : 24;

  const planned: StitchedShot[] = [];
  let at = 0;
  facts.forEach((fact, index) => {
    if (!fact.hasVideo || fact.seconds === undefined) {
      throw new Error(`Shot ${index + 1} has no picture, or its length cannot be read.`);
    }
    const own = fact.fps && fact.fps > 0 ? fact.fps : fps;
    const total = Math.round(fact.seconds * own);
    const skip = Math.min(Math.max(0, Math.round(shots[index].skipSeconds * own)), total - 1);
    // Counted at the film's rate (a shot at another rate is resampled to it).
    const frames = Math.max(1, Math.round(((total - skip) / own) * fps));
    planned.push({ skipFrames: skip, frames, startFrame: at, hasAudio: fact.hasAudio });
    at += frames;
  });
  const totalFrames = at;
  const seconds = totalFrames / fps;

  const chains: string[] = [];
  const pads: string[] = [];
  planned.forEach((shot, index) => {
    const length = (shot.frames / fps).toFixed(6);
    const own = facts[index].fps && (facts[index].fps as number) > 0 ? facts[index].fps : fps;
    chains.push(
      [
        `[${index}:v:0]trim=start_frame=${shot.skipFrames}`,
        "setpts=PTS-STARTPTS",
        ...(own !== fps ? [`fps=${fps}`] : []),
        `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
        "setsar=1",
        "format=yuv420p",
        `trim=end_frame=${shot.frames}[v${index}]`,
      ].join(","),
    );
    const format = `aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
    chains.push(
      shot.hasAudio
        ? `[${index}:a:0]atrim=start=${(shot.skipFrames / own).toFixed(6)},asetpts=PTS-STARTPTS,${format},apad,atrim=end=${length}[a${index}]`
        : `anullsrc=channel_layout=stereo:sample_rate=${SAMPLE_RATE},${format},atrim=end=${length}[a${index}]`,
    );
    pads.push(`[v${index}][a${index}]`);
  });
  chains.push(`${pads.join("")}concat=n=${shots.length}:v=1:a=1[v][a]`);

  const output = path.join(/*turbopackIgnore: true*/ dir, name);
  const threads = String(options.threads ?? 2);
  const run = await runFfmpeg(
    [
      // `-threads` before an `-i` is that input's: each shot's decoder gets it (given once,
      // only the first shot's did; the others took as many as ffmpeg picks, and more memory).
      ...["-v", "error"],
      ...shots.flatMap((shot) => ["-threads", threads, "-i", shot.file]),
      ...["-filter_complex", chains.join(";"), "-map", "[v]", "-map", "[a]"],
      ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"],
      ...["-r", String(fps), "-threads", threads],
      ...["-c:a", "aac", "-b:a", "192k", "-ar", String(SAMPLE_RATE)],
      ...["-movflags", "+faststart", "-f", "mp4", "-y", output],
    ],
    {
      timeoutMs: options.timeoutMs ?? 60_000 + 6_000 * seconds,
      signal: options.signal,
      onProgress: options.onProgress
        ? (done) => options.onProgress?.(Math.min(1, done / seconds))
        : undefined,
    },
  );
  const made = await stat(output).catch(() => undefined);
  if (!made || made.size === 0) throw new Error("ffmpeg wrote no film.");
  return {
    file: output,
    width,
    height,
    fps,
    frames: totalFrames,
    seconds,
    shots: planned,
    wallMs: Date.now() - started,
    peakRssKb: run.peakRssKb,
  };
}
