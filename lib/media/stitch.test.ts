import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_FPS, renderDemoVideo } from "@/lib/gateway/demo/render";
import { meanDiff, probe, rgbFrames, topLevelBoxes } from "@/lib/gateway/demo/render.test-helpers";
import { cutTail } from "./clips";
import { stitchShots } from "./stitch";

// A real sequence made the way the studio makes one: a shot from a picture (with sound), a
// continuation of its last 2 s, and a continuation of that one's last 2 s whose sound is
// taken away. Stitched, measured with Debian's ffprobe/ffmpeg.

const media = (name: string) => path.join(process.cwd(), "e2e/media", name);
const fontFile = path.join(process.cwd(), "lib/gateway/demo/assets/demo-caption-font.ttf");
const dir = mkdtempSync(path.join(tmpdir(), "wan-stitch-test-"));
const W = 1280;
const H = 720;
const SECONDS = 4;
const CLIP = 2;
const files = {
  a: path.join(dir, "a.mp4"),
  b: path.join(dir, "b.mp4"),
  c: path.join(dir, "c.mp4"),
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await renderDemoVideo(
    { firstFrame: media("landscape.jpg"), drivingAudio: media("voice.wav") },
    { seconds: SECONDS, size: "720P", prompt: "a" },
    files.a,
    { fontFile },
  );
  const clipA = await cutTail(files.a, CLIP, dir, "clip-a.mp4");
  await renderDemoVideo(
    { firstClip: clipA.file },
    { seconds: SECONDS, size: "720P", prompt: "b" },
    files.b,
    { fontFile },
  );
  const clipB = await cutTail(files.b, CLIP, dir, "clip-b.mp4");
  const withSound = path.join(dir, "c-sound.mp4");
  await renderDemoVideo(
    { firstClip: clipB.file },
    { seconds: SECONDS, size: "720P", prompt: "c" },
    withSound,
    { fontFile },
  );
  // The last shot without a sound track.
  execFileSync("ffmpeg", ["-v", "error", "-i", withSound, "-an", "-c", "copy", "-y", files.c]);
}, 180_000);

/** Peak level (dB) of the sound between two times, by Debian's ffmpeg. */
function maxVolume(file: string, from: number, to: number): number {
  const out = spawnSync(
    "ffmpeg",
    [
      "-ss",
      String(from),
      "-t",
      String(to - from),
      "-i",
      file,
      "-vn",
      "-af",
      "volumedetect",
      "-f",
      "null",
      "-",
    ],
    { encoding: "utf8" },
  ).stderr;
  const match = /max_volume: (-?[\d.]+|-inf) dB/.exec(out);
  if (!match) throw new Error(`no volume in ${out.slice(-400)}`);
  return match[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

describe("stitchShots", () => {
  it("joins the shots without repeating the clips: length, cut frames, sound and silence", async () => {
    const fractions: number[] = [];
    const result = await stitchShots(
      [
        { file: files.a, skipSeconds: 0 },
        { file: files.b, skipSeconds: CLIP },
        { file: files.c, skipSeconds: CLIP },
      ],
      dir,
      "film.mp4",
      { onProgress: (fraction) => fractions.push(fraction) },
    );
    const perShot = SECONDS * DEMO_FPS;
    const adds = (SECONDS - CLIP) * DEMO_FPS;
    expect(result.shots.map((shot) => shot.startFrame)).toEqual([0, perShot, perShot + adds]);
    expect(result.frames).toBe(perShot + 2 * adds);

    const probed = probe(result.file);
    expect(probed.video).toMatchObject({ codec: "h264", width: W, height: H });
    // Exported length == what each shot adds, ± one frame per cut.
    expect(Math.abs(probed.video.frames - (perShot + 2 * adds))).toBeLessThanOrEqual(2);
    expect(Math.abs(probed.format.duration - (SECONDS + 2 * (SECONDS - CLIP)))).toBeLessThanOrEqual(
      3 / DEMO_FPS,
    );
    expect(probed.audio).toMatchObject({ codec: "aac", sampleRate: 48_000, channels: 2 });
    expect(Math.abs((probed.audio?.duration ?? 0) - probed.video.duration)).toBeLessThan(0.05);
    const boxes = topLevelBoxes(result.file);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));

    // At each cut: the frame before it is the parent's last frame, the frame after it the
    // child's first new frame (one encode away: a small difference only).
    const film = rgbFrames(result.file, { width: W, height: H });
    const a = rgbFrames(files.a, { width: W, height: H });
    const b = rgbFrames(files.b, { width: W, height: H });
    const c = rgbFrames(files.c, { width: W, height: H });
    const close = (x: Buffer, y: Buffer) => meanDiff(x, y, W, H, 80);
    expect(close(film[perShot - 1], a[perShot - 1])).toBeLessThan(2);
    expect(close(film[perShot], b[CLIP * DEMO_FPS])).toBeLessThan(2);
    expect(close(film[perShot + adds - 1], b[perShot - 1])).toBeLessThan(2);
    expect(close(film[perShot + adds], c[CLIP * DEMO_FPS])).toBeLessThan(2);
    // The clip is not played twice: the frame after the cut is not the clip's first frame.
    expect(close(film[perShot], b[0])).toBeGreaterThan(close(film[perShot], b[CLIP * DEMO_FPS]));

    // Sound where the first shot had its voice; silence where the last had none.
    expect(maxVolume(result.file, 0.2, 2)).toBeGreaterThan(-30);
    expect(maxVolume(result.file, SECONDS + 2 * (SECONDS - CLIP) - 1.8, 7.9)).toBeLessThan(-80);

    // Progress rose to the end.
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  }, 180_000);
});
