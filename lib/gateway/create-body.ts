import { type MediaKind, MODEL, type VideoSize } from "@/lib/video-request";

/**
 * The create body, in both dialects a gateway may read (upstream-api.md, last section):
 * - documented: `media`, `negative_prompt`, `seed`, `prompt_extend`, `watermark` top-level;
 * - mainline new-api: it decodes the body into a fixed struct and silently drops those
 *   top-level fields, but copies `metadata` onto the provider request, so the same values
 *   travel as `metadata.input.{media, negative_prompt}` and
 *   `metadata.parameters.{seed, prompt_extend, watermark}` (nested keys win there).
 * Sending both is safe everywhere; `GATEWAY_BODY_STYLE` (the client's `bodyStyle`) narrows it
 * for a build that refuses one.
 */

export type GatewayBodyStyle = "both" | "top" | "metadata";
export const gatewayBodyStyles = ["both", "top", "metadata"] as const;

export interface CreateMedia {
  type: MediaKind;
  url: string;
}

/** What travels in `metadata.parameters`: the model's own option names and types. */
export interface CreateParameters {
  seed?: number;
  prompt_extend?: boolean;
  watermark?: boolean;
}

/** The create body. `seconds` is a STRING on the wire ("2" … "15"), as the contract says. */
export interface CreateVideoBody extends CreateParameters {
  model: string;
  seconds: string;
  size: VideoSize;
  prompt?: string;
  /** Top-level (documented) media list. */
  media?: CreateMedia[];
  negative_prompt?: string;
  /** What mainline new-api reads; the only way `first_clip` and `driving_audio` reach it. */
  metadata?: {
    input?: { media?: CreateMedia[]; negative_prompt?: string };
    parameters?: CreateParameters;
  };
}

/** Our request's fields that reach the body; the optional ones are sent only when set. */
export interface CreateBodyInput {
  seconds: number;
  size: VideoSize;
  prompt?: string;
  negativePrompt?: string;
  /** 0 … 2147483647 */
  seed?: number;
  promptExtend?: boolean;
  watermark?: boolean;
}

const MAX_SEED = 2_147_483_647;

/** The complete body, in both forms; the client narrows it with `styleCreateBody`. */
export function buildCreateBody(request: CreateBodyInput, media: CreateMedia[]): CreateVideoBody {
  if (!Number.isInteger(request.seconds)) {
    throw new RangeError(`seconds must be a whole number, got ${request.seconds}`);
  }
  if (
    request.seed !== undefined &&
    (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > MAX_SEED)
  ) {
    throw new RangeError(`seed must be a whole number from 0 to ${MAX_SEED}, got ${request.seed}`);
  }
  const body: CreateVideoBody = {
    model: MODEL,
    // The gateway takes `seconds` as an integer string; a number is refused by some builds.
    seconds: String(request.seconds),
    // Always sent: gateway builds disagree on the default.
    size: request.size,
    media: media.map(({ type, url }) => ({ type, url })),
  };
  const prompt = request.prompt?.trim();
  if (prompt) body.prompt = prompt;
  const input: NonNullable<CreateVideoBody["metadata"]>["input"] = {
    media: media.map(({ type, url }) => ({ type, url })),
  };
  const negative = request.negativePrompt?.trim();
  if (negative) {
    body.negative_prompt = negative;
    input.negative_prompt = negative;
  }
  const parameters: CreateParameters = {};
  if (request.seed !== undefined) parameters.seed = request.seed;
  if (request.promptExtend !== undefined) parameters.prompt_extend = request.promptExtend;
  if (request.watermark !== undefined) parameters.watermark = request.watermark;
  Object.assign(body, parameters);
  body.metadata = { input };
  if (Object.keys(parameters).length > 0) body.metadata.parameters = { ...parameters };
  return body;
}

/** The body as one gateway build reads it: both forms, only the top-level one, or only metadata. */
export function styleCreateBody(body: CreateVideoBody, style: GatewayBodyStyle): CreateVideoBody {
  if (style === "both") return body;
  if (style === "top") {
    const { metadata: _dropped, ...top } = body;
    return top;
  }
  const {
    media: _media,
    negative_prompt: _negative,
    seed: _seed,
    prompt_extend: _extend,
    watermark: _watermark,
    ...core
  } = body;
  // A body built elsewhere with only top-level fields keeps its values in the nested form.
  const input = {
    ...(body.media ? { media: body.media } : {}),
    ...(body.negative_prompt ? { negative_prompt: body.negative_prompt } : {}),
    ...body.metadata?.input,
  };
  const parameters: CreateParameters = {
    ...(body.seed !== undefined ? { seed: body.seed } : {}),
    ...(body.prompt_extend !== undefined ? { prompt_extend: body.prompt_extend } : {}),
    ...(body.watermark !== undefined ? { watermark: body.watermark } : {}),
    ...body.metadata?.parameters,
  };
  return {
    ...core,
    metadata: {
      ...body.metadata,
      input,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    },
  };
}
