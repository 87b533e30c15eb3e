import {
  isAllowedCombination,
  type MediaKind,
  MODEL,
  mediaKinds,
  PROMPT_MAX,
  SECONDS_DEFAULT,
  SECONDS_MAX,
  SECONDS_MIN,
  sizes,
  type VideoSize,
} from "@/lib/video-request";

/**
 * What the real gateway refuses at create time, refused the same way. Choices where the
 * contract leaves room, made strict so client bugs show in the demo:
 * - `seconds` must be an integer STRING ("2" … "15"); a JSON number is refused. Absent → "5".
 * - `size` must be "720P" or "1080P"; absent → "720P" (our client always sends it).
 * - `media` is the style we send; the older `image` (one first frame) and `images` (exactly
 *   [first_frame, last_frame]) are accepted and mapped, but not mixed with `media`.
 */

export interface DemoMedia {
  type: MediaKind;
  url: string;
}

export interface DemoRequest {
  model: string;
  media: DemoMedia[];
  seconds: string;
  size: VideoSize;
  prompt?: string;
  negative_prompt?: string;
  prompt_extend?: boolean;
  watermark?: boolean;
  seed?: number;
}

export type Validation = { ok: true; request: DemoRequest } | { ok: false; message: string };

const NEGATIVE_PROMPT_MAX = 500;
const SEED_MAX = 2_147_483_647;

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function readMedia(body: Record<string, unknown>): DemoMedia[] | string {
  const { media, image, images } = body;
  if (media !== undefined && (image !== undefined || images !== undefined)) {
    return "Use either media or the older image/images fields, not both.";
  }
  if (image !== undefined) {
    if (!isHttpUrl(image)) return "image must be an http(s) URL.";
    return [{ type: "first_frame", url: image }];
  }
  if (images !== undefined) {
    if (!Array.isArray(images) || images.length !== 2 || !images.every(isHttpUrl)) {
      return "images must be exactly two http(s) URLs: [first_frame, last_frame].";
    }
    return [
      { type: "first_frame", url: images[0] },
      { type: "last_frame", url: images[1] },
    ];
  }
  if (media === undefined) return "media is required: at least a first_frame or a first_clip.";
  if (!Array.isArray(media) || media.length === 0) {
    return "media must be a non-empty array of {type, url}.";
  }
  const items: DemoMedia[] = [];
  for (const [index, item] of media.entries()) {
    const { type, url } = (item ?? {}) as { type?: unknown; url?: unknown };
    if (typeof type !== "string" || !(mediaKinds as readonly string[]).includes(type)) {
      return `media[${index}].type must be one of ${mediaKinds.join(", ")}.`;
    }
    if (!isHttpUrl(url)) return `media[${index}].url must be an http(s) URL.`;
    items.push({ type: type as MediaKind, url });
  }
  return items;
}

export function validateCreate(json: unknown): Validation {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, message: "The request body must be a JSON object." };
  }
  const body = json as Record<string, unknown>;
  const refuse = (message: string): Validation => ({ ok: false, message });

  if (body.model !== MODEL) {
    return refuse(`model must be "${MODEL}" (got ${JSON.stringify(body.model ?? null)}).`);
  }

  const media = readMedia(body);
  if (typeof media === "string") return refuse(media);
  const kinds = media.map((item) => item.type);
  const twice = kinds.find((kind, index) => kinds.indexOf(kind) !== index);
  if (twice) return refuse(`media type ${twice} is given more than once.`);
  if (!isAllowedCombination(kinds)) {
    return refuse(`This media combination is not supported: ${kinds.join(" + ")}.`);
  }

  const seconds = body.seconds ?? String(SECONDS_DEFAULT);
  if (typeof seconds !== "string") {
    return refuse(`seconds must be a string such as "5" (got a ${typeof seconds}).`);
  }
  if (!/^\d+$/.test(seconds) || Number(seconds) < SECONDS_MIN || Number(seconds) > SECONDS_MAX) {
    return refuse(`seconds must be an integer from "${SECONDS_MIN}" to "${SECONDS_MAX}".`);
  }

  const size = body.size ?? "720P";
  if (typeof size !== "string" || !(sizes as readonly string[]).includes(size)) {
    return refuse(`size must be one of ${sizes.join(", ")}.`);
  }

  const request: DemoRequest = { model: MODEL, media, seconds, size: size as VideoSize };

  if (body.prompt !== undefined && body.prompt !== null) {
    if (typeof body.prompt !== "string") return refuse("prompt must be a string.");
    if ([...body.prompt].length > PROMPT_MAX) {
      return refuse(`prompt must be at most ${PROMPT_MAX} characters.`);
    }
    request.prompt = body.prompt;
  }
  if (body.negative_prompt !== undefined && body.negative_prompt !== null) {
    if (typeof body.negative_prompt !== "string")
      return refuse("negative_prompt must be a string.");
    if ([...body.negative_prompt].length > NEGATIVE_PROMPT_MAX) {
      return refuse(`negative_prompt must be at most ${NEGATIVE_PROMPT_MAX} characters.`);
    }
    request.negative_prompt = body.negative_prompt;
  }
  for (const flag of ["prompt_extend", "watermark"] as const) {
    const value = body[flag];
    if (value === undefined || value === null) continue;
    if (typeof value !== "boolean") return refuse(`${flag} must be true or false.`);
    request[flag] = value;
  }
  if (body.seed !== undefined && body.seed !== null) {
    const { seed } = body;
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) {
      return refuse(`seed must be an integer from 0 to ${SEED_MAX}.`);
    }
    request.seed = seed;
  }
  return { ok: true, request };
}
