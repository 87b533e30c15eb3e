import { describe, expect, it } from "vitest";
import {
  clipDurationProblem,
  combinationProblem,
  durationNote,
  fieldErrorsOf,
  isAllowedCombination,
  type MediaKind,
  mediaKinds,
  NEGATIVE_PROMPT_MAX,
  PROMPT_MAX,
  PROMPT_REQUIRED_MESSAGE,
  promptProblem,
  SEED_MAX,
  seedsForTakes,
  slotBlockReason,
  videoRequestSchema,
} from "./video-request";

/** Every subset of the four media kinds (2^4 = 16), with the verdict the model gives. */
const allowed = new Set([
  "first_frame",
  "first_frame+driving_audio",
  "first_frame+last_frame",
  "first_frame+last_frame+driving_audio",
  "first_clip",
  "first_clip+last_frame",
]);
const order: MediaKind[] = ["first_frame", "first_clip", "last_frame", "driving_audio"];
const subsets: MediaKind[][] = Array.from({ length: 16 }, (_, mask) =>
  order.filter((_, bit) => mask & (1 << bit)),
);
const keyOf = (kinds: MediaKind[]) => kinds.join("+");

function request(kinds: MediaKind[], extra: Record<string, unknown> = {}) {
  return {
    media: kinds.map((type, index) => ({ type, mediaId: `m${index}` })),
    seconds: 5,
    size: "720P",
    ...extra,
  };
}

describe("media combinations", () => {
  it("enumerates 16 distinct subsets, 6 of them allowed", () => {
    expect(new Set(subsets.map(keyOf)).size).toBe(16);
    expect(subsets.filter((kinds) => allowed.has(keyOf(kinds)))).toHaveLength(6);
  });

  it.each(subsets.map((kinds) => [keyOf(kinds) || "(none)", kinds] as const))(
    "%s",
    (_name, kinds) => {
      const expected = allowed.has(keyOf(kinds));
      expect(isAllowedCombination(kinds)).toBe(expected);
      // Order does not matter.
      expect(isAllowedCombination([...kinds].reverse())).toBe(expected);
      const parsed = videoRequestSchema.safeParse(request(kinds));
      expect(parsed.success).toBe(expected);
      expect(combinationProblem(kinds) === null).toBe(expected);
      if (!parsed.success) {
        // The message lands on a field the form shows (a slot, or the media as a whole).
        const fields = Object.keys(fieldErrorsOf(parsed.error));
        expect(fields.length).toBeGreaterThan(0);
        expect(fields.every((field) => [...mediaKinds, "media"].includes(field))).toBe(true);
      }
    },
  );

  it.each(mediaKinds.map((kind) => [kind]))("refuses %s given twice", (kind) => {
    const base: MediaKind[] = kind === "first_clip" ? ["first_clip"] : ["first_frame"];
    const kinds = [...new Set([...base, kind]), kind] as MediaKind[];
    expect(isAllowedCombination(kinds)).toBe(false);
    const parsed = videoRequestSchema.safeParse(request(kinds));
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldErrorsOf(parsed.error)[kind]?.[0]).toMatch(/more than once/);
    }
  });

  it("explains why a slot is blocked, naming the conflict", () => {
    expect(slotBlockReason("driving_audio", ["first_clip"])).toMatch(
      /first frame, not a first clip/,
    );
    expect(slotBlockReason("first_frame", ["first_clip"])).toMatch(/first clip already opens/);
    expect(slotBlockReason("first_clip", ["first_frame"])).toMatch(/replaces the first frame/);
    expect(slotBlockReason("first_clip", ["driving_audio"])).toMatch(/cannot take driving audio/);
    expect(slotBlockReason("last_frame", ["first_clip"])).toBeNull();
    expect(slotBlockReason("driving_audio", ["first_frame", "last_frame"])).toBeNull();
    // A slot is judged against the others, not against itself.
    expect(slotBlockReason("first_clip", ["first_clip"])).toBeNull();
  });

  it("every slot is open on an empty form", () => {
    for (const kind of mediaKinds) expect(slotBlockReason(kind, [])).toBeNull();
  });
});

describe("seconds", () => {
  it.each([2, 3, 5, 10, 15])("accepts %i", (seconds) => {
    expect(videoRequestSchema.safeParse(request(["first_frame"], { seconds })).success).toBe(true);
  });

  it.each([
    [1, /at least 2/],
    [0, /at least 2/],
    [-5, /at least 2/],
    [16, /at most 15/],
    [100, /at most 15/],
    [5.5, /whole number/],
    [Number.NaN, /duration/i],
    ["5", /duration/i],
    [undefined, /duration/i],
  ])("refuses %s", (seconds, message) => {
    const parsed = videoRequestSchema.safeParse(request(["first_frame"], { seconds }));
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(fieldErrorsOf(parsed.error).seconds?.[0]).toMatch(message);
  });
});

describe("size", () => {
  it.each(["720P", "1080P"])("accepts %s", (size) => {
    expect(videoRequestSchema.safeParse(request(["first_frame"], { size })).success).toBe(true);
  });

  it.each(["720p", "480P", "1920x1080", "", undefined])("refuses %s", (size) => {
    const parsed = videoRequestSchema.safeParse(request(["first_frame"], { size }));
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(fieldErrorsOf(parsed.error).size?.[0]).toBe("Choose 720P or 1080P.");
  });
});

describe("prompt", () => {
  it("is optional, and blank means none", () => {
    const none = videoRequestSchema.parse(request(["first_frame"]));
    expect(none.prompt).toBeUndefined();
    const blank = videoRequestSchema.parse(request(["first_frame"], { prompt: "   " }));
    expect(blank.prompt).toBeUndefined();
  });

  it(`accepts exactly ${PROMPT_MAX} characters and trims`, () => {
    const text = "a".repeat(PROMPT_MAX);
    expect(
      videoRequestSchema.parse(request(["first_frame"], { prompt: `  ${text}  ` })).prompt,
    ).toBe(text);
  });

  it(`refuses ${PROMPT_MAX + 1} characters`, () => {
    const parsed = videoRequestSchema.safeParse(
      request(["first_frame"], { prompt: "a".repeat(PROMPT_MAX + 1) }),
    );
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(fieldErrorsOf(parsed.error).prompt?.[0]).toMatch(/800 characters/);
  });

  it("keeps non-ASCII text", () => {
    const prompt = "人物慢慢转身，微笑 🎬";
    expect(videoRequestSchema.parse(request(["first_frame"], { prompt })).prompt).toBe(prompt);
  });
});

describe("media ids", () => {
  it("refuses an empty id and an unknown type", () => {
    expect(
      videoRequestSchema.safeParse({
        ...request([]),
        media: [{ type: "first_frame", mediaId: "" }],
      }).success,
    ).toBe(false);
    expect(
      videoRequestSchema.safeParse({ ...request([]), media: [{ type: "poster", mediaId: "x" }] })
        .success,
    ).toBe(false);
  });
});

describe("zod's own messages", () => {
  // The rulebook is built with zod/mini (small in the browser), which leaves the messages zod
  // writes itself to a locale: they must read as zod's English ones, as the server sends them.
  it("stay in zod's English wording", () => {
    const missing = videoRequestSchema.safeParse({ seconds: 5, size: "720P" });
    expect(missing.success).toBe(false);
    if (!missing.success) {
      expect(fieldErrorsOf(missing.error).media).toEqual([
        "Invalid input: expected array, received undefined",
      ]);
    }
    const unknown = videoRequestSchema.safeParse({
      ...request([]),
      media: [{ type: "poster", mediaId: "x" }],
    });
    expect(unknown.success).toBe(false);
    if (!unknown.success) {
      expect(unknown.error.issues[0]?.message).toMatch(/^Invalid option: expected one of /);
    }
  });
});

describe("durations with a clip or audio", () => {
  it("needs a total at least as long as the first clip", () => {
    expect(clipDurationProblem(3, 4.2)).toMatch(/at least 5 seconds/);
    expect(clipDurationProblem(5, 4.2)).toBeNull();
    expect(clipDurationProblem(2, undefined)).toBeNull();
  });

  it("says what the model will add, cut or leave silent", () => {
    expect(durationNote(8, { clipSeconds: 3 })).toBe(
      "5.0 s will be generated after the 3.0 s clip.",
    );
    expect(durationNote(5, { audioSeconds: 9 })).toBe("The audio is 9.0 s; it will be cut at 5 s.");
    expect(durationNote(8, { audioSeconds: 3 })).toBe(
      "The audio is 3.0 s; the last 5.0 s will be silent.",
    );
    expect(durationNote(5, { audioSeconds: 5 })).toBeNull();
  });
});

describe("promptProblem", () => {
  it("asks for a prompt only when the gateway needs one, in the sentence the form shows", () => {
    expect(promptProblem(undefined, false)).toBeNull();
    expect(promptProblem(undefined, true)).toBe(
      "This video service needs a prompt: describe the motion.",
    );
    // Blank is missing: the schema trims it away before it is sent.
    expect(promptProblem("   ", true)).toBe(PROMPT_REQUIRED_MESSAGE);
    expect(promptProblem("The fox turns its head", true)).toBeNull();
  });
});

describe("the model's options", () => {
  const SEED_SENTENCE = `The seed is a whole number from 0 to ${SEED_MAX}.`;

  it("are optional: absent means Random and the model's defaults", () => {
    const parsed = videoRequestSchema.parse(request(["first_frame"]));
    expect(parsed.seed).toBeUndefined();
    expect(parsed.negativePrompt).toBeUndefined();
    expect(parsed.promptExtend).toBeUndefined();
    expect(parsed.watermark).toBeUndefined();
    expect(parsed.takes).toBe(1);
  });

  it.each([0, 1, 42, SEED_MAX])("accepts seed %i", (seed) => {
    expect(videoRequestSchema.parse(request(["first_frame"], { seed })).seed).toBe(seed);
  });

  it.each([
    ["-1", -1],
    ["2^31", 2 ** 31],
    ["1.5", 1.5],
    ['"abc"', "abc"],
    ['"42" (a string)', "42"],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["null", null],
  ])("refuses seed %s with a sentence on the seed field", (_name, seed) => {
    const parsed = videoRequestSchema.safeParse(request(["first_frame"], { seed }));
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldErrorsOf(parsed.error)).toEqual({ seed: [SEED_SENTENCE] });
    }
  });

  it(`takes a negative prompt of ${NEGATIVE_PROMPT_MAX} characters, trimmed; blank is none`, () => {
    const text = "b".repeat(NEGATIVE_PROMPT_MAX);
    const parsed = videoRequestSchema.parse(
      request(["first_frame"], { negativePrompt: ` ${text} ` }),
    );
    expect(parsed.negativePrompt).toBe(text);
    const blank = videoRequestSchema.parse(request(["first_frame"], { negativePrompt: "  " }));
    expect(blank.negativePrompt).toBeUndefined();
  });

  it(`refuses a negative prompt of ${NEGATIVE_PROMPT_MAX + 1} characters`, () => {
    const parsed = videoRequestSchema.safeParse(
      request(["first_frame"], { negativePrompt: "b".repeat(NEGATIVE_PROMPT_MAX + 1) }),
    );
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldErrorsOf(parsed.error)).toEqual({
        negativePrompt: ["Keep the negative prompt within 500 characters."],
      });
    }
  });

  it("takes the switches as booleans only", () => {
    const parsed = videoRequestSchema.parse(
      request(["first_frame"], { promptExtend: false, watermark: true }),
    );
    expect(parsed).toMatchObject({ promptExtend: false, watermark: true });
    for (const [field, value, message] of [
      ["promptExtend", "false", "Prompt extension is on or off."],
      ["watermark", 1, "The watermark is on or off."],
    ] as const) {
      const bad = videoRequestSchema.safeParse(request(["first_frame"], { [field]: value }));
      expect(bad.success).toBe(false);
      if (!bad.success) expect(fieldErrorsOf(bad.error)[field]).toEqual([message]);
    }
  });

  it("names every bad field at once", () => {
    const parsed = videoRequestSchema.safeParse(
      request(["first_frame"], { seed: -1, negativePrompt: "x".repeat(501), watermark: "yes" }),
    );
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(Object.keys(fieldErrorsOf(parsed.error)).sort()).toEqual([
        "negativePrompt",
        "seed",
        "watermark",
      ]);
    }
  });
});

describe("seedsForTakes", () => {
  it("uses a fixed seed for take 1 and the next ones after it, wrapping past the maximum", () => {
    const never = () => {
      throw new Error("no random seed with a fixed one");
    };
    expect(seedsForTakes(1, 42, never)).toEqual([42]);
    expect(seedsForTakes(4, 42, never)).toEqual([42, 43, 44, 45]);
    expect(seedsForTakes(3, SEED_MAX - 1, never)).toEqual([SEED_MAX - 1, SEED_MAX, 0]);
    expect(seedsForTakes(2, 0, never)).toEqual([0, 1]);
  });

  it("draws a random seed per take, never twice the same within a set", () => {
    const draws = [7, 7, 9, 7, 9, 11, 12];
    let index = 0;
    const random = () => draws[index++] as number;
    expect(seedsForTakes(4, undefined, random)).toEqual([7, 9, 11, 12]);
    expect(index).toBe(7);
  });

  it("makes exactly as many seeds as takes, each a valid seed", () => {
    for (let takes = 1; takes <= 4; takes++) {
      const seeds = seedsForTakes(takes, undefined, () =>
        Math.floor(Math.random() * (SEED_MAX + 1)),
      );
      expect(seeds).toHaveLength(takes);
      expect(new Set(seeds).size).toBe(takes);
      for (const seed of seeds)
        expect(videoRequestSchema.shape.seed.safeParse(seed).success).toBe(true);
    }
  });
});
