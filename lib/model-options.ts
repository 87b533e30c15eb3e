import { isSeed } from "@/lib/request-check";
import {
  NEGATIVE_PROMPT_MAX,
  PROMPT_EXTEND_DEFAULT,
  SEED_MAX,
  WATERMARK_DEFAULT,
} from "@/lib/request-rules";

/**
 * The model's options as the studio form holds them (its "Advanced" section), and how they
 * become request fields, remix them and read them back on a result. Pure: the form, the
 * pages and vitest import it.
 */

export { NEGATIVE_PROMPT_MAX, PROMPT_EXTEND_DEFAULT, SEED_MAX, WATERMARK_DEFAULT };

/** What the form's Advanced section holds; text as typed, so a bad value can be explained. */
export interface AdvancedState {
  negativePrompt: string;
  /** "Random": the server picks each take's seed (and stores the one it sent). */
  randomSeed: boolean;
  seedText: string;
  promptExtend: boolean;
  watermark: boolean;
}

export const advancedDefaults: AdvancedState = {
  negativePrompt: "",
  randomSeed: true,
  seedText: "",
  promptExtend: PROMPT_EXTEND_DEFAULT,
  watermark: WATERMARK_DEFAULT,
};

/** The request fields the Advanced section contributes; names as in `videoRequestSchema`. */
export const advancedFields = ["negativePrompt", "seed", "promptExtend", "watermark"] as const;
export type AdvancedField = (typeof advancedFields)[number];

export interface AdvancedRequest {
  negativePrompt?: string;
  seed?: number;
  promptExtend?: boolean;
  watermark?: boolean;
}

/**
 * A seed as a person typed it: a number when it looks like one (signs and decimals kept, so
 * the rulebook can say "whole number from 0 to …"), NaN otherwise ("abc", "1e3", "0x10", "").
 */
export function seedFromText(text: string): number {
  const trimmed = text.trim();
  return /^[+-]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/**
 * The form's state as request fields: only what differs from the model's defaults is set
 * (a blank negative prompt, "Random", prompt extension on and watermark off are left out).
 */
export function advancedRequest(state: AdvancedState): AdvancedRequest {
  const request: AdvancedRequest = {};
  if (state.negativePrompt.trim() !== "") request.negativePrompt = state.negativePrompt;
  if (!state.randomSeed) request.seed = seedFromText(state.seedText);
  if (state.promptExtend !== PROMPT_EXTEND_DEFAULT) request.promptExtend = state.promptExtend;
  if (state.watermark !== WATERMARK_DEFAULT) request.watermark = state.watermark;
  return request;
}

/** True when the section holds anything but the defaults (a remix opens it to show them). */
export function isAdvancedChanged(state: AdvancedState): boolean {
  return Object.keys(advancedRequest(state)).length > 0;
}

/** A past task's options as it stored them (null: the model's default applied). */
export interface StoredOptions {
  negativePrompt: string | null;
  seed: number | null;
  promptExtend: boolean | null;
  watermark: boolean | null;
}

/**
 * The form prefilled from a past task: same negative prompt and switches; its seed fixed only
 * when asked ("Use this seed"), "Random" otherwise, so a remix is a new take by default.
 */
export function advancedFromTask(task: StoredOptions, keepSeed: boolean): AdvancedState {
  const fixed = keepSeed && task.seed !== null;
  return {
    negativePrompt: task.negativePrompt ?? "",
    randomSeed: !fixed,
    seedText: fixed ? String(task.seed) : "",
    promptExtend: task.promptExtend ?? PROMPT_EXTEND_DEFAULT,
    watermark: task.watermark ?? WATERMARK_DEFAULT,
  };
}

function onOff(value: boolean | null, fallback: boolean): string {
  const on = value ?? fallback;
  return `${on ? "On" : "Off"}${on === fallback ? " (default)" : ""}`;
}

/** How a result shows each option: "On (default)", "Off", "None"… */
export function optionFacts(task: StoredOptions): [term: string, value: string][] {
  return [
    ["Negative prompt", task.negativePrompt ?? "None"],
    ["Seed", task.seed === null ? "Not recorded" : String(task.seed)],
    ["Prompt extension", onOff(task.promptExtend, PROMPT_EXTEND_DEFAULT)],
    ["Watermark", onOff(task.watermark, WATERMARK_DEFAULT)],
  ];
}

/** The sentence shown when a history seed filter is not a seed (the filter is then ignored). */
export const SEED_FILTER_IGNORED = `The seed filter was ignored: a seed is a whole number from 0 to ${SEED_MAX}.`;

/** A history seed filter: the seed, undefined when blank, or "invalid". */
export function seedFilter(text: string | undefined): number | undefined | "invalid" {
  if (text === undefined || text.trim() === "") return undefined;
  // The seed schema's rule without zod (the task page's facts import this module).
  const seed = seedFromText(text);
  return isSeed(seed) ? seed : "invalid";
}
