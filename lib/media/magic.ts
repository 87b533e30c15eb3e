/**
 * What the first bytes of a file say, without any library: the browser checks a dropped file
 * with these before uploading it, so a PDF named .png is refused at the drop. Pure (no I/O).
 * The server sniffs with `file-type` (lib/media/probe.ts); the names here follow file-type's
 * (`ext`, `mime`) for every format they both know, so `typeProblem` says the same words on
 * both sides. A format not listed here is "not recognised" in the browser, and the server
 * (which knows more formats) gets the last word only when the browser lets the file through.
 */

export interface SniffedType {
  ext: string;
  mime: string;
}

/** How many leading bytes `sniffMagic` and `pngHeaderAlpha` want (as the server's SNIFF_BYTES). */
export const HEAD_BYTES = 4100;

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let text = "";
  for (let i = start; i < start + length && i < bytes.length; i++) {
    text += String.fromCharCode(bytes[i]);
  }
  return text;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function byteAt(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

function u32be(bytes: Uint8Array, offset: number): number {
  const [a, b, c, d] = [0, 1, 2, 3].map((i) => byteAt(bytes, offset + i));
  return a * 2 ** 24 + (b << 16) + (c << 8) + d;
}

function u32le(bytes: Uint8Array, offset: number): number {
  const [a, b, c, d] = [0, 1, 2, 3].map((i) => byteAt(bytes, offset + i));
  return d * 2 ** 24 + (c << 16) + (b << 8) + a;
}

/** ISO-BMFF brands, named as file-type names them. */
function ftypType(brand: string): SniffedType {
  const major = brand.replace(/\0/g, " ").trim();
  if (major === "qt") return { ext: "mov", mime: "video/quicktime" };
  if (/^(heic|heix|hevc|hevx|heim|heis|hevm|hevs|mif1|msf1)$/.test(major)) {
    return { ext: "heic", mime: "image/heic" };
  }
  if (major === "avif" || major === "avis") return { ext: "avif", mime: "image/avif" };
  if (major === "M4A") return { ext: "m4a", mime: "audio/x-m4a" };
  if (major === "M4V" || major === "M4VH" || major === "M4VP") {
    return { ext: "m4v", mime: "video/mp4" };
  }
  if (major.startsWith("3g2")) return { ext: "3g2", mime: "video/3gpp2" };
  if (major.startsWith("3g")) return { ext: "3gp", mime: "video/3gpp" };
  return { ext: "mp4", mime: "video/mp4" };
}

/** The type the leading bytes announce, or undefined (text, HTML, SVG, unknown binary). */
export function sniffMagic(head: Uint8Array): SniffedType | undefined {
  if (head.length < 2) return undefined;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { ext: "jpg", mime: "image/jpeg" };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { ext: "png", mime: "image/png" };
  }
  if (ascii(head, 0, 4) === "RIFF") {
    const form = ascii(head, 8, 4);
    if (form === "WAVE") return { ext: "wav", mime: "audio/wav" };
    if (form === "WEBP") return { ext: "webp", mime: "image/webp" };
    if (form === "AVI ") return { ext: "avi", mime: "video/vnd.avi" };
  }
  if (ascii(head, 4, 4) === "ftyp" && head.length >= 12) return ftypType(ascii(head, 8, 4));
  if (ascii(head, 4, 4) === "moov" || ascii(head, 4, 4) === "mdat") {
    return { ext: "mov", mime: "video/quicktime" };
  }
  if (ascii(head, 0, 3) === "ID3") return { ext: "mp3", mime: "audio/mpeg" };
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") {
    return { ext: "gif", mime: "image/gif" };
  }
  if (ascii(head, 0, 5) === "%PDF-") return { ext: "pdf", mime: "application/pdf" };
  if (ascii(head, 0, 6) === "<?xml ") return { ext: "xml", mime: "application/xml" };
  if (ascii(head, 0, 4) === "fLaC") return { ext: "flac", mime: "audio/flac" };
  if (ascii(head, 0, 4) === "OggS") return { ext: "ogg", mime: "audio/ogg" };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    return ascii(head, 0, 64).includes("webm")
      ? { ext: "webm", mime: "video/webm" }
      : { ext: "mkv", mime: "video/matroska" };
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { ext: "zip", mime: "application/zip" };
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return { ext: "gz", mime: "application/gzip" };
  if (ascii(head, 0, 4) === "II*\0" || ascii(head, 0, 4) === "MM\0*") {
    return { ext: "tif", mime: "image/tiff" };
  }
  if (ascii(head, 0, 4) === "8BPS") return { ext: "psd", mime: "image/vnd.adobe.photoshop" };
  if (head[0] === 0x42 && head[1] === 0x4d) return { ext: "bmp", mime: "image/bmp" };
  // MPEG audio frame sync: 11 set bits, then the version and the layer (01 = layer III).
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
    const layer = head[1] & 0x06;
    if (layer === 0x02) return { ext: "mp3", mime: "audio/mpeg" };
    if (layer === 0x04) return { ext: "mp2", mime: "audio/mpeg" };
    if (layer === 0x00 && (head[1] & 0xf6) === 0xf0) return { ext: "aac", mime: "audio/aac" };
  }
  return undefined;
}

/**
 * The server's transparency rule for a PNG, read from its first bytes: colour type 4 or 6
 * (an alpha channel) in IHDR, or a tRNS chunk before the first IDAT. `undefined` when `head`
 * ends before the rule can be decided (a very large chunk before IDAT).
 */
export function pngHeaderAlpha(head: Uint8Array): boolean | undefined {
  if (head.length < 26 || ascii(head, 12, 4) !== "IHDR") return undefined;
  const colourType = head[25];
  if (colourType === 4 || colourType === 6) return true;
  let offset = 8;
  while (offset + 8 <= head.length) {
    const type = ascii(head, offset + 4, 4);
    if (type === "tRNS") return true;
    if (type === "IDAT" || type === "IEND") return false;
    offset += 12 + u32be(head, offset);
  }
  return undefined;
}

/**
 * Seconds of PCM audio a WAV header announces (`fmt ` byte rate and the `data` chunk size),
 * or undefined when the header is not readable in `head` or names no byte rate.
 */
export function wavHeaderSeconds(head: Uint8Array, fileSize: number): number | undefined {
  if (ascii(head, 0, 4) !== "RIFF" || ascii(head, 8, 4) !== "WAVE") return undefined;
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = ascii(head, offset, 4);
    const size = u32le(head, offset + 4);
    if (id === "fmt " && offset + 16 <= head.length) {
      // A non-PCM WAV (ADPCM and the like) cannot be timed by byte rate alone.
      const format = head[offset + 8] | (head[offset + 9] << 8);
      if (format !== 1 && format !== 3 && format !== 0xfffe) return undefined;
      byteRate = u32le(head, offset + 16);
    }
    if (id === "data") {
      if (!byteRate) return undefined;
      // A streamed WAV says 0 or 0xFFFFFFFF: the rest of the file is the data.
      const available = fileSize - (offset + 8);
      const bytes = size === 0 || size === 0xffffffff ? available : Math.min(size, available);
      return bytes / byteRate;
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Reads bytes [start, end) of a file: File.slice in the browser, a Buffer in tests. */
export type ByteReader = (start: number, end: number) => Promise<Uint8Array>;

/**
 * The server's first check of an MP4/MOV, on the top-level box headers only: the boxes must
 * tile the file exactly (one that runs past the end means the file was cut short), and an
 * `ftyp` and a `moov` (the index) must be there. False means "damaged or cut short".
 */
export async function mp4LayoutIsWhole(read: ByteReader, size: number): Promise<boolean> {
  let offset = 0;
  let boxes = 0;
  const seen = new Set<string>();
  while (offset < size) {
    if (boxes++ >= 10_000 || size - offset < 8) return false;
    const header = await read(offset, Math.min(offset + 16, size));
    const type = ascii(header, 4, 4);
    if (!/^[\x20-\x7e]{4}$/.test(type)) return false;
    let boxSize = u32be(header, 0);
    if (boxSize === 1) {
      if (header.length < 16) return false;
      boxSize = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < 8 || offset + boxSize > size) return false;
    seen.add(type);
    offset += boxSize;
  }
  return seen.has("ftyp") && seen.has("moov");
}

const TAIL_BYTES = 64 * 1024;
const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

function indexOfBytes(haystack: Uint8Array, needle: readonly number[], from = 0): number {
  for (let i = from; i + needle.length <= haystack.length; i++) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return i;
  }
  return -1;
}

/** Where a JPEG's first scan (SOS) starts, walking its marker segments from the start. */
async function jpegScanStart(read: ByteReader, size: number): Promise<number | undefined> {
  // One read covers the header of nearly every JPEG (EXIF thumbnail and ICC profile included);
  // a longer header is walked segment by segment.
  const first = await read(0, Math.min(size, TAIL_BYTES));
  let offset = 2;
  for (let segments = 0; segments < 1000 && offset + 4 <= size; segments++) {
    const bytes =
      offset + 4 <= first.length
        ? first.subarray(offset, offset + 4)
        : await read(offset, offset + 4);
    if (bytes[0] !== 0xff) return undefined;
    const marker = bytes[1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xda) return offset;
    offset += 2 + ((bytes[2] << 8) | bytes[3]);
  }
  return undefined;
}

/**
 * Whether a picture's bytes run to their end, the way an upload cut short does not: a PNG has
 * its IEND chunk near the end; a JPEG has an end-of-image marker after its first scan (an
 * EXIF thumbnail's marker, before the scan, does not count; data appended after the picture,
 * as in motion photos, is allowed); a BMP or WEBP is at least as long as its header says.
 * Browsers show a cut picture half grey rather than fail, so both sides use this rule.
 */
export async function imageIsWhole(mime: string, read: ByteReader, size: number): Promise<boolean> {
  if (mime === "image/png") {
    const tail = await read(Math.max(0, size - TAIL_BYTES), size);
    return indexOfBytes(tail, PNG_IEND) !== -1;
  }
  if (mime === "image/bmp" || mime === "image/webp") {
    const head = await read(0, Math.min(size, 12));
    if (head.length < 8) return false;
    if (mime === "image/webp") return u32le(head, 4) + 8 <= size;
    const declared = u32le(head, 2);
    return declared === 0 || declared <= size;
  }
  if (mime !== "image/jpeg") return true;
  const scan = await jpegScanStart(read, size);
  if (scan === undefined) return false;
  // Most JPEGs end with the marker: look at the tail first, then walk the rest in chunks.
  const tailStart = Math.max(scan, size - TAIL_BYTES);
  if (indexOfBytes(await read(tailStart, size), [0xff, 0xd9]) !== -1) return true;
  for (let start = scan; start < tailStart; start += TAIL_BYTES) {
    // One byte of overlap, so a marker split across two reads is still found.
    const chunk = await read(start, Math.min(tailStart + 1, start + TAIL_BYTES + 1));
    if (indexOfBytes(chunk, [0xff, 0xd9]) !== -1) return true;
  }
  return false;
}
