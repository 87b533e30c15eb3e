import { z } from "zod";
import {
  combinationProblem,
  type FieldErrors,
  type MediaKind,
  type MediaRef,
  mediaKindLabels,
  mediaKinds,
  NEGATIVE_PROMPT_MAX,
  PROMPT_MAX,
  SECONDS_MAX,
  SECONDS_MIN,
  SEED_MAX,
  SEED_MESSAGE,
  sizes,
  slotBlockReason,
  TAKES_DEFAULT,
  TAKES_MAX,
  TAKES_MIN,
} from "./request-rules";

/**
 * The rulebook: what wan2.7-i2v accepts, defined once. The `submitVideo` server action, the
 * upload route and the demo gateway parse with `videoRequestSchema`; its rules and sentences
 * live in `request-rules.ts` (re-exported here), and the studio form checks the same rules
 * in the browser with `request-check.ts`, which a test holds to this schema's verdicts and
 * sentences, so the browser never loads zod.
 */
export * from "./request-rules";

export const mediaRefSchema = z.object({
  type: z.enum(mediaKinds),
  mediaId: z.string().trim().min(1, "Missing media id.").max(64),
});
/** One seed: a whole number from 0 to SEED_MAX (a string, a fraction or NaN is refused). */
export const seedSchema = z
  .number({ error: SEED_MESSAGE })
  .int(SEED_MESSAGE)
  .min(0, SEED_MESSAGE)
  .max(SEED_MAX, SEED_MESSAGE);

export const videoRequestSchema = z
  .object({
    media: z.array(mediaRefSchema).max(mediaKinds.length * 2),
    seconds: z
      .number({ error: "Choose a duration." })
      .int("The duration is a whole number of seconds.")
      .min(SECONDS_MIN, `The duration is at least ${SECONDS_MIN} seconds.`)
      .max(SECONDS_MAX, `The duration is at most ${SECONDS_MAX} seconds.`),
    size: z.enum(sizes, { error: "Choose 720P or 1080P." }),
    prompt: z
      .string()
      .trim()
      .max(PROMPT_MAX, `Keep the prompt within ${PROMPT_MAX} characters.`)
      .transform((prompt) => prompt || undefined)
      .optional(),
    negativePrompt: z
      .string()
      .trim()
      .max(
        NEGATIVE_PROMPT_MAX,
        `Keep the negative prompt within ${NEGATIVE_PROMPT_MAX} characters.`,
      )
      .transform((text) => text || undefined)
      .optional(),
    /** Absent: "Random" (the server picks one per take, stores and sends it). */
    seed: seedSchema.optional(),
    /** Absent: the model's default (on). */
    promptExtend: z.boolean({ error: "Prompt extension is on or off." }).optional(),
    /** Absent: the model's default (off). */
    watermark: z.boolean({ error: "The watermark is on or off." }).optional(),
    takes: z
      .number({ error: `Choose ${TAKES_MIN} to ${TAKES_MAX} takes.` })
      .int(`Choose ${TAKES_MIN} to ${TAKES_MAX} takes.`)
      .min(TAKES_MIN, `Choose ${TAKES_MIN} to ${TAKES_MAX} takes.`)
      .max(TAKES_MAX, `Choose ${TAKES_MIN} to ${TAKES_MAX} takes.`)
      .default(TAKES_DEFAULT),
  })
  .superRefine((request, ctx) => {
    const kinds = request.media.map((ref) => ref.type);
    const seen = new Set<MediaKind>();
    for (const kind of kinds) {
      if (seen.has(kind)) {
        ctx.addIssue({
          code: "custom",
          path: [kind],
          message: `${mediaKindLabels[kind]} is given more than once.`,
        });
      }
      seen.add(kind);
    }
    if (seen.size !== kinds.length) return;
    const problem = combinationProblem(kinds);
    if (!problem) return;
    // Put the message beside the slot that breaks the rule, so the form shows it there.
    const blocked = kinds.find((kind) => slotBlockReason(kind, kinds) !== null);
    ctx.addIssue({ code: "custom", path: [blocked ?? "media"], message: problem });
  });

export type VideoRequestInput = z.input<typeof videoRequestSchema>;
export type VideoRequest = z.infer<typeof videoRequestSchema>;

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  return z.flattenError(error).fieldErrors as FieldErrors;
}

// The rules module's plain MediaRef is the schema's own shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const mediaRefMatches: Same<MediaRef, z.infer<typeof mediaRefSchema>> = true;
void mediaRefMatches;
