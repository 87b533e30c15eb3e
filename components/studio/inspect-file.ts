import { damagedProblem, probeProblem, sizeProblem, typeProblem } from "@/lib/media/limits";
import {
  type ByteReader,
  HEAD_BYTES,
  imageIsWhole,
  mp4LayoutIsWhole,
  pngHeaderAlpha,
  sniffMagic,
  wavHeaderSeconds,
} from "@/lib/media/magic";
import { type MediaKind, mediaLimits } from "@/lib/request-rules";

/**
 * Checks a dropped file in the browser before it is uploaded, with the server's rules and the
 * server's sentences (lib/media/limits.ts): size, the type its bytes announce, picture size and
 * PNG transparency, duration. What the browser cannot measure (a codec it cannot play) is left
 * to the server, which checks everything again: the browser only refuses what the server would.
 */

/** What the browser learned about a file: shown on the slot while it uploads. */
export interface LocalProbe {
  width?: number;
  height?: number;
  durationSeconds?: number;
}

export interface Inspection {
  /** The sentence that refuses the file, or null when it may be uploaded. */
  problem: string | null;
  probe: LocalProbe;
}

/** Measurements that need a decoder (the DOM in the browser); null: could not decode. */
export interface Measure {
  image: () => Promise<LocalProbe | null>;
  audio: () => Promise<LocalProbe | null>;
  video: () => Promise<LocalProbe | null>;
}

/**
 * Decoders report durations a little differently (encoder padding, VBR estimates): a duration
 * within this many seconds of a limit is left for the server to judge.
 */
const DURATION_SLACK = 0.15;

/** The duration to check: a measured one near a limit is pulled inside it (see above). */
function durationToCheck(kind: MediaKind, seconds: number): number {
  const { minSeconds = 0, maxSeconds = Number.POSITIVE_INFINITY } = mediaLimits[kind];
  if (seconds < minSeconds - DURATION_SLACK || seconds > maxSeconds + DURATION_SLACK) {
    return seconds;
  }
  return Math.min(maxSeconds, Math.max(minSeconds, seconds));
}

/** The browser's verdict on `size` bytes read through `read`, for the slot `kind`. */
export async function inspectMedia(
  kind: MediaKind,
  size: number,
  read: ByteReader,
  measure: Measure,
): Promise<Inspection> {
  const probe: LocalProbe = {};
  const refuse = (message: string): Inspection => ({ problem: message, probe });
  const sized = sizeProblem(kind, size);
  if (sized) return refuse(sized.message);

  const head = await read(0, Math.min(size, HEAD_BYTES));
  const type = sniffMagic(head);
  const wrongType = typeProblem(kind, type);
  if (wrongType || !type) return refuse(wrongType?.message ?? "This file cannot be used here.");
  const { mime } = type;
  const category = mediaLimits[kind].category;

  if (category === "image") {
    if (!(await imageIsWhole(mime, read, size))) return refuse(damagedProblem(kind).message);
    const measured = await measure.image();
    if (!measured?.width || !measured.height) return refuse(damagedProblem(kind).message);
    Object.assign(probe, measured);
    const hasAlpha = mime === "image/png" ? pngHeaderAlpha(head) === true : undefined;
    const problem = probeProblem(kind, mime, { ...probe, hasAlpha });
    return { problem: problem?.message ?? null, probe };
  }

  if (category === "audio") {
    // A PCM WAV's header gives the exact length the server reads; other audio is decoded.
    const fromHeader = mime === "audio/wav" ? wavHeaderSeconds(head, size) : undefined;
    const measured = fromHeader ? { durationSeconds: fromHeader } : await measure.audio();
    const seconds = measured?.durationSeconds;
    if (!seconds || !Number.isFinite(seconds)) return { problem: null, probe };
    probe.durationSeconds = seconds;
    const durationSeconds = fromHeader ? seconds : durationToCheck(kind, seconds);
    return { problem: probeProblem(kind, mime, { durationSeconds })?.message ?? null, probe };
  }

  // Video: the box layout is the server's own first check; then what the player reads.
  if (!(await mp4LayoutIsWhole(read, size))) return refuse(damagedProblem(kind).message);
  const measured = await measure.video();
  if (!measured?.width || !measured.height || !measured.durationSeconds) {
    // A codec this browser cannot play (HEVC in some browsers): the server decides.
    return { problem: null, probe };
  }
  Object.assign(probe, measured);
  const checked = { ...probe, durationSeconds: durationToCheck(kind, measured.durationSeconds) };
  return { problem: probeProblem(kind, mime, checked)?.message ?? null, probe };
}

const METADATA_TIMEOUT_MS = 8000;

/** Loads `url` into a media element far enough to know its length (and size for video). */
function mediaMetadata(tag: "audio" | "video", url: string): Promise<LocalProbe | null> {
  return new Promise((resolve) => {
    const element = document.createElement(tag);
    const done = (result: LocalProbe | null) => {
      clearTimeout(timer);
      element.removeAttribute("src");
      element.load();
      resolve(result);
    };
    const timer = setTimeout(() => done(null), METADATA_TIMEOUT_MS);
    element.preload = "metadata";
    element.muted = true;
    element.onloadedmetadata = () => {
      const durationSeconds = Number.isFinite(element.duration) ? element.duration : undefined;
      if (element instanceof HTMLVideoElement) {
        const { videoWidth: width, videoHeight: height } = element;
        done(width && height ? { width, height, durationSeconds } : null);
      } else {
        done({ durationSeconds });
      }
    };
    element.onerror = () => done(null);
    element.src = url;
  });
}

async function imageSize(file: Blob): Promise<LocalProbe | null> {
  try {
    // Decodes the whole picture (a cut-short file fails here), turned by its EXIF orientation
    // as the server's probe turns it.
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const probe = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return probe;
  } catch {
    return null;
  }
}

/** The browser's check of a dropped file; `previewUrl` is an object URL of the same file. */
export function inspectFile(kind: MediaKind, file: File, previewUrl: string): Promise<Inspection> {
  const read: ByteReader = async (start, end) =>
    new Uint8Array(await file.slice(start, end).arrayBuffer());
  return inspectMedia(kind, file.size, read, {
    image: () => imageSize(file),
    audio: () => mediaMetadata("audio", previewUrl),
    video: () => mediaMetadata("video", previewUrl),
  });
}
