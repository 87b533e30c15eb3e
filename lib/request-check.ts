import {
  combinationProblem,
  type FieldErrors,
  type MediaKind,
  type MediaRef,
  mediaKindLabels,
  NEGATIVE_PROMPT_MAX,
  PROMPT_MAX,
  SECONDS_MAX,
  SECONDS_MIN,
  SEED_MAX,
  SEED_MESSAGE,
  sizes,
  slotBlockReason,
  TAKES_MAX,
  TAKES_MIN,
  type VideoRequestField,
  type VideoSize,
} from "./request-rules";

/**
 * The studio form's check of a request, in the browser, without zod: the rules and sentences
 * of `videoRequestSchema` (lib/video-request.ts) applied to what the form can send, with the
 * same verdict, the same messages in the same order and the same parsed request. The server
 * still parses with the schema (its input is untrusted); `request-check.test.ts` holds this
 * module to the schema over every combination and the edge values of each field. (Media
 * refs are not re-checked here: the form's come from our own upload answers.)
 */

/** What the form sends: its fields as typed (a blank duration or seed is NaN). */
export interface FormRequest {
  media: MediaRef[];
  seconds: number;
  size: VideoSize;
  prompt?: string;
  negativePrompt?: string;
  seed?: number;
  promptExtend?: boolean;
  watermark?: boolean;
  takes: number;
}

/** The request as the server will parse it (texts trimmed, blank ones left out). */
export interface CheckedRequest extends Omit<FormRequest, "prompt" | "negativePrompt"> {
  prompt?: string;
  negativePrompt?: string;
}

export interface RequestIssue {
  path: VideoRequestField[];
  message: string;
}

export type RequestCheck =
  | { success: true; data: CheckedRequest }
  | { success: false; issues: RequestIssue[]; fieldErrors: FieldErrors };

interface WholeNumberRule {
  min: number;
  max: number;
  /** Not a number at all (NaN, Infinity). */
  type: string;
  /** A fraction, or a number too large to be exact. */
  whole: string;
  tooSmall: string;
  tooBig: string;
}

interface Verdict {
  messages: string[];
  /**
   * A wrong type (not a finite number, a fraction, an unknown size): zod stops there, and the
   * request's media rules are not judged. A value out of range or a text too long does not.
   */
  fatal: boolean;
}

/**
 * zod's `number().int().min().max()` with a message each: not a finite number, or a
 * fraction, ends the check there; a whole number beyond 2^53 is "not whole" and is still
 * held to the range.
 */
function wholeNumber(value: unknown, rule: WholeNumberRule): Verdict {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return { messages: [rule.type], fatal: true };
  }
  if (!Number.isInteger(value)) return { messages: [rule.whole], fatal: true };
  const messages = Number.isSafeInteger(value) ? [] : [rule.whole];
  if (value < rule.min) messages.push(rule.tooSmall);
  if (value > rule.max) messages.push(rule.tooBig);
  return { messages, fatal: false };
}

const secondsRule: WholeNumberRule = {
  min: SECONDS_MIN,
  max: SECONDS_MAX,
  type: "Choose a duration.",
  whole: "The duration is a whole number of seconds.",
  tooSmall: `The duration is at least ${SECONDS_MIN} seconds.`,
  tooBig: `The duration is at most ${SECONDS_MAX} seconds.`,
};
const seedRule: WholeNumberRule = {
  min: 0,
  max: SEED_MAX,
  type: SEED_MESSAGE,
  whole: SEED_MESSAGE,
  tooSmall: SEED_MESSAGE,
  tooBig: SEED_MESSAGE,
};
const TAKES_MESSAGE = `Choose ${TAKES_MIN} to ${TAKES_MAX} takes.`;
const takesRule: WholeNumberRule = {
  min: TAKES_MIN,
  max: TAKES_MAX,
  type: TAKES_MESSAGE,
  whole: TAKES_MESSAGE,
  tooSmall: TAKES_MESSAGE,
  tooBig: TAKES_MESSAGE,
};

/** A seed the schema takes: a whole number from 0 to SEED_MAX. */
export function isSeed(value: unknown): value is number {
  return wholeNumber(value, seedRule).messages.length === 0;
}

export function checkVideoRequest(input: FormRequest): RequestCheck {
  const issues: RequestIssue[] = [];
  let fatal = false;
  const add = (field: VideoRequestField, verdict: Verdict) => {
    for (const message of verdict.messages) issues.push({ path: [field], message });
    fatal ||= verdict.fatal;
  };
  const text = (value: string | undefined, max: number, message: string) => {
    const trimmed = value?.trim();
    const messages = trimmed && trimmed.length > max ? [message] : [];
    return { value: trimmed || undefined, messages, fatal: false };
  };

  add("seconds", wholeNumber(input.seconds, secondsRule));
  if (!(sizes as readonly string[]).includes(input.size)) {
    add("size", { messages: ["Choose 720P or 1080P."], fatal: true });
  }
  const prompt = text(input.prompt, PROMPT_MAX, `Keep the prompt within ${PROMPT_MAX} characters.`);
  add("prompt", prompt);
  const negativePrompt = text(
    input.negativePrompt,
    NEGATIVE_PROMPT_MAX,
    `Keep the negative prompt within ${NEGATIVE_PROMPT_MAX} characters.`,
  );
  add("negativePrompt", negativePrompt);
  if (input.seed !== undefined) add("seed", wholeNumber(input.seed, seedRule));
  add("takes", wholeNumber(input.takes, takesRule));

  // As the schema's refinement: the media rules are judged once every field has its type.
  if (!fatal) {
    const kinds = input.media.map((ref) => ref.type);
    const seen = new Set<MediaKind>();
    for (const kind of kinds) {
      if (seen.has(kind)) {
        add(kind, {
          messages: [`${mediaKindLabels[kind]} is given more than once.`],
          fatal: false,
        });
      }
      seen.add(kind);
    }
    const problem = seen.size === kinds.length ? combinationProblem(kinds) : null;
    if (problem) {
      const blocked = kinds.find((kind) => slotBlockReason(kind, kinds) !== null);
      add(blocked ?? "media", { messages: [problem], fatal: false });
    }
  }

  if (issues.length > 0) {
    const fieldErrors: FieldErrors = {};
    for (const issue of issues) {
      const field = issue.path[0];
      fieldErrors[field] = [...(fieldErrors[field] ?? []), issue.message];
    }
    return { success: false, issues, fieldErrors };
  }
  const { media, seconds, size, seed, promptExtend, watermark, takes } = input;
  // Keys in the schema's order, absent ones left out, as its parse returns them.
  const data = { media, seconds, size, prompt: prompt.value } as CheckedRequest;
  if ("negativePrompt" in input) data.negativePrompt = negativePrompt.value;
  if (seed !== undefined) data.seed = seed;
  if (promptExtend !== undefined) data.promptExtend = promptExtend;
  if (watermark !== undefined) data.watermark = watermark;
  data.takes = takes;
  return { success: true, data };
}
