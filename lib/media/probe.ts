import "server-only";
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";
import { createFile, Log, type Movie, MP4BoxBuffer } from "mp4box";
import { parseStream } from "music-metadata";
import type { MediaProbe } from "@/lib/db/schema";
import type { Storage } from "@/lib/storage";
import { type MediaCategory, type MediaKind, mediaKindLabels } from "@/lib/video-request";
import { MediaRejectedError } from "./errors";
import { createLimiter } from "./limiter";
import { moovTooLargeProblem, normaliseMime } from "./limits";
import { measureMpegAudio } from "./mpeg-frames";

/**
 * Reads what the limits need (dimensions, transparency, duration) from STORED bytes, through
 * the Storage interface and ranged reads, so memory stays bounded whatever the file size.
 * A file we cannot make sense of is refused with a MediaRejectedError, never a crash.
 */

/** file-type needs at most this many leading bytes. */
export const SNIFF_BYTES = 4100;

/** Enough for nearly every image header (JPEG EXIF/ICC included) in one read. */
const IMAGE_HEAD_BYTES = 512 * 1024;
/**
 * The largest moov box (an MP4's index) we read: it is held in memory, twice while parsed,
 * and its sample table turns into objects. Clips made with ffmpeg (H.264 + AAC, measured
 * with `-movflags +faststart` and without: the same size) have a moov of 2.4 KB (320×240,
 * 8 fps, 3 s), 9.8 KB (10 s at 30 fps, 1280×720 and 4096×2160 alike) and 13 KB (10 s at
 * 1920×1080, 60 fps): it grows with the number of frames, not with their size. Phones and
 * editors add some metadata on top. 2 MB leaves two orders of magnitude of room, and a probe
 * reads a few MB where a 31 MB index used to cost ~65 MB. (mp4box still makes an object per
 * sample: a 2 MB index listing 500,000 samples takes ~80 MB of heap, hence PROBES_AT_ONCE.)
 */
export const MAX_MOOV_BYTES = 2 * 1024 * 1024;
/** Probes at once: each may hold a moov (above) or a large image header in memory. */
const PROBES_AT_ONCE = 2;
const probes = createLimiter(PROBES_AT_ONCE);
const MAX_BOXES = 10_000;

// mp4box logs every oddity of a file at "info"; only errors (which go to onError) matter here.
Log.setLogLevel(Log.error);

export async function sniffType(
  head: Uint8Array,
): Promise<{ ext: string; mime: string } | undefined> {
  const result = await fileTypeFromBuffer(head);
  return result ? { ext: result.ext, mime: normaliseMime(result.mime) } : undefined;
}

function unreadable(kind: MediaKind, detail: string): MediaRejectedError {
  return new MediaRejectedError({
    code: "unreadable",
    status: 422,
    message: `${mediaKindLabels[kind]}: ${detail}`,
  });
}

async function readRange(
  storage: Storage,
  key: string,
  start: number,
  end: number,
): Promise<Buffer> {
  const object = await storage.get(key, { start, end });
  if (!object) throw new Error(`Stored object ${key} disappeared while probing.`);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Colour type 4/6 (grey/truecolour + alpha) in IHDR, or a tRNS chunk before the image data. */
async function pngHasAlpha(storage: Storage, key: string, size: number): Promise<boolean> {
  const ihdr = await readRange(storage, key, 0, Math.min(size, 33) - 1);
  if (ihdr.length < 26 || ihdr.toString("latin1", 12, 16) !== "IHDR") return false;
  const colourType = ihdr[25];
  if (colourType === 4 || colourType === 6) return true;
  // Walk the chunk headers: tRNS, when present, comes before the first IDAT.
  let offset = 8;
  for (let i = 0; i < MAX_BOXES && offset + 8 <= size; i++) {
    const header = await readRange(storage, key, offset, offset + 7);
    const type = header.toString("latin1", 4, 8);
    if (type === "tRNS") return true;
    if (type === "IDAT" || type === "IEND") return false;
    offset += 12 + header.readUInt32BE(0);
  }
  return false;
}

async function probeImage(
  storage: Storage,
  key: string,
  kind: MediaKind,
  mime: string,
  size: number,
): Promise<MediaProbe> {
  let head = await readRange(storage, key, 0, Math.min(size, IMAGE_HEAD_BYTES) - 1);
  let dims: ReturnType<typeof imageSize> | undefined;
  try {
    dims = imageSize(head);
  } catch {
    // A JPEG with a very large EXIF/ICC block: its frame header is further in. The size
    // limit (20 MB) bounds this read.
    if (size > head.length) {
      head = await readRange(storage, key, 0, size - 1);
      try {
        dims = imageSize(head);
      } catch {}
    }
  }
  if (!dims?.width || !dims.height) {
    throw unreadable(kind, "this picture is damaged or cut short; we could not read its size.");
  }
  // EXIF orientations 5–8 turn the picture a quarter: what people see is the other way round.
  const turned = (dims.orientation ?? 1) >= 5;
  const probe: MediaProbe = {
    width: turned ? dims.height : dims.width,
    height: turned ? dims.width : dims.height,
  };
  if (mime === "image/png") probe.hasAlpha = await pngHasAlpha(storage, key, size);
  return probe;
}

/**
 * MP3 (and MP1/MP2): the frames that arrived, counted. music-metadata would trust an
 * encoder's Xing/Info header, which states the whole file's length even when the upload
 * holds a fifth of it.
 */
async function probeMpegAudio(
  storage: Storage,
  key: string,
  kind: MediaKind,
  size: number,
): Promise<MediaProbe> {
  const object = await storage.get(key);
  if (!object) throw new Error(`Stored object ${key} disappeared while probing.`);
  try {
    const measured = await measureMpegAudio(object.body, size);
    if (!measured)
      throw unreadable(kind, "this audio file is damaged or cut short; export it again.");
    return { durationSeconds: Math.round(measured.seconds * 1000) / 1000 };
  } finally {
    object.body.destroy();
  }
}

async function probeAudio(
  storage: Storage,
  key: string,
  kind: MediaKind,
  mime: string,
  size: number,
): Promise<MediaProbe> {
  if (normaliseMime(mime) === "audio/mpeg") return probeMpegAudio(storage, key, kind, size);
  const object = await storage.get(key);
  if (!object) throw new Error(`Stored object ${key} disappeared while probing.`);
  try {
    // WAV: music-metadata reads the length from the data chunk that arrived.
    const metadata = await parseStream(
      object.body,
      { mimeType: mime, size },
      { duration: true, skipCovers: true },
    );
    const seconds = metadata.format.duration;
    if (!seconds || !Number.isFinite(seconds)) {
      throw unreadable(kind, "we could not read how long this audio plays; it may be damaged.");
    }
    return { durationSeconds: Math.round(seconds * 1000) / 1000 };
  } catch (error) {
    if (error instanceof MediaRejectedError) throw error;
    throw unreadable(kind, "this audio file is damaged or cut short; export it again.");
  } finally {
    object.body.destroy();
  }
}

interface TopBox {
  type: string;
  start: number;
  size: number;
}

/**
 * Walks the top-level boxes by their headers. They must tile the file exactly: a box that
 * runs past the end means the file was cut short (the common way an upload gets damaged).
 */
async function topLevelBoxes(storage: Storage, key: string, size: number): Promise<TopBox[]> {
  const boxes: TopBox[] = [];
  let offset = 0;
  while (offset < size) {
    if (boxes.length >= MAX_BOXES || size - offset < 8) throw new Error("bad box layout");
    const header = await readRange(storage, key, offset, Math.min(offset + 16, size) - 1);
    const type = header.toString("latin1", 4, 8);
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error("bad box type");
    let boxSize = header.readUInt32BE(0);
    if (boxSize === 1) {
      if (header.length < 16) throw new Error("bad large box");
      boxSize = Number(header.readBigUInt64BE(8));
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < 8 || offset + boxSize > size) throw new Error("box runs past the end");
    boxes.push({ type, start: offset, size: boxSize });
    offset += boxSize;
  }
  return boxes;
}

function parseMovie(buffers: Buffer[]): { movie: Movie; file: ReturnType<typeof createFile> } {
  const file = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = (_module, message) => {
    failure = message;
  };
  let fileStart = 0;
  for (const buffer of buffers) {
    const copy = MP4BoxBuffer.fromArrayBuffer(
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
      fileStart,
    );
    fileStart += buffer.byteLength;
    file.appendBuffer(copy);
  }
  file.flush();
  if (!movie || failure) throw new Error(failure ?? "no movie header");
  return { movie, file };
}

async function probeVideo(
  storage: Storage,
  key: string,
  kind: MediaKind,
  size: number,
): Promise<MediaProbe> {
  let movie: Movie;
  let file: ReturnType<typeof createFile>;
  let boxes: TopBox[];
  try {
    boxes = await topLevelBoxes(storage, key, size);
  } catch {
    throw unreadable(kind, "this video is damaged or cut short; export it again.");
  }
  const moov = boxes.find((box) => box.type === "moov");
  if (moov && moov.size > MAX_MOOV_BYTES) {
    throw new MediaRejectedError(moovTooLargeProblem(kind, MAX_MOOV_BYTES));
  }
  try {
    const ftyp = boxes.find((box) => box.type === "ftyp");
    if (!ftyp || !moov) throw new Error("no usable moov");
    // Only the index is parsed; the sample data (mdat) is never read into memory.
    const parts = [ftyp, moov].map((box) =>
      readRange(storage, key, box.start, box.start + box.size - 1),
    );
    ({ movie, file } = parseMovie(await Promise.all(parts)));
  } catch {
    throw unreadable(kind, "this video is damaged or cut short; export it again.");
  }
  const track = movie.videoTracks[0];
  if (!track) {
    throw new MediaRejectedError({
      code: "no_video_track",
      status: 422,
      message: `${mediaKindLabels[kind]}: this file has no video track (is it audio only?).`,
    });
  }
  // The samples the index points at must lie inside the file.
  const samples = file.getTrackById(track.id)?.samples ?? [];
  const last = samples[samples.length - 1];
  if (!track.nb_samples || (last && last.offset + last.size > size)) {
    throw unreadable(kind, "this video is damaged or cut short; export it again.");
  }
  let seconds = movie.timescale ? movie.duration / movie.timescale : 0;
  if (!seconds && movie.fragment_duration?.den) {
    seconds = movie.fragment_duration.num / movie.fragment_duration.den;
  }
  if (!seconds && track.timescale) seconds = track.duration / track.timescale;
  let width = track.video?.width || track.track_width;
  let height = track.video?.height || track.track_height;
  // A quarter-turn display matrix (phones): what people see is the other way round.
  const [a, b] = Array.from(track.matrix ?? []);
  if (a === 0 && b !== 0 && b !== undefined) [width, height] = [height, width];
  return { durationSeconds: Math.round(seconds * 1000) / 1000, width, height };
}

/**
 * Probes the stored object `key` (already sniffed as `mime`, an accepted type for `kind`).
 * At most PROBES_AT_ONCE run together; the others wait (their files are already stored).
 */
export function probeStored(
  storage: Storage,
  key: string,
  kind: MediaKind,
  category: MediaCategory,
  mime: string,
  size: number,
): Promise<MediaProbe> {
  return probes.run(() => {
    if (category === "image") return probeImage(storage, key, kind, mime, size);
    if (category === "audio") return probeAudio(storage, key, kind, mime, size);
    return probeVideo(storage, key, kind, size);
  });
}
