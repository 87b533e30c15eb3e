/**
 * The rulebook's rules and sentences, without zod: what wan2.7-i2v accepts, defined once.
 * `lib/video-request.ts` builds the zod schema the server parses with from these and
 * re-exports all of it; the browser imports this module (and `request-check.ts`, the same
 * checks without zod), so the studio never ships zod. Pure: no I/O, safe in the browser.
 */

export const MODEL = "wan2.7-i2v";

export const mediaKinds = ["first_frame", "last_frame", "first_clip", "driving_audio"] as const;
export type MediaKind = (typeof mediaKinds)[number];

export const mediaKindLabels: Record<MediaKind, string> = {
  first_frame: "First frame",
  last_frame: "Last frame",
  first_clip: "First clip",
  driving_audio: "Driving audio",
};

/** The only media combinations the model accepts (upstream-api.md). */
export const allowedCombinations: readonly (readonly MediaKind[])[] = [
  ["first_frame"],
  ["first_frame", "driving_audio"],
  ["first_frame", "last_frame"],
  ["first_frame", "last_frame", "driving_audio"],
  ["first_clip"],
  ["first_clip", "last_frame"],
];

export type MediaCategory = "image" | "audio" | "video";

export interface MediaLimits {
  category: MediaCategory;
  /** MIME types, as sniffed from the bytes (never from the file name). */
  mimeTypes: readonly string[];
  /** What a person reads: "JPEG, PNG, BMP or WEBP". */
  formatsLabel: string;
  maxBytes: number;
  minSide?: number;
  maxSide?: number;
  /** Longest side divided by shortest side. */
  maxAspect?: number;
  minSeconds?: number;
  maxSeconds?: number;
}

const MB = 1024 * 1024;

const imageLimits: MediaLimits = {
  category: "image",
  mimeTypes: ["image/jpeg", "image/png", "image/bmp", "image/webp"],
  formatsLabel: "JPEG, PNG, BMP or WEBP",
  maxBytes: 20 * MB,
  minSide: 240,
  maxSide: 8000,
  maxAspect: 8,
};

/** Per-kind file limits (the model's resellers agree on these; see upstream-api.md). */
export const mediaLimits: Record<MediaKind, MediaLimits> = {
  first_frame: imageLimits,
  last_frame: imageLimits,
  driving_audio: {
    category: "audio",
    mimeTypes: ["audio/wav", "audio/mpeg"],
    formatsLabel: "WAV or MP3",
    maxBytes: 15 * MB,
    minSeconds: 2,
    maxSeconds: 30,
  },
  first_clip: {
    category: "video",
    mimeTypes: ["video/mp4", "video/quicktime"],
    formatsLabel: "MP4 or MOV",
    maxBytes: 100 * MB,
    minSide: 240,
    maxSide: 4096,
    maxAspect: 8,
    minSeconds: 2,
    maxSeconds: 10,
  },
};

export const SECONDS_MIN = 2;
export const SECONDS_MAX = 15;
export const SECONDS_DEFAULT = 5;
export const sizes = ["720P", "1080P"] as const;
export type VideoSize = (typeof sizes)[number];
export const SIZE_DEFAULT: VideoSize = "720P";
/** The gateway's Wan pages say 800; the model takes more, but the gateway is the contract. */
export const PROMPT_MAX = 800;
/** What the model should avoid (upstream-api.md: `negative_prompt`, at most 500 characters). */
export const NEGATIVE_PROMPT_MAX = 500;
/** Seeds are 0 … 2^31 − 1. We pick one when the form says "Random", and always send it. */
export const SEED_MAX = 2_147_483_647;
/** The model's own defaults for the two switches; a value equal to these is not sent. */
export const PROMPT_EXTEND_DEFAULT = true;
export const WATERMARK_DEFAULT = false;
/** One Generate makes 1 … 4 takes that differ only by seed. */
export const TAKES_MIN = 1;
export const TAKES_MAX = 4;
export const TAKES_DEFAULT = 1;

function sameSet(a: readonly MediaKind[], b: readonly MediaKind[]) {
  return a.length === b.length && a.every((kind) => b.includes(kind));
}

export function isAllowedCombination(kinds: readonly MediaKind[]): boolean {
  if (new Set(kinds).size !== kinds.length) return false;
  return allowedCombinations.some((combo) => sameSet(combo, kinds));
}

/** Why `kind` cannot join `chosen`, in a sentence for the slot, or null when it can. */
export function slotBlockReason(kind: MediaKind, chosen: readonly MediaKind[]): string | null {
  const others = chosen.filter((k) => k !== kind);
  const fits = allowedCombinations.some((combo) =>
    [...others, kind].every((k) => combo.includes(k)),
  );
  if (fits) return null;
  if (kind === "first_frame" && others.includes("first_clip")) {
    return "A first clip already opens the video; remove it to start from a frame.";
  }
  if (kind === "first_clip" && others.includes("first_frame")) {
    return "A first clip replaces the first frame; remove the frame to continue a clip.";
  }
  if (kind === "first_clip" && others.includes("driving_audio")) {
    return "A first clip cannot take driving audio; remove the audio to continue a clip.";
  }
  if (kind === "driving_audio" && others.includes("first_clip")) {
    return "Driving audio needs a first frame, not a first clip.";
  }
  return "This input cannot be combined with the ones already chosen.";
}

/** What the current choice still lacks, or null when it is a combination the model takes. */
export function combinationProblem(kinds: readonly MediaKind[]): string | null {
  if (kinds.length === 0) return "Add a first frame or a first clip to start.";
  if (new Set(kinds).size !== kinds.length) return "Each input can be used once.";
  if (isAllowedCombination(kinds)) return null;
  if (!kinds.includes("first_frame") && !kinds.includes("first_clip")) {
    return "Add a first frame or a first clip: the video needs an opening.";
  }
  if (kinds.includes("first_frame") && kinds.includes("first_clip")) {
    return "Use a first frame or a first clip, not both.";
  }
  if (kinds.includes("first_clip") && kinds.includes("driving_audio")) {
    return "Driving audio works with a first frame, not with a first clip.";
  }
  return "The model does not accept this combination of inputs.";
}

/** One input of a request: which slot, and the id of the stored file. */
export interface MediaRef {
  type: MediaKind;
  mediaId: string;
}

/** The seed's one sentence, whatever is wrong with it. */
export const SEED_MESSAGE = `The seed is a whole number from 0 to ${SEED_MAX}.`;

/** Said when the gateway needs a prompt (GATEWAY_REQUIRES_PROMPT, or learned from a refusal). */
export const PROMPT_REQUIRED_MESSAGE = "This video service needs a prompt: describe the motion.";

/**
 * A gateway that needs a prompt refuses a create without one: the sentence to show before
 * paying, or null. `prompt` as the schema leaves it (trimmed, empty → undefined).
 */
export function promptProblem(prompt: string | undefined, required: boolean): string | null {
  return required && !prompt?.trim() ? PROMPT_REQUIRED_MESSAGE : null;
}

/** Field names the form shows errors beside: the four slots plus the plain fields. */
export type VideoRequestField =
  | MediaKind
  | "media"
  | "seconds"
  | "size"
  | "prompt"
  | "negativePrompt"
  | "seed"
  | "promptExtend"
  | "watermark"
  | "takes";
export type FieldErrors = Partial<Record<VideoRequestField, string[]>>;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < MB ? [bytes / 1024, "KB"] : [bytes / MB, "MB"];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

export function formatSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * With a first clip, `seconds` is the total length, clip included: a total shorter than the
 * clip cannot be made. Returns the sentence to show, or null.
 */
export function clipDurationProblem(
  seconds: number,
  clipSeconds: number | undefined,
): string | null {
  if (clipSeconds === undefined || !Number.isFinite(seconds)) return null;
  const needed = Math.min(SECONDS_MAX, Math.ceil(clipSeconds));
  if (seconds >= needed) return null;
  return `The duration includes the ${clipSeconds.toFixed(1)} s first clip: choose at least ${needed} seconds.`;
}

/** What the chosen duration means for the audio or clip, in a sentence, or null. */
export function durationNote(
  seconds: number,
  probes: { audioSeconds?: number; clipSeconds?: number },
): string | null {
  if (!Number.isFinite(seconds)) return null;
  const { audioSeconds, clipSeconds } = probes;
  if (clipSeconds !== undefined && seconds >= clipSeconds) {
    const added = Math.max(0, seconds - clipSeconds);
    return `${added.toFixed(1)} s will be generated after the ${clipSeconds.toFixed(1)} s clip.`;
  }
  if (audioSeconds !== undefined) {
    if (audioSeconds > seconds + 0.05) {
      return `The audio is ${audioSeconds.toFixed(1)} s; it will be cut at ${seconds} s.`;
    }
    if (audioSeconds < seconds - 0.05) {
      return `The audio is ${audioSeconds.toFixed(1)} s; the last ${(seconds - audioSeconds).toFixed(1)} s will be silent.`;
    }
  }
  return null;
}

/** What `submitVideo` answers: expected failures are returned, with messages for people. */
export type SubmitVideoResult =
  | {
      ok: true;
      /** The first take's task (the only one when `takes` is 1). */
      taskId: string;
      /** Set when the Generate made several takes: the take set's page shows them together. */
      takeSetId?: string;
      /** Every take's task, in take order. */
      taskIds?: string[];
      duplicate?: boolean;
    }
  | { ok: false; error: { code: string; message: string; fieldErrors?: FieldErrors } };

/** A combination's stable name, kinds in rulebook order: "first_frame+driving_audio". */
export function combinationKey(kinds: readonly MediaKind[]): string {
  return mediaKinds.filter((kind) => kinds.includes(kind)).join("+");
}

/** "First frame + Driving audio", for filters and history rows. */
export function combinationLabel(key: string): string {
  return key
    .split("+")
    .filter((kind): kind is MediaKind => (mediaKinds as readonly string[]).includes(kind))
    .map((kind) => mediaKindLabels[kind])
    .join(" + ");
}

export type PriceRates = Record<VideoSize, number>;

/**
 * The seeds of a Generate's takes: with a fixed seed, that seed and the next ones (wrapping
 * past SEED_MAX), so take 1 is "the same take again"; with "Random", `random()` for each,
 * never twice the same within the set.
 */
export function seedsForTakes(
  takes: number,
  fixed: number | undefined,
  random: () => number,
): number[] {
  const seeds: number[] = [];
  for (let take = 0; seeds.length < takes; take += 1) {
    const seed = fixed === undefined ? random() : (fixed + take) % (SEED_MAX + 1);
    if (!seeds.includes(seed)) seeds.push(seed);
  }
  return seeds;
}

/** Billed per output second: seconds × the rate of the chosen resolution. */
export function estimateCost(seconds: number, size: VideoSize, rates: PriceRates): number {
  return Number.isFinite(seconds) ? seconds * rates[size] : 0;
}

/**
 * Dollars exactly as `Intl.NumberFormat("en-US", { style: "currency", currency: "USD" })` writes
 * them ("$1,234.50", "-$0.25"), without Intl: the studio prices every take and setting as it
 * renders, and a browser's first currency formatter loads ICU's data, which was about 50 ms of
 * the studio's first load, before the page could paint. Like ICU, it rounds the shortest decimal
 * form of the number half away from zero (1.005 is "$1.01", where toFixed says 1.00).
 */
export function formatUsd(amount: number): string {
  const sign = amount < 0 || Object.is(amount, -0) ? "-" : "";
  if (Number.isNaN(amount)) return "$NaN";
  if (!Number.isFinite(amount)) return `${sign}$∞`;
  let digits = Math.abs(amount).toString();
  if (digits.includes("e")) {
    // Below 1e-6 it rounds to $0.00; from 1e21 up (never a price) ICU knows best.
    if (Math.abs(amount) >= 1) {
      return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);
    }
    digits = "0";
  }
  const [whole, fraction = ""] = digits.split(".");
  const thousandths = `${fraction}000`.slice(0, 3);
  const cents = BigInt(whole + thousandths.slice(0, 2)) + (Number(thousandths[2]) >= 5 ? 1n : 0n);
  const text = cents.toString().padStart(3, "0");
  const grouped = text.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${grouped}.${text.slice(-2)}`;
}
