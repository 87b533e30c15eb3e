import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegPath } from "./ffmpeg";
import { extractFrame } from "./frames";

// The frame taken from a video is the video's own frame, pixel for pixel: compared with the
// frames of a full decode of the whole video (no seeking), both turned into RGB by the same
// ffmpeg. The video has one keyframe (its first) and B-frames, so a keyframe "near the end" or
// a frame off by one would show.

const dir = mkdtempSync(path.join(tmpdir(), "wan-frames-test-"));
const video = path.join(dir, "counter.mp4");
const WIDTH = 320;
const HEIGHT = 240;
const FPS = 24;
let ffmpeg = "";
let frames: Buffer[] = [];

/** Every frame of `file` (a video or a PNG), decoded to RGB by the app's ffmpeg. */
function decode(file: string): Buffer[] {
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

beforeAll(async () => {
  ffmpeg = await ffmpegPath();
  // 3 s at 24 fps of a picture that changes every frame (testsrc2 draws a frame counter).
  execFileSync(ffmpeg, [
    ...[
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}:duration=3`,
    ],
    ...["-c:v", "libx264", "-preset", "veryfast", "-g", "1000", "-bf", "3", "-pix_fmt", "yuv420p"],
    ...["-y", video],
  ]);
  frames = decode(video);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("extractFrame", () => {
  it("takes the exact last frame", async () => {
    expect(frames).toHaveLength(72);
    const png = await extractFrame(video, { at: "last" }, dir, "last.png");
    const [taken] = decode(png);
    expect(taken.equals(frames[71])).toBe(true);
    // Not the frame before (so equality above is not luck), nor the only keyframe.
    expect(taken.equals(frames[70])).toBe(false);
    expect(taken.equals(frames[0])).toBe(false);
  });

  it("takes the exact first frame", async () => {
    const [taken] = decode(await extractFrame(video, { at: "first" }, dir, "first.png"));
    expect(taken.equals(frames[0])).toBe(true);
  });

  it("takes the frame a player shows at a time", async () => {
    // Frame 36 is on screen from 1.5 s to 1.5417 s.
    for (const seconds of [1.5, 1.51, 1.54]) {
      const [taken] = decode(await extractFrame(video, { at: "time", seconds }, dir, "at.png"));
      expect(taken.equals(frames[36]), `at ${seconds} s`).toBe(true);
    }
    const [start] = decode(await extractFrame(video, { at: "time", seconds: 0 }, dir, "zero.png"));
    expect(start.equals(frames[0])).toBe(true);
    // At the very end (a player paused at its end reports the duration): the last frame.
    const [end] = decode(await extractFrame(video, { at: "time", seconds: 3 }, dir, "end.png"));
    expect(end.equals(frames[71])).toBe(true);
  });
});
