import { describe, expect, it } from "vitest";
import { checkVideoRequest, type FormRequest, isSeed } from "./request-check";
import {
  fieldErrorsOf,
  type MediaKind,
  NEGATIVE_PROMPT_MAX,
  PROMPT_MAX,
  SEED_MAX,
  seedSchema,
  videoRequestSchema,
} from "./video-request";

/**
 * The browser's check (no zod) must say exactly what the server's schema says: the same
 * verdict, the same issues in the same order, the same field errors and the same request.
 */
function expectSameAsSchema(input: FormRequest) {
  const schema = videoRequestSchema.safeParse(input);
  const check = checkVideoRequest(input);
  const shown = JSON.stringify(input, (_, value) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  );
  expect(check.success, shown).toBe(schema.success);
  if (schema.success && check.success) {
    expect(JSON.stringify(check.data), shown).toBe(JSON.stringify(schema.data));
  }
  if (!schema.success && !check.success) {
    expect(
      check.issues.map((issue) => [issue.path, issue.message]),
      shown,
    ).toEqual(schema.error.issues.map((issue) => [issue.path, issue.message]));
    expect(check.fieldErrors, shown).toEqual(fieldErrorsOf(schema.error));
  }
}

const kinds: MediaKind[] = ["first_frame", "last_frame", "first_clip", "driving_audio"];
const subsets: MediaKind[][] = Array.from({ length: 16 }, (_, mask) =>
  kinds.filter((_, bit) => mask & (1 << bit)),
);
const refs = (list: MediaKind[]) => list.map((type, i) => ({ type, mediaId: `media${i}` }));
const base: FormRequest = {
  media: refs(["first_frame"]),
  seconds: 5,
  size: "720P",
  prompt: "",
  takes: 1,
};

const numbers = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1e20,
  -1,
  -0.5,
  0,
  1,
  1.5,
  2,
  2.5,
  4,
  5,
  15,
  15.5,
  16,
  SEED_MAX,
  SEED_MAX + 1,
  SEED_MAX + 0.5,
  2 ** 53,
  1e20,
];
const texts = (max: number) => [
  undefined,
  "",
  "   ",
  " a calm sea ",
  "x".repeat(max),
  "x".repeat(max + 1),
  ` ${"x".repeat(max)} `,
  "人物慢慢转身 🎬",
];
const variations: Partial<Record<keyof FormRequest, unknown[]>> = {
  media: [
    ...subsets.map(refs),
    refs(["last_frame", "first_frame"]),
    refs(["first_frame", "first_frame"]),
    refs(["first_clip", "first_clip", "last_frame"]),
  ],
  seconds: numbers,
  size: ["720P", "1080P", "4K", ""],
  prompt: texts(PROMPT_MAX),
  negativePrompt: texts(NEGATIVE_PROMPT_MAX),
  seed: [undefined, ...numbers],
  promptExtend: [undefined, true, false],
  watermark: [undefined, true, false],
  takes: numbers,
};
const fields = Object.keys(variations) as (keyof FormRequest)[];

describe("the browser's request check", () => {
  it("agrees with the schema on each field's edge values", () => {
    for (const field of fields) {
      for (const value of variations[field] ?? []) {
        expectSameAsSchema({ ...base, [field]: value } as FormRequest);
      }
    }
  });

  it("agrees with the schema on every pair of fields", () => {
    for (const [i, first] of fields.entries()) {
      for (const second of fields.slice(i + 1)) {
        for (const a of variations[first] ?? []) {
          for (const b of variations[second] ?? []) {
            expectSameAsSchema({ ...base, [first]: a, [second]: b } as FormRequest);
          }
        }
      }
    }
  });

  it("agrees with the schema on random whole forms", () => {
    // A fixed-seed generator (mulberry32): the same 3,000 forms on every run.
    let state = 12_345;
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    for (let n = 0; n < 3000; n++) {
      const form = { ...base } as Record<string, unknown>;
      for (const field of fields) if (random() < 0.5) form[field] = pick(variations[field] ?? []);
      expectSameAsSchema(form as unknown as FormRequest);
    }
  });

  it("takes a seed exactly when the seed schema does", () => {
    for (const value of numbers) expect(isSeed(value)).toBe(seedSchema.safeParse(value).success);
  });
});
