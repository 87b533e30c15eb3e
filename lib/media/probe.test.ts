import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "@/lib/storage";
import { LocalStorage } from "@/lib/storage/local";
import { type MediaKind, mediaLimits } from "@/lib/video-request";
import { MediaRejectedError } from "./errors";
import { MAX_MOOV_BYTES, probeStored, sniffType } from "./probe";
import { chunked, fixture } from "./test-media.mock";

function has(tool: string): boolean {
  try {
    execFileSync(tool, ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), "wan-probe-"));
const storage = new LocalStorage(path.join(work, "store"));

/** Stores `bytes`, sniffs and probes them as `kind`, like ingestUpload does. */
async function probe(kind: MediaKind, bytes: Buffer) {
  const key = `media/t${Math.random().toString(36).slice(2)}`;
  await storage.put(key, chunked(bytes));
  const type = await sniffType(bytes.subarray(0, 4100));
  if (!type) throw new Error("unrecognised");
  const result = await probeStored(
    storage,
    key,
    kind,
    mediaLimits[kind].category,
    type.mime,
    bytes.length,
  );
  return { mime: type.mime, probe: result };
}

function ffmpeg(args: string[], out: string): Buffer {
  const file = path.join(work, out);
  execFileSync("ffmpeg", ["-y", "-loglevel", "error", ...args, file]);
  return readFileSync(file);
}

describe("probeStored on the shared fixtures", () => {
  it("reads a JPEG's size from its header", async () => {
    expect(await probe("first_frame", fixture("landscape.jpg"))).toEqual({
      mime: "image/jpeg",
      probe: { width: 1280, height: 720 },
    });
  });

  it("reports an RGBA PNG's alpha", async () => {
    const { probe: result } = await probe("first_frame", fixture("transparent.png"));
    expect(result).toEqual({ width: 480, height: 640, hasAlpha: true });
  });
});

describe("probeStored measures what arrived and bounds its memory", () => {
  it("gives a cut-short MP3 the length of its frames, not its Info header's", async () => {
    const voice = fixture("voice.mp3");
    const whole = await probe("driving_audio", voice);
    expect(whole.probe.durationSeconds).toBeCloseTo(3.1, 1);
    const fifth = await probe("driving_audio", voice.subarray(0, Math.floor(voice.length / 5)));
    expect(fifth.probe).toEqual({ durationSeconds: 0.54 });
  });

  it("refuses an MP4 whose moov box is over the cap, before reading it", async () => {
    // An ftyp, then a moov header claiming just over the cap (its body is never read).
    const ftyp = fixture("clip.mp4").subarray(0, fixture("clip.mp4").readUInt32BE(0));
    const moov = Buffer.alloc(MAX_MOOV_BYTES + 8);
    moov.writeUInt32BE(moov.length, 0);
    moov.write("moov", 4, "latin1");
    const error = await probe("first_clip", Buffer.concat([ftyp, moov])).catch((e) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect(error.code).toBe("index_too_large");
    expect(error.message).toMatch(/^First clip: this video's index \(its moov box\) is larger/);
  });

  it("runs at most two probes at once; the others wait their turn", async () => {
    const jpeg = fixture("landscape.jpg");
    const keys = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        const key = `media/limit${index}`;
        await storage.put(key, chunked(jpeg));
        return key;
      }),
    );
    // A JPEG probe reads its head once: reads in flight = probes running.
    let reading = 0;
    let most = 0;
    const slow: Storage = Object.create(storage);
    slow.get = async (key, range) => {
      reading += 1;
      most = Math.max(most, reading);
      await new Promise((resolve) => setTimeout(resolve, 40));
      reading -= 1;
      return storage.get(key, range);
    };
    const results = await Promise.all(
      keys.map((key) => probeStored(slow, key, "first_frame", "image", "image/jpeg", jpeg.length)),
    );
    expect(results).toEqual(keys.map(() => ({ width: 1280, height: 720 })));
    expect(most).toBe(2);
  });
});

describe.skipIf(!has("ffmpeg") && !process.env.CI)(
  "probeStored on other real containers (made with ffmpeg)",
  () => {
    const src = "testsrc2=size=320x240:rate=15:duration=2.5";
    let mov: Buffer;
    let tailMoov: Buffer;
    let rotated: Buffer;
    let audioOnly: Buffer;

    beforeAll(() => {
      mov = ffmpeg(["-f", "lavfi", "-i", src, "-c:v", "libx264", "-preset", "ultrafast"], "c.mov");
      tailMoov = ffmpeg(
        ["-f", "lavfi", "-i", src, "-c:v", "libx264", "-preset", "ultrafast"],
        "t.mp4",
      );
      // ffmpeg 5 writes the display matrix on a stream copy, not while encoding.
      rotated = ffmpeg(
        ["-i", path.join(work, "t.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90"],
        "r.mp4",
      );
      audioOnly = ffmpeg(
        ["-f", "lavfi", "-i", "sine=duration=3", "-c:a", "aac", "-f", "mp4", "-brand", "isom"],
        "a.mp4",
      );
    }, 60_000);

    it("takes a MOV", async () => {
      const { mime, probe: result } = await probe("first_clip", mov);
      expect(mime).toBe("video/quicktime");
      expect(result).toMatchObject({ width: 320, height: 240 });
      expect(result.durationSeconds).toBeCloseTo(2.5, 1);
    });

    it("takes an MP4 whose index (moov) is at the end", async () => {
      expect(tailMoov.indexOf("moov")).toBeGreaterThan(tailMoov.indexOf("mdat"));
      const { probe: result } = await probe("first_clip", tailMoov);
      expect(result).toMatchObject({ width: 320, height: 240 });
      expect(result.durationSeconds).toBeCloseTo(2.5, 1);
    });

    it("refuses a moov-at-end MP4 that was cut short", async () => {
      const cut = tailMoov.subarray(0, tailMoov.length - 200);
      await expect(probe("first_clip", cut)).rejects.toBeInstanceOf(MediaRejectedError);
    });

    it("reports a quarter-turned clip the way it is seen", async () => {
      const { probe: result } = await probe("first_clip", rotated);
      expect([result.width, result.height]).toEqual([240, 320]);
    });

    it("refuses an MP4 without a video track", async () => {
      const error = await probe("first_clip", audioOnly).catch((caught: unknown) => caught);
      if (!(error instanceof MediaRejectedError)) {
        // Some ffmpeg builds brand audio-only MP4 as M4A: refused earlier, by type.
        expect((await sniffType(audioOnly))?.mime).not.toBe("video/mp4");
        return;
      }
      expect(error.code).toBe("no_video_track");
    });
  },
);

describe.skipIf(!has("convert") && !process.env.CI)(
  "probeStored on BMP and WEBP (made with ImageMagick)",
  () => {
    function convert(out: string): Buffer {
      const file = path.join(work, out);
      execFileSync("convert", ["-size", "300x500", "gradient:red-blue", file]);
      return readFileSync(file);
    }

    it("takes a BMP", async () => {
      expect(await probe("first_frame", convert("p.bmp"))).toEqual({
        mime: "image/bmp",
        probe: { width: 300, height: 500 },
      });
    });

    it("takes a WEBP", async () => {
      expect(await probe("first_frame", convert("p.webp"))).toEqual({
        mime: "image/webp",
        probe: { width: 300, height: 500 },
      });
    });
  },
);
