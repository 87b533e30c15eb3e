import type { MediaProbe } from "@/lib/db/schema";
import { type MediaKind, mediaKindLabels, mediaLimits } from "@/lib/request-rules";
import type { MediaProblem } from "./errors";

/**
 * The per-kind file limits of the rulebook, turned into sentences that say what to change.
 * Pure (no I/O): the upload route uses it on the probed bytes, and the browser form can use it
 * on what it knows before uploading.
 */

/** Sniffers name some formats in more than one way; compare in the rulebook's terms. */
const mimeAliases: Record<string, string> = {
  "audio/x-wav": "audio/wav",
  "audio/vnd.wave": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/x-pn-wav": "audio/wav",
  "audio/mp3": "audio/mpeg",
  "audio/x-mp3": "audio/mpeg",
  "audio/x-mpeg": "audio/mpeg",
  "image/x-ms-bmp": "image/bmp",
  "image/x-bmp": "image/bmp",
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "video/x-m4v": "video/mp4",
  "video/mov": "video/quicktime",
};

export function normaliseMime(mime: string): string {
  const bare = mime.split(";")[0].trim().toLowerCase();
  return mimeAliases[bare] ?? bare;
}

/** How a sentence starts when it talks about an input of this kind. */
const subjects: Record<MediaKind, string> = {
  first_frame: "The first frame",
  last_frame: "The last frame",
  first_clip: "The first clip",
  driving_audio: "Driving audio",
};

const categoryNouns = { image: "an image", audio: "an audio file", video: "a video" } as const;

const formatNames: Record<string, string> = {
  jpg: "JPEG",
  jpeg: "JPEG",
  tif: "TIFF",
  mov: "MOV",
  qt: "MOV",
};

/** "a PDF", "an MP3", "an SVG", "a FLAC": the article follows how the name is read out. */
function withArticle(name: string): string {
  if (/^[AEIOU]/.test(name)) return `an ${name}`;
  const spelledOut = name.length <= 3 || /\d/.test(name);
  return spelledOut && /^[FHLMNRSX]/.test(name) ? `an ${name}` : `a ${name}`;
}

function takes(kind: MediaKind): string {
  return `${mediaKindLabels[kind]} takes ${mediaLimits[kind].formatsLabel}.`;
}

export function isAcceptedMime(kind: MediaKind, mime: string): boolean {
  return mediaLimits[kind].mimeTypes.includes(normaliseMime(mime));
}

/** What is wrong with a file whose bytes sniffed as `sniffed` (undefined: unrecognised). */
export function typeProblem(
  kind: MediaKind,
  sniffed: { ext: string; mime: string } | undefined,
): MediaProblem | null {
  const limits = mediaLimits[kind];
  if (!sniffed) {
    return {
      code: "unsupported_type",
      status: 415,
      message: `This file is not ${categoryNouns[limits.category]} in a format we recognise. ${takes(kind)}`,
    };
  }
  if (isAcceptedMime(kind, sniffed.mime)) return null;
  const name = formatNames[sniffed.ext] ?? sniffed.ext.toUpperCase();
  const category = normaliseMime(sniffed.mime).split("/")[0];
  const what =
    category === limits.category
      ? `${withArticle(name)} ${limits.category === "audio" ? "audio file" : limits.category}`
      : `${withArticle(name)}, not ${categoryNouns[limits.category]}`;
  return { code: "unsupported_type", status: 415, message: `This file is ${what}. ${takes(kind)}` };
}

function formatMegabytes(bytes: number): string {
  // Rounded up: 15.01 MB over a 15 MB limit must not read "15.0 MB".
  const tenths = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return Number.isInteger(tenths) ? `${tenths} MB` : `${tenths.toFixed(1)} MB`;
}

/** Zero bytes, or more than the kind allows (`bytes` may be "more than the limit", unknown). */
export function sizeProblem(
  kind: MediaKind,
  bytes: number,
  maxBytes = mediaLimits[kind].maxBytes,
): MediaProblem | null {
  if (bytes <= 0) {
    return {
      code: "empty_file",
      status: 422,
      message: "This file is empty (0 bytes). Choose the file again, or export it again.",
    };
  }
  if (bytes > maxBytes) return tooLargeProblem(kind, maxBytes, bytes);
  return null;
}

export function tooLargeProblem(
  kind: MediaKind,
  maxBytes = mediaLimits[kind].maxBytes,
  bytes?: number,
): MediaProblem {
  const limit = formatMegabytes(maxBytes);
  const label = mediaKindLabels[kind].toLowerCase();
  const message =
    bytes === undefined
      ? `This file is larger than ${limit}, the limit for ${label}. Use a smaller or shorter file.`
      : `${subjects[kind]} is ${formatMegabytes(bytes)}; the limit is ${limit}. Use a smaller or shorter file.`;
  return { code: "file_too_large", status: 413, message };
}

/** Durations shown the way that makes the broken limit visible: 1.96 s is "1.9", not "2.0". */
function formatDuration(seconds: number, direction: "down" | "up"): string {
  const tenths = direction === "down" ? Math.floor(seconds * 10) : Math.ceil(seconds * 10);
  return (tenths / 10).toFixed(1);
}

/** What breaks the kind's limits in what the probe found, or null when it fits. */
export function probeProblem(
  kind: MediaKind,
  mime: string,
  probe: MediaProbe,
): MediaProblem | null {
  const limits = mediaLimits[kind];
  const subject = subjects[kind];
  const type = normaliseMime(mime);

  if (limits.category !== "audio") {
    const { width, height } = probe;
    if (!width || !height) {
      return {
        code: "unreadable",
        status: 422,
        message: `We could not read the picture size of this file. ${takes(kind)}`,
      };
    }
    const dims = `${width}×${height} px`;
    const shortSide = Math.min(width, height);
    const longSide = Math.max(width, height);
    if (limits.minSide && shortSide < limits.minSide) {
      return {
        code: "too_small",
        status: 422,
        message: `${subject} is ${dims}; each side must be at least ${limits.minSide} px.`,
      };
    }
    if (limits.maxSide && longSide > limits.maxSide) {
      return {
        code: "too_big",
        status: 422,
        message: `${subject} is ${dims}; each side must be at most ${limits.maxSide} px.`,
      };
    }
    if (limits.maxAspect && longSide / shortSide > limits.maxAspect) {
      const ratio = (longSide / shortSide).toFixed(1);
      return {
        code: "aspect_ratio",
        status: 422,
        message: `${subject} is ${dims}, ${ratio} times longer than wide; the long side may be at most ${limits.maxAspect} times the short side. Crop it closer to square.`,
      };
    }
  }

  if (limits.category === "image" && type === "image/png" && probe.hasAlpha) {
    return {
      code: "transparency",
      status: 422,
      message: `${subject} is a PNG with transparency, which the model does not take. Flatten it onto a background or save it as JPEG.`,
    };
  }

  if (limits.minSeconds !== undefined || limits.maxSeconds !== undefined) {
    const seconds = probe.durationSeconds;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
      return {
        code: "unreadable",
        status: 422,
        message: `We could not read how long this file plays. ${takes(kind)}`,
      };
    }
    const range = `${limits.minSeconds ?? 0}–${limits.maxSeconds ?? "∞"} s`;
    if (limits.minSeconds !== undefined && seconds < limits.minSeconds) {
      return {
        code: "too_short",
        status: 422,
        message: `${subject} is ${formatDuration(seconds, "down")} s long; use ${range}.`,
      };
    }
    if (limits.maxSeconds !== undefined && seconds > limits.maxSeconds) {
      return {
        code: "too_long",
        status: 422,
        message: `${subject} is ${formatDuration(seconds, "up")} s long; use ${range}.`,
      };
    }
  }
  return null;
}

/** The sentence for what breaks the kind's limits, or null when the file fits. */
export function checkProbe(kind: MediaKind, mime: string, probe: MediaProbe): string | null {
  return (
    typeProblem(kind, { ext: mime.split("/")[1] ?? "", mime })?.message ??
    probeProblem(kind, mime, probe)?.message ??
    null
  );
}

/** A display name from the browser's file name: no folders, no control characters, bounded. */
export function cleanFileName(name: string | null | undefined): string {
  const last = (name ?? "").split(/[\\/]/).pop() ?? "";
  // Drop control characters (C0 and DEL): they have no place in a name shown on the page.
  const base = Array.from(last)
    .filter((char) => char.charCodeAt(0) > 0x1f && char !== "\u007f")
    .join("")
    .trim();
  if (!base) return "upload";
  return base.length > 200 ? `${base.slice(0, 160)}…${base.slice(-39)}` : base;
}

const damagedDetails = {
  image: "this picture is damaged or cut short; we could not read its size.",
  audio: "this audio file is damaged or cut short; export it again.",
  video: "this video is damaged or cut short; export it again.",
} as const;

/**
 * A file of the right type whose contents cannot be read. The same sentence as the server's
 * probe (lib/media/probe.ts) gives, so the browser can refuse at the drop in the same words.
 */
export function damagedProblem(kind: MediaKind): MediaProblem {
  return {
    code: "unreadable",
    status: 422,
    message: `${mediaKindLabels[kind]}: ${damagedDetails[mediaLimits[kind].category]}`,
  };
}

/**
 * A video whose index (the moov box: where every frame lies) is larger than the probe reads.
 * Only an unusual export makes one for a short clip (metadata or thumbnails packed in, or a
 * damaged index), and exporting again fixes it.
 */
export function moovTooLargeProblem(kind: MediaKind, maxBytes: number): MediaProblem {
  const { minSeconds = 0, maxSeconds } = mediaLimits[kind];
  const clip = maxSeconds ? `a ${minSeconds}–${maxSeconds} s clip` : "a short clip";
  return {
    code: "index_too_large",
    status: 422,
    message: `${mediaKindLabels[kind]}: this video's index (its moov box) is larger than ${formatMegabytes(maxBytes)}, far more than ${clip} needs. Export it again without extra metadata.`,
  };
}

/** Ratios people name; anything else is shown as "1.85:1". */
const namedRatios: readonly [number, number][] = [
  [1, 1],
  [4, 3],
  [3, 2],
  [16, 9],
  [21, 9],
  [5, 4],
  [2, 1],
  [16, 10],
];

/** "16:9", "3:4", "1.85:1": a picture's shape, matched to a common ratio within 1%. */
export function aspectLabel(width: number, height: number): string {
  const ratio = width / height;
  for (const [a, b] of namedRatios) {
    if (Math.abs(ratio / (a / b) - 1) <= 0.01) return `${a}:${b}`;
    if (Math.abs(ratio / (b / a) - 1) <= 0.01) return `${b}:${a}`;
  }
  return ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`;
}

/** Ratios further apart than this (2%) are worth a warning. */
const ASPECT_TOLERANCE = 0.02;

/**
 * A warning (never a refusal) when the last frame's shape differs from the first frame's:
 * the model makes the video in the first frame's shape, so the last frame is stretched or
 * cropped. Null when both are known and close enough, or either is unknown.
 */
export function aspectMismatchNote(
  first: { width?: number; height?: number } | undefined,
  last: { width?: number; height?: number } | undefined,
): string | null {
  if (!first?.width || !first.height || !last?.width || !last.height) return null;
  const firstRatio = first.width / first.height;
  const lastRatio = last.width / last.height;
  if (Math.abs(lastRatio / firstRatio - 1) <= ASPECT_TOLERANCE) return null;
  return `The last frame is ${aspectLabel(last.width, last.height)} but the first frame is ${aspectLabel(first.width, first.height)}; the video follows the first frame.`;
}
