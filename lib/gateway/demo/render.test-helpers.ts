import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * Test helpers (not tests): what a render is, measured by Debian's ffprobe/ffmpeg (the tools
 * the test suites use), not by the code under test.
 */

export interface Probed {
  format: { duration: number };
  video: { codec: string; width: number; height: number; frames: number; duration: number };
  audio?: { codec: string; duration: number; sampleRate: number; channels: number };
}

export function probe(file: string): Probed {
  const out = execFileSync(
    "ffprobe",
    [
      ...["-v", "error", "-count_frames", "-print_format", "json"],
      ...["-show_format", "-show_streams", file],
    ],
    { encoding: "utf8" },
  );
  const json = JSON.parse(out) as {
    format: { duration: string };
    streams: Record<string, string | number>[];
  };
  const video = json.streams.find((s) => s.codec_type === "video");
  const audio = json.streams.find((s) => s.codec_type === "audio");
  if (!video) throw new Error(`${file} has no video stream`);
  return {
    format: { duration: Number(json.format.duration) },
    video: {
      codec: String(video.codec_name),
      width: Number(video.width),
      height: Number(video.height),
      frames: Number(video.nb_read_frames),
      duration: Number(video.duration),
    },
    audio: audio && {
      codec: String(audio.codec_name),
      duration: Number(audio.duration),
      sampleRate: Number(audio.sample_rate),
      channels: Number(audio.channels),
    },
  };
}

/** The MP4's top-level boxes in order ("ftyp", "moov", "mdat", …). */
export function topLevelBoxes(file: string): string[] {
  const bytes = readFileSync(file);
  const boxes: string[] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size === 0) size = bytes.length - at;
    if (size < 8) break;
    boxes.push(type);
    at += size;
  }
  return boxes;
}

/**
 * Frames decoded to raw RGB (one Buffer per frame), after an optional filter, e.g. scaling a
 * still to the video's size. `select` picks frames by index (`eq(n,71)`).
 */
export function rgbFrames(
  file: string,
  {
    width,
    height,
    filter,
    select,
  }: { width: number; height: number; filter?: string; select?: string },
): Buffer[] {
  const chain = [select ? `select='${select}'` : "", filter ?? ""].filter(Boolean).join(",");
  const raw = execFileSync(
    "ffmpeg",
    [
      ...["-v", "error", "-i", file],
      ...(chain ? ["-vf", chain] : []),
      ...["-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    ],
    { maxBuffer: 1024 * 1024 * 1024 },
  );
  const size = width * height * 3;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= raw.length; at += size) frames.push(raw.subarray(at, at + size));
  return frames;
}

/**
 * Mean absolute difference per channel (0–255) between two RGB frames, over the rows above
 * `skipBottom` (the burned caption sits at the bottom).
 */
export function meanDiff(a: Buffer, b: Buffer, width: number, height: number, skipBottom = 0) {
  const rows = height - skipBottom;
  let total = 0;
  for (let i = 0; i < rows * width * 3; i++) total += Math.abs(a[i] - b[i]);
  return total / (rows * width * 3);
}

/** The output's size from an input's, for a still: cover the frame, crop the middle. */
export function cover(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
}
