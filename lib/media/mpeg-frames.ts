/**
 * How long an MPEG audio file (MP3, and MP1/MP2) really plays, measured from the frames that
 * arrived rather than from what a header claims. An encoder's Xing/Info or VBRI frame states
 * the whole file's length, so a file cut short would otherwise keep its full duration. The
 * frames are walked through a stream with a small window: memory stays at one chunk and a
 * couple of frames whatever the file's size.
 */

export interface FrameHeader {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  /** Bytes, header included. */
  length: number;
  samples: number;
  /** Mono frames have a shorter side info (where the Xing header sits). */
  mono: boolean;
  crc: boolean;
}

// kbit/s by [MPEG-1 ? 0 : 1][layer - 1][index]; index 0 (free format) and 15 are refused.
const BITRATES = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
const SAMPLE_RATES = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
};

/** The frame header at `at` in `bytes`, or undefined when those 4 bytes are not one. */
export function parseFrameHeader(bytes: Uint8Array, at = 0): FrameHeader | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [b0, b1, b2, b3] = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15) {
    return undefined;
  }
  if (rateIndex === 3 || (b3 & 3) === 2) return undefined; // reserved rate, reserved emphasis
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const bitrate = BITRATES[version === 1 ? 0 : 1][layer - 1][bitrateIndex] * 1000;
  const padding = (b2 >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return {
    version,
    layer,
    sampleRate,
    length,
    samples,
    mono: b3 >> 6 === 3,
    crc: (b1 & 1) === 0,
  };
}

function sameStream(a: FrameHeader, b: FrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

/** An encoder's info frame (Xing/Info, VBRI): a valid frame that carries no sound. */
function isInfoFrame(frame: Uint8Array, header: FrameHeader): boolean {
  const sideInfo = header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  const xing = 4 + (header.crc ? 2 : 0) + sideInfo;
  const tag = (at: number) => Buffer.from(frame.subarray(at, at + 4)).toString("latin1");
  return ["Xing", "Info"].includes(tag(xing)) || tag(36) === "VBRI";
}

/** A forward-only view of a byte stream that keeps only what has not been passed yet. */
class ByteWindow {
  private buffer: Buffer = Buffer.alloc(0);
  /** Absolute offset of buffer[0]. */
  private start = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Up to `length` bytes from `at` (fewer at the end). Bytes before `at` are let go. */
  async read(at: number, length: number): Promise<Buffer> {
    if (at > this.start) {
      const drop = Math.min(at - this.start, this.buffer.length);
      this.buffer = this.buffer.subarray(drop);
      this.start += drop;
    }
    while (this.start + this.buffer.length < at + length && !this.done) {
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        break;
      }
      let chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (this.start < at) {
        // Skipping ahead (past an ID3 tag): nothing is held, so drop the chunk's head too.
        const skip = Math.min(at - this.start, chunk.length);
        chunk = chunk.subarray(skip);
        this.start += skip;
      }
      this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    }
    return this.buffer.subarray(at - this.start, at - this.start + length);
  }
}

/** Bytes taken by ID3v2 tags at `at` (a file may carry more than one, back to back). */
async function id3v2Length(window: ByteWindow, at: number): Promise<number> {
  let offset = at;
  for (;;) {
    const head = await window.read(offset, 10);
    if (head.length < 10 || head.toString("latin1", 0, 3) !== "ID3") return offset - at;
    // Sizes are "syncsafe": 7 bits per byte. Flag 0x10: a 10-byte footer follows.
    const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7);
    offset += 10 + (size | (head[9] & 0x7f)) + (head[5] & 0x10 ? 10 : 0);
  }
}

/** The largest MPEG audio frame (layer I, 448 kbit/s, 32 kHz, padded), plus a header. */
const MAX_FRAME = 1732;

export interface MpegAudioLength {
  /** Frames with sound that arrived whole. */
  frames: number;
  seconds: number;
}

/**
 * Walks the frames of the MPEG audio stream in `chunks` (`size` bytes in all). A frame is
 * counted when it arrived whole; a header found by searching (at the start, or after bytes
 * that are not a frame) counts only when the next frame follows it, so stray 0xFF bytes in a
 * tag or in damage are not taken for sound. Undefined when no frame is found.
 */
export async function measureMpegAudio(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
): Promise<MpegAudioLength | undefined> {
  const window = new ByteWindow(chunks[Symbol.asyncIterator]());
  let offset = await id3v2Length(window, 0);
  let stream: FrameHeader | undefined;
  let inSync = false;
  let frames = 0;
  let seconds = 0;
  let first = true;
  while (offset + 4 <= size) {
    const bytes = await window.read(offset, MAX_FRAME * 2 + 4);
    const header = parseFrameHeader(bytes);
    const fits = header && (!stream || sameStream(stream, header));
    let confirmed = inSync && fits;
    if (fits && !confirmed && header) {
      const next = parseFrameHeader(bytes, header.length);
      confirmed = Boolean(next && sameStream(header, next)) || offset + header.length === size;
    }
    if (!header || !confirmed) {
      // Not a frame here: search on from the next 0xFF (every frame starts with one).
      inSync = false;
      const next = bytes.indexOf(0xff, 1);
      offset += next > 0 ? next : Math.max(1, bytes.length);
      continue;
    }
    // The last frame was cut short (or the stream ended before `size`).
    if (offset + header.length > size || bytes.length < header.length) break;
    stream ??= header;
    inSync = true;
    if (!(first && isInfoFrame(bytes.subarray(0, header.length), header))) {
      frames += 1;
      seconds += header.samples / header.sampleRate;
    }
    first = false;
    offset += header.length;
  }
  return frames > 0 ? { frames, seconds } : undefined;
}
