/** Helpers for tests: the shared fixture files and small generated media. Not shipped. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";

export const MEDIA_DIR = path.resolve(__dirname, "../../e2e/media");

export function fixture(name: string): Buffer {
  return readFileSync(path.join(MEDIA_DIR, name));
}

/** Points DATA_DIR at a fresh temp folder; call before anything reads the settings. */
export function withFreshDataDir(prefix = "wan-media-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.env.DATA_DIR = dir;
  delete process.env.MEDIA_URL_SECRET;
  return dir;
}

/** Every file under `dir` (relative paths), temp files included. */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

/** A stream of `buffer` in `chunkSize` pieces, like a network upload. */
export function chunked(buffer: Buffer, chunkSize = 16 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buffer.length; i += chunkSize) yield buffer.subarray(i, i + chunkSize);
    })(),
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A PNG with the given header (colour type 2 = RGB, 3 = palette, 6 = RGBA). The image data is
 * a token: the probe reads headers only, so huge dimensions cost nothing.
 */
export function makePng(
  width: number,
  height: number,
  options: { colourType?: number; trns?: boolean } = {},
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = options.colourType ?? 2;
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
  ];
  if (options.colourType === 3) parts.push(chunk("PLTE", Buffer.from([0, 0, 0, 255, 255, 255])));
  if (options.trns) parts.push(chunk("tRNS", Buffer.from([0])));
  parts.push(chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])));
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A mono 8-bit PCM WAV header for `seconds` of audio at `rate` Hz. */
export function wavHeader(seconds: number, rate = 8000): Buffer {
  const dataBytes = Math.round(seconds * rate);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVEfmt ", 8, "latin1");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28); // byte rate
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write("data", 36, "latin1");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** A whole silent WAV of `seconds`. */
export function makeWav(seconds: number, rate = 8000): Buffer {
  return Buffer.concat([wavHeader(seconds, rate), Buffer.alloc(Math.round(seconds * rate), 128)]);
}

/**
 * An endless-looking upload: `head`, then zero chunks up to `total` bytes. `pulled()` says how
 * many bytes the consumer actually read, to prove an early abort.
 */
export function generatedUpload(
  head: Buffer,
  total: number,
  chunkSize = 64 * 1024,
): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const zeros = Buffer.alloc(chunkSize);
  const stream = Readable.from(
    (function* () {
      pulled += head.length;
      yield head;
      while (pulled < total) {
        pulled += chunkSize;
        yield zeros;
      }
    })(),
  );
  return { stream, pulled: () => pulled };
}
