import { describe, expect, it } from "vitest";
import { validateCreate } from "./validate";

const frame = "https://media.example/frame.png";
const base = {
  model: "wan2.7-i2v",
  media: [{ type: "first_frame", url: frame }],
  seconds: "5",
  size: "720P",
};

function refusal(body: unknown): string {
  const result = validateCreate(body);
  if (result.ok) throw new Error("expected a refusal");
  return result.message;
}

describe("validateCreate", () => {
  it("accepts the body our client sends", () => {
    const result = validateCreate({ ...base, prompt: "waves", seed: 7, watermark: false });
    expect(result).toEqual({
      ok: true,
      request: { ...base, prompt: "waves", seed: 7, watermark: false },
    });
  });

  it('defaults seconds to "5" and size to 720P', () => {
    const result = validateCreate({ model: "wan2.7-i2v", media: base.media });
    expect(result.ok && result.request).toMatchObject({ seconds: "5", size: "720P" });
  });

  it("maps the older image and images fields", () => {
    const one = validateCreate({ model: "wan2.7-i2v", image: frame });
    expect(one.ok && one.request.media).toEqual([{ type: "first_frame", url: frame }]);
    const two = validateCreate({ model: "wan2.7-i2v", images: [frame, "https://m.example/l.png"] });
    expect(two.ok && two.request.media).toEqual([
      { type: "first_frame", url: frame },
      { type: "last_frame", url: "https://m.example/l.png" },
    ]);
  });

  it.each([
    [[{ type: "first_frame" }, { type: "driving_audio" }]],
    [[{ type: "first_frame" }, { type: "last_frame" }]],
    [[{ type: "first_frame" }, { type: "last_frame" }, { type: "driving_audio" }]],
    [[{ type: "first_clip" }]],
    [[{ type: "first_clip" }, { type: "last_frame" }]],
  ])("accepts the combination %j", (types) => {
    const media = types.map((t, i) => ({ ...t, url: `https://m.example/${i}` }));
    expect(validateCreate({ ...base, media }).ok).toBe(true);
  });

  it.each([
    ["another model", { ...base, model: "wan2.2-i2v" }, /model must be "wan2\.7-i2v"/],
    ["no media", { model: "wan2.7-i2v" }, /media is required/],
    ["empty media", { ...base, media: [] }, /non-empty/],
    ["unknown type", { ...base, media: [{ type: "audio", url: frame }] }, /media\[0\]\.type/],
    [
      "data URL",
      { ...base, media: [{ type: "first_frame", url: "data:image/png;base64,AA" }] },
      /http\(s\) URL/,
    ],
    [
      "a type twice",
      {
        ...base,
        media: [
          { type: "first_frame", url: frame },
          { type: "first_frame", url: frame },
        ],
      },
      /more than once/,
    ],
    [
      "clip with a frame",
      {
        ...base,
        media: [
          { type: "first_clip", url: frame },
          { type: "first_frame", url: frame },
        ],
      },
      /not supported: first_clip \+ first_frame/,
    ],
    [
      "clip with audio",
      {
        ...base,
        media: [
          { type: "first_clip", url: frame },
          { type: "driving_audio", url: frame },
        ],
      },
      /not supported/,
    ],
    [
      "only a last frame",
      { ...base, media: [{ type: "last_frame", url: frame }] },
      /not supported/,
    ],
    ["media and image", { ...base, image: frame }, /not both/],
    ["images of one", { model: "wan2.7-i2v", images: [frame] }, /exactly two/],
    ["seconds as a number", { ...base, seconds: 5 }, /must be a string/],
    ["seconds too short", { ...base, seconds: "1" }, /from "2" to "15"/],
    ["seconds too long", { ...base, seconds: "16" }, /from "2" to "15"/],
    ["seconds not an integer", { ...base, seconds: "5.5" }, /integer/],
    ["size as WxH", { ...base, size: "1280x720" }, /size must be one of 720P, 1080P/],
    ["prompt too long", { ...base, prompt: "a".repeat(801) }, /at most 800/],
    ["prompt not a string", { ...base, prompt: 3 }, /prompt must be a string/],
    ["negative prompt too long", { ...base, negative_prompt: "a".repeat(501) }, /at most 500/],
    ["seed out of range", { ...base, seed: -1 }, /seed must be an integer/],
    ["watermark not boolean", { ...base, watermark: "yes" }, /watermark must be true or false/],
    ["not an object", [base], /JSON object/],
  ])("refuses %s", (_name, body, message) => {
    expect(refusal(body)).toMatch(message);
  });

  it("counts prompt characters, not UTF-16 units", () => {
    expect(validateCreate({ ...base, prompt: "🎬".repeat(800) }).ok).toBe(true);
  });
});
