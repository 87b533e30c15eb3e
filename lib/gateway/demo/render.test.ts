import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captionText, DEMO_FPS, outputSize, renderDemoVideo } from "./render";
import { cover, meanDiff, probe, rgbFrames, topLevelBoxes } from "./render.test-helpers";

// Real renders with the app's ffmpeg, measured with Debian's ffprobe/ffmpeg: the result must be
// what the request asked for (length, size, codecs, index first, audio), begin with its clip
// and end on its last frame.

const media = (name: string) => path.join(process.cwd(), "e2e/media", name);
const fontFile = path.join(process.cwd(), "lib/gateway/demo/assets/demo-caption-font.ttf");
const dir = mkdtempSync(path.join(tmpdir(), "wan-render-test-"));
const FRAME = 1 / DEMO_FPS;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("outputSize", () => {
  it("keeps the input's aspect with the tier's short side, in even sizes", () => {
    expect(outputSize(1280, 720, "720P")).toEqual({ width: 1280, height: 720 });
    expect(outputSize(1280, 720, "1080P")).toEqual({ width: 1920, height: 1080 });
    expect(outputSize(480, 640, "720P")).toEqual({ width: 720, height: 960 });
    expect(outputSize(480, 480, "1080P")).toEqual({ width: 1080, height: 1080 });
    // 1000×333 is 3.003:1; 720 × 3.003 = 2162.2 → 2162.
    expect(outputSize(1000, 333, "720P")).toEqual({ width: 2162, height: 720 });
    expect(outputSize(333, 1001, "720P")).toEqual({ width: 720, height: 2164 });
  });
});

describe("captionText", () => {
  it("says demo, with the prompt on one line, shortened", () => {
    expect(captionText(undefined)).toBe("demo");
    expect(captionText("  a fox\n runs  ")).toBe("demo · a fox runs");
    const long = captionText("word ".repeat(40));
    expect(long.length).toBeLessThanOrEqual("demo · ".length + 90);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("renderDemoVideo", () => {
  it("renders a first frame to exactly `seconds` of H.264/AAC at 720P, index first", async () => {
    const output = path.join(dir, "first-frame.mp4");
    const result = await renderDemoVideo(
      { firstFrame: media("landscape.jpg") },
      { seconds: 5, size: "720P", prompt: "a slow zoom", seed: 3 },
      output,
      { fontFile },
    );
    expect(result).toMatchObject({ width: 1280, height: 720, frames: 120 });
    const probed = probe(output);
    expect(probed.video).toMatchObject({ codec: "h264", width: 1280, height: 720, frames: 120 });
    expect(Math.abs(probed.video.duration - 5)).toBeLessThanOrEqual(FRAME);
    expect(Math.abs(probed.format.duration - 5)).toBeLessThanOrEqual(FRAME);
    expect(probed.audio).toMatchObject({ codec: "aac", sampleRate: 48_000, channels: 2 });
    expect(Math.abs((probed.audio?.duration ?? 0) - 5)).toBeLessThanOrEqual(FRAME);
    const boxes = topLevelBoxes(output);
    expect(boxes.indexOf("moov")).toBeGreaterThan(-1);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    // It moves: the first and last frames differ, and the first is the picture itself.
    const frames = rgbFrames(output, { width: 1280, height: 720 });
    const [still] = rgbFrames(media("landscape.jpg"), { width: 1280, height: 720 });
    expect(meanDiff(frames[0], still, 1280, 720, 80)).toBeLessThan(4);
    expect(meanDiff(frames[0], frames[119], 1280, 720, 80)).toBeGreaterThan(4);
    // The move is smooth: no frame jumps much further than its neighbours.
    const steps = frames.slice(1).map((frame, i) => meanDiff(frame, frames[i], 1280, 720, 80));
    expect(Math.max(...steps)).toBeLessThan(6 * (steps.reduce((a, b) => a + b) / steps.length));
    // Its temporary folder is gone.
    expect(readdirSync(dir).filter((name) => name.startsWith(".render-"))).toEqual([]);
  });

  it("ends on the last frame at 1080P, with the driving audio padded with silence", async () => {
    const output = path.join(dir, "last-frame.mp4");
    await renderDemoVideo(
      {
        firstFrame: media("portrait.png"),
        lastFrame: media("ending.png"),
        drivingAudio: media("voice.wav"), // 3 s
      },
      { seconds: 4, size: "1080P", prompt: "to the ending" },
      output,
      { fontFile },
    );
    const probed = probe(output);
    expect(probed.video).toMatchObject({ codec: "h264", width: 1080, height: 1440, frames: 96 });
    expect(Math.abs((probed.audio?.duration ?? 0) - 4)).toBeLessThanOrEqual(FRAME);
    const size = { width: 1080, height: 1440 };
    const frames = rgbFrames(output, size);
    const [ending] = rgbFrames(media("ending.png"), { ...size, filter: cover(1080, 1440) });
    const [start] = rgbFrames(media("portrait.png"), { ...size, filter: cover(1080, 1440) });
    const last = frames.at(-1) as Buffer;
    // The final frame is the last-frame input (bar the caption and the encoder's loss) …
    expect(meanDiff(last, ending, 1080, 1440, 120)).toBeLessThan(3);
    // … which is far from the first frame, so that is not luck.
    expect(meanDiff(start, ending, 1080, 1440, 120)).toBeGreaterThan(15);
    // The dissolve takes the final second: a second before the end it has not begun.
    expect(meanDiff(frames[96 - 25], ending, 1080, 1440, 120)).toBeGreaterThan(10);
    // The voice is there in the first 3 s, silence after.
    const loud = volume(output, 0, 3);
    const quiet = volume(output, 3.1, 0.9);
    expect(loud).toBeGreaterThan(-40);
    expect(quiet).toBeLessThan(-80);
  });

  it("cuts driving audio longer than the video", async () => {
    const output = path.join(dir, "cut-audio.mp4");
    await renderDemoVideo(
      { firstFrame: media("landscape.jpg"), drivingAudio: media("voice.mp3") }, // 3.1 s
      { seconds: 2, size: "720P" },
      output,
      { fontFile },
    );
    const probed = probe(output);
    expect(probed.video.frames).toBe(48);
    expect(Math.abs((probed.audio?.duration ?? 0) - 2)).toBeLessThanOrEqual(FRAME);
  });

  it("begins with the first clip and continues from its last frame", async () => {
    const output = path.join(dir, "clip.mp4");
    await renderDemoVideo(
      { firstClip: media("clip.mp4"), lastFrame: media("ending.png") }, // 3 s, 480×480, 24 fps
      { seconds: 6, size: "720P", prompt: "go on" },
      output,
      { fontFile },
    );
    const probed = probe(output);
    expect(probed.video).toMatchObject({ width: 720, height: 720, frames: 144 });
    expect(Math.abs(probed.video.duration - 6)).toBeLessThanOrEqual(FRAME);
    const size = { width: 720, height: 720 };
    const frames = rgbFrames(output, size);
    const clip = rgbFrames(media("clip.mp4"), { ...size, filter: cover(720, 720) });
    expect(clip).toHaveLength(72);
    // Frame for frame, the clip (the counter in its corner changes every frame, so a shift
    // by one would show).
    for (const [i, frame] of clip.entries()) {
      expect(meanDiff(frames[i], frame, 720, 720, 60), `frame ${i}`).toBeLessThan(4);
      if (i > 0) expect(meanDiff(frames[i], clip[i - 1], 720, 720, 60)).toBeGreaterThan(0);
    }
    // The continuation starts on the clip's last frame: no jump at the join.
    expect(meanDiff(frames[72], clip[71], 720, 720, 60)).toBeLessThan(4);
    const [ending] = rgbFrames(media("ending.png"), { ...size, filter: cover(720, 720) });
    expect(meanDiff(frames[143], ending, 720, 720, 60)).toBeLessThan(3);
  });

  it("is killed when it runs past its deadline, and leaves nothing behind", async () => {
    const output = path.join(dir, "late.mp4");
    await expect(
      renderDemoVideo(
        { firstFrame: media("landscape.jpg") },
        { seconds: 15, size: "1080P" },
        output,
        { fontFile, timeoutMs: 300 },
      ),
    ).rejects.toThrow(/longer than|ffmpeg/);
    expect(
      readdirSync(dir).filter((name) => name.startsWith(".render-") || name === "late.mp4"),
    ).toEqual([]);
  });
});

/** The mean volume (dBFS) of a stretch of the file's audio. */
function volume(file: string, start: number, seconds: number): number {
  const run = spawnSync(
    "ffmpeg",
    [
      ...["-v", "info", "-ss", String(start), "-t", String(seconds), "-i", file],
      ...["-vn", "-af", "volumedetect", "-f", "null", "-"],
    ],
    { encoding: "utf8" },
  );
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(run.stderr);
  if (!match) throw new Error(run.stderr);
  return match[1] === "-inf" ? -200 : Number(match[1]);
}
