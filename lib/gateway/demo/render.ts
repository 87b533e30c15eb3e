import { mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type FfmpegRun, readMediaFacts, runFfmpeg } from "@/lib/media/ffmpeg";
import type { VideoSize } from "@/lib/video-request";

/**
 * The demo's "model": a real render of the request with ffmpeg, so a result can be checked
 * against its inputs (length, size, first and last frames, audio) and a new user sees their
 * own picture move. What it makes:
 * - from a first frame, a slow zoom (with a drift chosen by the seed, so takes differ);
 * - from a first clip, the clip itself, then the same move from the clip's last frame;
 * - with a last frame, a cross-dissolve over the final second onto it: the last frames are
 *   the last-frame input;
 * - the driving audio (or the clip's own sound) as its audio track, cut or padded with
 *   silence to `seconds`; silence when there is none;
 * - `seconds` long at 24 fps, short side 720 or 1080, the input's aspect in even sizes,
 *   H.264/AAC with the index first (`+faststart`), and "demo · <prompt>" burned in small at
 *   the bottom so nobody takes it for the model's work.
 * This module is pure planning plus one ffmpeg run; renders.ts queues and stores them.
 */

export const DEMO_FPS = 24;
const SAMPLE_RATE = 48_000;
/** The still is scaled to this multiple of the output before zoompan, whose crop is whole pixels. */
const OVERSAMPLE = 2;

export interface RenderInputs {
  firstFrame?: string;
  lastFrame?: string;
  firstClip?: string;
  drivingAudio?: string;
}

export interface RenderSpec {
  seconds: number;
  size: VideoSize;
  prompt?: string;
  seed?: number;
}

export interface RenderOptions {
  /** The font drawtext uses (the binary has no system fonts it can rely on). */
  fontFile: string;
  /** Killed after this long (default: 20 s plus 4 s per second of video). */
  timeoutMs?: number;
  /** ffmpeg's threads (default 2: the machines this runs on have 2 cores). */
  threads?: number;
  signal?: AbortSignal;
}

export interface RenderResult extends FfmpegRun {
  width: number;
  height: number;
  frames: number;
}

const SHORT_SIDE: Record<VideoSize, number> = { "720P": 720, "1080P": 1080 };

const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

/** The output size: the tier's short side, the input's aspect, both sides even. */
export function outputSize(
  width: number,
  height: number,
  size: VideoSize,
): { width: number; height: number } {
  const short = SHORT_SIDE[size] ?? SHORT_SIDE["720P"];
  if (width >= height) return { width: even((short * width) / height), height: short };
  return { width: short, height: even((short * height) / width) };
}

const CAPTION_MAX = 90;

/** "demo · <prompt>", on one line, shortened with an ellipsis. */
export function captionText(prompt?: string): string {
  const clean = (prompt ?? "").replace(/\s+/g, " ").trim();
  if (!clean) return "demo";
  const short =
    clean.length > CAPTION_MAX ? `${clean.slice(0, CAPTION_MAX - 1).trimEnd()}…` : clean;
  return `demo · ${short}`;
}

/** A value inside a filter's options, then inside the graph (ffmpeg-filters § 4.1). */
function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** The camera's drift for a seed: straight in, or in while sliding toward one side. */
export function driftFor(seed = 0): { x: number; y: number } {
  const drifts = [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: -1, y: 0 },
    { x: 0, y: 1 },
    { x: 0, y: -1 },
  ];
  return drifts[Math.abs(Math.trunc(seed)) % drifts.length];
}

/**
 * A slow zoom over one still (`label` in, `out` out): `frames` frames (more are made as
 * slack; the graph trims at the end), easing in and out (smoothstep), from 1× to at most
 * 1.25×, starting exactly on the still (so a clip's continuation has no jump).
 */
function zoomMove(
  label: string,
  out: string,
  frames: number,
  width: number,
  height: number,
  seed: number | undefined,
): string {
  const span = Math.max(1, frames - 1);
  const depth = Math.min(0.25, 0.04 + (0.02 * frames) / DEMO_FPS).toFixed(4);
  const { x, y } = driftFor(seed);
  const p = `min(on/${span},1)`;
  const ease = `(${p}*${p}*(3-2*${p}))`;
  const bigW = width * OVERSAMPLE;
  const bigH = height * OVERSAMPLE;
  return [
    `[${label}]scale=${bigW}:${bigH}:force_original_aspect_ratio=increase`,
    `crop=${bigW}:${bigH}`,
    "setsar=1",
    "format=yuv420p",
    `zoompan=z='1+${depth}*${ease}'` +
      `:x='(iw-iw/zoom)*(0.5+${0.5 * x}*${ease})'` +
      `:y='(ih-ih/zoom)*(0.5+${0.5 * y}*${ease})'` +
      `:d=${frames + DEMO_FPS}:s=${width}x${height}:fps=${DEMO_FPS}`,
    `setpts=N/${DEMO_FPS}/TB[${out}]`,
  ].join(",");
}

export interface RenderPlan {
  args: string[];
  width: number;
  height: number;
  frames: number;
}

export interface PlanFacts {
  /** The picture the render's aspect comes from (first frame or first clip). */
  width: number;
  height: number;
  /** The first clip's length and whether it has sound. */
  clipSeconds?: number;
  clipHasAudio?: boolean;
  /** The first clip's last frame, extracted beforehand (a still). */
  clipLastFrame?: string;
}

/** The ffmpeg arguments for one render (`output` is written; `captionFile` holds the text). */
export function planRender(
  inputs: RenderInputs,
  spec: RenderSpec,
  facts: PlanFacts,
  files: { output: string; captionFile: string; fontFile: string; threads: number },
): RenderPlan {
  const { width, height } = outputSize(facts.width, facts.height, spec.size);
  const frames = Math.round(spec.seconds * DEMO_FPS);
  const args: string[] = ["-v", "error", "-threads", String(files.threads)];
  const graph: string[] = [];
  let index = 0;
  const input = (file: string, before: string[] = []) => {
    args.push(...before, "-i", file);
    return index++;
  };
  const cover = `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1`;

  let audio: string | undefined;
  if (inputs.firstClip) {
    if (!facts.clipLastFrame) throw new Error("A first clip needs its last frame extracted.");
    const clip = input(inputs.firstClip);
    const still = input(facts.clipLastFrame);
    const clipFrames = Math.min(frames, Math.round((facts.clipSeconds ?? 0) * DEMO_FPS));
    graph.push(
      `[${clip}:v]fps=${DEMO_FPS},${cover},format=yuv420p,trim=end_frame=${frames},setpts=PTS-STARTPTS[head]`,
    );
    graph.push(zoomMove(`${still}:v`, "tail", frames - clipFrames, width, height, spec.seed));
    graph.push("[head][tail]concat=n=2:v=1:a=0[move]");
    if (facts.clipHasAudio) audio = `${clip}:a`;
  } else if (inputs.firstFrame) {
    const first = input(inputs.firstFrame);
    graph.push(zoomMove(`${first}:v`, "move", frames, width, height, spec.seed));
  } else {
    throw new Error("A render needs a first frame or a first clip.");
  }

  let picture = "move";
  if (inputs.lastFrame) {
    const last = input(inputs.lastFrame);
    // The dissolve ends two frames early so the final frames are the last frame itself
    // (fade's alpha reaches 255 only at its end).
    const dissolve = Math.min(DEMO_FPS, frames);
    const start = (frames - dissolve) / DEMO_FPS;
    const length = Math.max(1, dissolve - 2) / DEMO_FPS;
    graph.push(
      `[${last}:v]${cover},format=yuva420p,loop=loop=${frames + DEMO_FPS}:size=1:start=0,` +
        `setpts=N/${DEMO_FPS}/TB,fade=t=in:st=${start.toFixed(4)}:d=${length.toFixed(4)}:alpha=1[end]`,
    );
    graph.push("[move][end]overlay=format=yuv420:eof_action=endall[ended]");
    picture = "ended";
  }

  const fontSize = Math.round(Math.min(width, height) / 30);
  graph.push(
    `[${picture}]trim=end_frame=${frames},` +
      `drawtext=fontfile='${filterValue(files.fontFile)}':textfile='${filterValue(files.captionFile)}'` +
      `:expansion=none:fontsize=${fontSize}:fontcolor=white@0.92:box=1:boxcolor=black@0.5` +
      `:boxborderw=${Math.round(fontSize / 3)}:x=(w-tw)/2:y=h-th-${Math.round(fontSize * 0.9)},` +
      "format=yuv420p[v]",
  );

  const samples = Math.round(spec.seconds * SAMPLE_RATE);
  if (inputs.drivingAudio) audio = `${input(inputs.drivingAudio)}:a`;
  if (audio) {
    graph.push(
      `[${audio}]aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo,` +
        `apad,atrim=end_sample=${samples}[a]`,
    );
  } else {
    const silence = input(`anullsrc=r=${SAMPLE_RATE}:cl=stereo`, ["-f", "lavfi"]);
    graph.push(`[${silence}:a]atrim=end_sample=${samples}[a]`);
  }

  // ultrafast: on 2 busy cores it is the quickest and leanest (a 15 s 1080P render in ~5 s
  // and ~85 MB against veryfast's ~7.5 s and ~240 MB); its files are larger, which a demo
  // can afford.
  args.push(
    ...["-filter_complex", graph.join(";"), "-map", "[v]", "-map", "[a]"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p"],
    ...["-r", String(DEMO_FPS), "-threads", String(files.threads)],
    ...["-c:a", "aac", "-b:a", "128k", "-ar", String(SAMPLE_RATE), "-ac", "2"],
    ...["-movflags", "+faststart", "-f", "mp4", "-y", files.output],
  );
  return { args, width, height, frames };
}

/**
 * Renders `inputs` (files already on disk and checked) to `output`. Its temporary files (the
 * caption, a clip's last frame, the render until it is whole) live in a folder next to
 * `output` that is removed on every path; a render that runs too long is killed.
 */
export async function renderDemoVideo(
  inputs: RenderInputs,
  spec: RenderSpec,
  output: string,
  options: RenderOptions,
): Promise<RenderResult> {
  const threads = options.threads ?? 2;
  const timeoutMs = options.timeoutMs ?? 20_000 + 4_000 * spec.seconds;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const work = await mkdtemp(path.join(path.dirname(output), ".render-"));
  try {
    const captionFile = path.join(work, "caption.txt");
    await writeFile(captionFile, captionText(spec.prompt));
    const source = inputs.firstClip ?? inputs.firstFrame;
    if (!source) throw new Error("A render needs a first frame or a first clip.");
    const seen = await readMediaFacts(source, left());
    if (!seen.width || !seen.height) throw new Error("The first frame or clip has no picture.");
    const facts: PlanFacts = { width: seen.width, height: seen.height };
    if (inputs.firstClip) {
      facts.clipSeconds = seen.seconds;
      facts.clipHasAudio = seen.hasAudio;
      facts.clipLastFrame = await extractLastFrame(inputs.firstClip, work, left(), threads);
    }
    const made = path.join(work, "render.mp4");
    const plan = planRender(inputs, spec, facts, {
      output: made,
      captionFile,
      fontFile: options.fontFile,
      threads,
    });
    const run = await runFfmpeg(plan.args, { timeoutMs: left(), signal: options.signal });
    // Only a whole render reaches `output`; a killed one dies with the folder.
    await rename(made, output);
    return { ...run, width: plan.width, height: plan.height, frames: plan.frames };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The exact last frame of a video, as a lossless still in `dir`: decode from a second before
 * the end and keep overwriting one file, so what remains is the last decoded frame (not a
 * keyframe near it). Falls back to decoding from the start when the stated duration is off.
 */
export async function extractLastFrame(
  video: string,
  dir: string,
  timeoutMs: number,
  threads = 2,
  name = "last-frame.bmp",
): Promise<string> {
  const still = path.join(/*turbopackIgnore: true*/ dir, name);
  const args = (seek: string[]) => [
    ...["-v", "error", "-threads", String(threads), ...seek, "-i", video],
    ...["-an", "-sn", "-update", "1", "-f", "image2", "-y", still],
  ];
  await runFfmpeg(args(["-sseof", "-1"]), { timeoutMs, rssSampleMs: 0 });
  const made = await stat(still).catch(() => undefined);
  if (made && made.size > 0) return still;
  await runFfmpeg(args([]), { timeoutMs, rssSampleMs: 0 });
  return still;
}
