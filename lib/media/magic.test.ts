import { fileTypeFromBuffer } from "file-type";
import { describe, expect, it } from "vitest";
import { normaliseMime } from "./limits";
import {
  imageIsWhole,
  mp4LayoutIsWhole,
  pngHeaderAlpha,
  sniffMagic,
  wavHeaderSeconds,
} from "./magic";
import { fixture, makePng, makeWav } from "./test-media.mock";

const reader = (bytes: Buffer) => async (start: number, end: number) =>
  new Uint8Array(bytes.subarray(start, end));

describe("sniffMagic (the browser's sniffer) agrees with file-type (the server's)", () => {
  const samples: [string, Buffer][] = [
    ...(
      [
        "portrait.png",
        "landscape.jpg",
        "voice.wav",
        "voice.mp3",
        "clip.mp4",
        "not-an-image.png",
      ] as const
    ).map((name): [string, Buffer] => [name, fixture(name)]),
    ["gif", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1")],
    ["pdf", Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(100, 32)])],
    ["html", Buffer.from("<!doctype html><html><body>hi</body></html>")],
    ["svg", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    [
      "svg with an XML prolog",
      Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
    ["bmp", Buffer.concat([Buffer.from("BM"), Buffer.alloc(60)])],
    ["mov", Buffer.concat([Buffer.from("\0\0\0\x14ftypqt  \0\0\0\0qt  ", "latin1")])],
    ["zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0])],
    ["empty", Buffer.alloc(0)],
  ];

  it.each(samples)("%s", async (_name, bytes) => {
    const server = await fileTypeFromBuffer(bytes);
    const browser = sniffMagic(new Uint8Array(bytes));
    expect(browser?.ext).toBe(server?.ext);
    expect(browser && normaliseMime(browser.mime)).toBe(server && normaliseMime(server.mime));
  });
});

describe("header rules shared with the server's probe", () => {
  it("reads PNG transparency from the header: alpha channel, tRNS, or neither", () => {
    expect(pngHeaderAlpha(fixture("portrait.png"))).toBe(false);
    expect(pngHeaderAlpha(fixture("transparent.png"))).toBe(true);
    expect(pngHeaderAlpha(makePng(480, 640, { colourType: 3, trns: true }))).toBe(true);
    expect(pngHeaderAlpha(makePng(480, 640, { colourType: 3 }))).toBe(false);
    expect(pngHeaderAlpha(fixture("portrait.png").subarray(0, 20))).toBeUndefined();
  });

  it("times a PCM WAV from its header", () => {
    expect(wavHeaderSeconds(fixture("voice.wav"), fixture("voice.wav").length)).toBeCloseTo(3, 3);
    expect(wavHeaderSeconds(makeWav(45.2), makeWav(45.2).length)).toBeCloseTo(45.2, 3);
    expect(wavHeaderSeconds(fixture("voice.mp3"), 1000)).toBeUndefined();
  });

  it("finds a whole MP4 whole, and a cut or headerless one damaged", async () => {
    const clip = fixture("clip.mp4");
    expect(await mp4LayoutIsWhole(reader(clip), clip.length)).toBe(true);
    const cut = clip.subarray(0, clip.length - 100);
    expect(await mp4LayoutIsWhole(reader(cut), cut.length)).toBe(false);
    expect(await mp4LayoutIsWhole(reader(clip.subarray(0, 40)), 40)).toBe(false);
  });
});

describe("imageIsWhole: a picture cut short is found out by its bytes", () => {
  const whole = (mime: string, bytes: Buffer) => imageIsWhole(mime, reader(bytes), bytes.length);

  it("PNG: IEND at the end", async () => {
    expect(await whole("image/png", fixture("portrait.png"))).toBe(true);
    const png = fixture("portrait.png");
    expect(await whole("image/png", png.subarray(0, png.length - 20))).toBe(false);
  });

  it("JPEG: an end marker after the first scan; trailing data allowed", async () => {
    const jpeg = fixture("landscape.jpg");
    expect(await whole("image/jpeg", jpeg)).toBe(true);
    expect(await whole("image/jpeg", jpeg.subarray(0, jpeg.length >> 1))).toBe(false);
    const motionPhoto = Buffer.concat([jpeg, Buffer.alloc(300_000, 7)]);
    expect(await whole("image/jpeg", motionPhoto)).toBe(true);
    // Two 60 KB APP segments (big EXIF blocks) before the scan: found by walking the markers.
    const app = Buffer.alloc(2 + 60_000);
    app.writeUInt16BE(0xffe1, 0);
    app.writeUInt16BE(60_000, 2);
    const bigHeader = Buffer.concat([jpeg.subarray(0, 2), app, app, jpeg.subarray(2)]);
    expect(await whole("image/jpeg", bigHeader)).toBe(true);
    expect(await whole("image/jpeg", bigHeader.subarray(0, bigHeader.length - 5000))).toBe(false);
  });
});
