import { describe, expect, it } from "vitest";
import {
  advancedDefaults,
  advancedFromTask,
  advancedRequest,
  isAdvancedChanged,
  optionFacts,
  SEED_MAX,
  seedFilter,
  seedFromText,
} from "./model-options";
import { fieldErrorsOf, videoRequestSchema } from "./video-request";

const base = { media: [{ type: "first_frame", mediaId: "m1" }], seconds: 5, size: "720P" };

describe("the Advanced section as request fields", () => {
  it("sends nothing when every option is left at its default", () => {
    expect(advancedRequest(advancedDefaults)).toEqual({});
    expect(isAdvancedChanged(advancedDefaults)).toBe(false);
    // A blank negative prompt, and a seed typed while Random stays checked, are not sent.
    expect(advancedRequest({ ...advancedDefaults, negativePrompt: "  ", seedText: "7" })).toEqual(
      {},
    );
  });

  it("sends only what differs from the model's defaults", () => {
    expect(
      advancedRequest({
        negativePrompt: "blur",
        randomSeed: false,
        seedText: " 42 ",
        promptExtend: false,
        watermark: true,
      }),
    ).toEqual({ negativePrompt: "blur", seed: 42, promptExtend: false, watermark: true });
    expect(advancedRequest({ ...advancedDefaults, watermark: true })).toEqual({ watermark: true });
  });

  it.each([
    ["-1", -1],
    ["2147483648", 2_147_483_648],
    ["1.5", 1.5],
    ["abc", Number.NaN],
    ["", Number.NaN],
    ["1e3", Number.NaN],
    ["0x10", Number.NaN],
  ])("reads the typed seed %j as %s, which the rulebook refuses with its sentence", (text, n) => {
    expect(seedFromText(text)).toBe(n);
    const parsed = videoRequestSchema.safeParse({
      ...base,
      ...advancedRequest({ ...advancedDefaults, randomSeed: false, seedText: text }),
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldErrorsOf(parsed.error).seed).toEqual([
        `The seed is a whole number from 0 to ${SEED_MAX}.`,
      ]);
    }
  });
});

describe("remixing a task's options", () => {
  const stored = { negativePrompt: "blur", seed: 99, promptExtend: false, watermark: true };

  it("keeps the options and makes the seed Random, unless 'Use this seed'", () => {
    expect(advancedFromTask(stored, false)).toEqual({
      negativePrompt: "blur",
      randomSeed: true,
      seedText: "",
      promptExtend: false,
      watermark: true,
    });
    expect(advancedFromTask(stored, true)).toMatchObject({ randomSeed: false, seedText: "99" });
    expect(advancedRequest(advancedFromTask(stored, true)).seed).toBe(99);
  });

  it("reads nulls as the model's defaults, and a missing seed as Random", () => {
    const old = { negativePrompt: null, seed: null, promptExtend: null, watermark: null };
    expect(advancedFromTask(old, true)).toEqual(advancedDefaults);
  });
});

describe("how a result shows its options", () => {
  it("says which switches are the defaults", () => {
    expect(
      optionFacts({ negativePrompt: null, seed: 0, promptExtend: null, watermark: null }),
    ).toEqual([
      ["Negative prompt", "None"],
      ["Seed", "0"],
      ["Prompt extension", "On (default)"],
      ["Watermark", "Off (default)"],
    ]);
    expect(
      optionFacts({ negativePrompt: "blur", seed: null, promptExtend: false, watermark: true }),
    ).toEqual([
      ["Negative prompt", "blur"],
      ["Seed", "Not recorded"],
      ["Prompt extension", "Off"],
      ["Watermark", "On"],
    ]);
  });
});

describe("the history's seed filter", () => {
  it("takes a seed, ignores blank, and calls anything else invalid", () => {
    expect(seedFilter(undefined)).toBeUndefined();
    expect(seedFilter(" ")).toBeUndefined();
    expect(seedFilter("0")).toBe(0);
    expect(seedFilter(" 2147483647 ")).toBe(SEED_MAX);
    for (const text of ["-1", "2147483648", "1.5", "abc", "12abc"]) {
      expect(seedFilter(text)).toBe("invalid");
    }
  });
});
