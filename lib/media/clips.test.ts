import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cutTail } from "./clips";
import { ffmpegPath } from "./ffmpeg";

// "Continue" sends a video's last seconds as the next first clip: the cut must start on the
// right frame and hold exactly that many frames, whether it could be a stream copy (a
// keyframe on the cut: then bit-exact) or had to be re-encoded (then the frames match their
// sources far better than their neighbours).

const dir = mkdtempSync(path.join(tmpdir(), "wan-clips-test-"));
const WIDTH = 320;
const HEIGHT = 240;
let ffmpeg = "";

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

function meanDiff(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
  return total / a.length;
}

/** 5 s at 24 fps with a frame counter and a tone; keyframes every `gop` frames. */
function source(name: string, gop: number): string {
  const file = path.join(dir, name);
  execFileSync(ffmpeg, [
    ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${WIDTH}x${HEIGHT}:rate=24:duration=5`],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=5"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-g", String(gop), "-keyint_min", String(gop)],
    ...["-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"],
    ...["-y", file],
  ]);
  return file;
}

function seconds(file: string): { video: number; audio: number } {
  const out = execFileSync(
    "ffprobe",
    ["-v", "error", "-show_entries", "stream=codec_type,duration", "-of", "json", file],
    { encoding: "utf8" },
  );
  const streams = JSON.parse(out).streams as { codec_type: string; duration: string }[];
  const of = (type: string) => Number(streams.find((s) => s.codec_type === type)?.duration);
  return { video: of("video"), audio: of("audio") };
}

beforeAll(async () => {
  ffmpeg = await ffmpegPath();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cutTail", () => {
  it("re-encodes from the exact frame when no keyframe is on the cut", async () => {
    const video = source("one-keyframe.mp4", 1000);
    const frames = decode(video);
    expect(frames).toHaveLength(120);
    const cut = await cutTail(video, 3, dir, "tail-encoded.mp4");
    expect(cut).toMatchObject({ fromSeconds: 2, toSeconds: 5, frames: 72, copied: false });
    const tail = decode(cut.file);
    expect(tail).toHaveLength(72);
    for (const [i, frame] of tail.entries()) {
      const same = meanDiff(frame, frames[48 + i]);
      expect(same, `frame ${i}`).toBeLessThan(2);
      // Its neighbours differ more (the counter and the moving pattern), so it is this one.
      if (i > 0) expect(meanDiff(frame, frames[47 + i])).toBeGreaterThan(same);
    }
    const length = seconds(cut.file);
    expect(Math.abs(length.video - 3)).toBeLessThanOrEqual(1 / 24);
    expect(Math.abs(length.audio - 3)).toBeLessThanOrEqual(0.05);
  });

  it("copies the streams, bit for bit, when a keyframe is on the cut", async () => {
    const video = source("gop-24.mp4", 24);
    const frames = decode(video);
    const cut = await cutTail(video, 3, dir, "tail-copied.mp4");
    expect(cut).toMatchObject({ fromSeconds: 2, frames: 72, copied: true });
    const tail = decode(cut.file);
    expect(tail).toHaveLength(72);
    for (const [i, frame] of tail.entries()) {
      expect(frame.equals(frames[48 + i]), `frame ${i}`).toBe(true);
    }
  });
});
