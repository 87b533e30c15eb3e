import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { measureMpegAudio, parseFrameHeader } from "./mpeg-frames";
import { fixture } from "./test-media.mock";

const work = mkdtempSync(path.join(os.tmpdir(), "wan-mpeg-"));

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function measure(bytes: Buffer, chunk = 64 * 1024) {
  return measureMpegAudio(pieces(bytes, chunk), bytes.length);
}

/** What ffprobe says the stream lasts (it trusts a Xing header, so whole files only). */
function ffprobeSeconds(bytes: Buffer, name: string): number {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  const out = execFileSync(
    "ffprobe",
    ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file],
    { encoding: "utf8" },
  );
  return Number(out.trim());
}

function encode(name: string, args: string[]): Buffer {
  const file = path.join(work, name);
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, file]);
  return readFileSync(file);
}

describe("parseFrameHeader", () => {
  it("reads an MPEG-2 layer III header (the voice fixture: 16 kHz, 32 kbit/s)", () => {
    const voice = fixture("voice.mp3");
    // The first frame is the encoder's Info frame (40 kbit/s here); sound follows it.
    const info = voice.indexOf(Buffer.from([0xff, 0xf3]));
    expect(parseFrameHeader(voice, info)?.length).toBe(180);
    expect(parseFrameHeader(voice, info + 180)).toMatchObject({
      version: 2,
      layer: 3,
      sampleRate: 16000,
      samples: 576,
      length: 144,
    });
  });

  it("refuses free-format, reserved and non-sync bytes", () => {
    expect(parseFrameHeader(Buffer.from([0xff, 0xfb, 0x00, 0x00]))).toBeUndefined();
    expect(parseFrameHeader(Buffer.from([0xff, 0xfb, 0xf0, 0x00]))).toBeUndefined();
    expect(parseFrameHeader(Buffer.from([0xff, 0xfb, 0x9c, 0x00]))).toBeUndefined();
    expect(parseFrameHeader(Buffer.from([0xfe, 0xfb, 0x90, 0x00]))).toBeUndefined();
  });
});

describe("measureMpegAudio", () => {
  const voice = fixture("voice.mp3");

  it("measures a whole file as its header says (the info frame is not counted)", async () => {
    const whole = await measure(voice);
    expect(whole?.seconds).toBeCloseTo(ffprobeSeconds(voice, "voice.mp3"), 1);
  });

  it("measures the first 20% of a file as what arrived, not what its Xing header says", async () => {
    const cut = voice.subarray(0, Math.floor(voice.length * 0.2));
    const measured = await measure(cut);
    // 2,521 bytes: the ID3 tag, the Info frame, then 15 whole frames of 144 bytes (36 ms).
    expect(measured).toEqual({ frames: 15, seconds: expect.closeTo(0.54, 3) });
  });

  it("gives the same answer whatever the stream's chunk size", async () => {
    const expected = await measure(voice);
    for (const chunk of [1, 3, 143, 145, 4096]) {
      expect(await measure(voice, chunk)).toEqual(expected);
    }
  });

  it("skips damage between frames without counting it, and a trailing ID3v1 tag", async () => {
    const whole = (await measure(voice))?.frames ?? 0;
    const headerAt = voice.indexOf(Buffer.from([0xff, 0xf3]), 2000);
    const damaged = Buffer.concat([
      voice.subarray(0, headerAt),
      Buffer.from([0xff, 0xff, 0xff, 0x00, 0x12]),
      voice.subarray(headerAt),
      Buffer.concat([Buffer.from("TAG"), Buffer.alloc(125, 0xff)]),
    ]);
    expect((await measure(damaged))?.frames).toBe(whole);
  });

  it("measures MPEG-1 layer III and layer II made by ffmpeg", async () => {
    const sine = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2.5"];
    const mp3 = encode("s.mp3", [...sine, "-c:a", "libmp3lame", "-b:a", "128k"]);
    const mp2 = encode("s.mp2", [...sine, "-c:a", "mp2", "-b:a", "192k"]);
    expect((await measure(mp3))?.seconds).toBeCloseTo(ffprobeSeconds(mp3, "m.mp3"), 1);
    expect((await measure(mp2))?.seconds).toBeCloseTo(2.5, 1);
  });

  it("finds nothing in bytes that only look like frames", async () => {
    expect(await measure(Buffer.alloc(5000, 0xff))).toBeUndefined();
    expect(await measure(Buffer.from("ID3 not really an mp3"))).toBeUndefined();
  });
});
