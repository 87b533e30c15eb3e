import { describe, expect, it } from "vitest";
import {
  aspectLabel,
  aspectMismatchNote,
  checkProbe,
  cleanFileName,
  damagedProblem,
  normaliseMime,
  sizeProblem,
  typeProblem,
} from "./limits";

describe("normaliseMime", () => {
  it("maps the sniffers' aliases to the rulebook's types", () => {
    expect(normaliseMime("audio/vnd.wave")).toBe("audio/wav");
    expect(normaliseMime("audio/x-wav")).toBe("audio/wav");
    expect(normaliseMime("image/x-ms-bmp")).toBe("image/bmp");
    expect(normaliseMime("Video/QuickTime; charset=binary")).toBe("video/quicktime");
  });
});

describe("typeProblem", () => {
  it("accepts the kind's formats, aliases included", () => {
    expect(typeProblem("driving_audio", { ext: "wav", mime: "audio/vnd.wave" })).toBeNull();
    expect(typeProblem("first_clip", { ext: "mov", mime: "video/quicktime" })).toBeNull();
    expect(typeProblem("first_frame", { ext: "webp", mime: "image/webp" })).toBeNull();
  });

  it("names a same-category format the model does not take", () => {
    expect(typeProblem("first_frame", { ext: "gif", mime: "image/gif" })?.message).toBe(
      "This file is a GIF image. First frame takes JPEG, PNG, BMP or WEBP.",
    );
    expect(typeProblem("driving_audio", { ext: "flac", mime: "audio/flac" })?.message).toBe(
      "This file is a FLAC audio file. Driving audio takes WAV or MP3.",
    );
    expect(typeProblem("first_clip", { ext: "webm", mime: "video/webm" })?.message).toBe(
      "This file is a WEBM video. First clip takes MP4 or MOV.",
    );
  });
});

describe("sizeProblem", () => {
  it("refuses zero bytes and over the limit, rounding up", () => {
    expect(sizeProblem("first_frame", 0)?.code).toBe("empty_file");
    expect(sizeProblem("first_frame", 1)).toBeNull();
    const over = sizeProblem("driving_audio", 15 * 1024 * 1024 + 1);
    expect(over?.status).toBe(413);
    expect(over?.message).toBe(
      "Driving audio is 15.1 MB; the limit is 15 MB. Use a smaller or shorter file.",
    );
  });
});

describe("checkProbe", () => {
  it("passes what fits", () => {
    expect(checkProbe("first_frame", "image/png", { width: 480, height: 640 })).toBeNull();
    expect(checkProbe("first_frame", "image/png", { width: 240, height: 1920 })).toBeNull();
    expect(checkProbe("driving_audio", "audio/mpeg", { durationSeconds: 30 })).toBeNull();
    expect(
      checkProbe("first_clip", "video/mp4", { width: 4096, height: 720, durationSeconds: 2 }),
    ).toBeNull();
  });

  it("says what to change, one limit at a time", () => {
    expect(checkProbe("first_frame", "image/jpeg", { width: 120, height: 90 })).toBe(
      "The first frame is 120×90 px; each side must be at least 240 px.",
    );
    expect(checkProbe("last_frame", "image/png", { width: 500, height: 500, hasAlpha: true })).toBe(
      "The last frame is a PNG with transparency, which the model does not take. Flatten it onto a background or save it as JPEG.",
    );
    // Transparency is a PNG rule; the probe may report it for WEBP without refusing.
    expect(
      checkProbe("last_frame", "image/webp", { width: 500, height: 500, hasAlpha: true }),
    ).toBeNull();
    expect(checkProbe("driving_audio", "audio/wav", { durationSeconds: 1.96 })).toBe(
      "Driving audio is 1.9 s long; use 2–30 s.",
    );
    expect(checkProbe("driving_audio", "audio/wav", { durationSeconds: 30.01 })).toBe(
      "Driving audio is 30.1 s long; use 2–30 s.",
    );
    expect(
      checkProbe("first_clip", "video/mp4", { width: 4100, height: 1000, durationSeconds: 5 }),
    ).toBe("The first clip is 4100×1000 px; each side must be at most 4096 px.");
    expect(
      checkProbe("first_clip", "video/quicktime", {
        width: 640,
        height: 480,
        durationSeconds: 12.5,
      }),
    ).toBe("The first clip is 12.5 s long; use 2–10 s.");
    expect(checkProbe("first_clip", "video/mp4", { width: 640, height: 480 })).toMatch(
      /could not read how long/,
    );
    expect(checkProbe("first_frame", "application/pdf", {})).toBe(
      "This file is a PDF, not an image. First frame takes JPEG, PNG, BMP or WEBP.",
    );
  });
});

describe("cleanFileName", () => {
  it("keeps the base name, drops control characters, bounds the length", () => {
    expect(cleanFileName("C:\\fakepath\\photo.png")).toBe("photo.png");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0007b\u007f.wav")).toBe("ab.wav");
    expect(cleanFileName("")).toBe("upload");
    expect(cleanFileName(null)).toBe("upload");
    expect(cleanFileName(`${"x".repeat(300)}.mp4`)).toHaveLength(200);
  });
});

describe("damagedProblem", () => {
  it("says the server probe's sentence for each category", () => {
    expect(damagedProblem("first_frame").message).toBe(
      "First frame: this picture is damaged or cut short; we could not read its size.",
    );
    expect(damagedProblem("driving_audio").message).toBe(
      "Driving audio: this audio file is damaged or cut short; export it again.",
    );
    expect(damagedProblem("first_clip")).toEqual({
      code: "unreadable",
      status: 422,
      message: "First clip: this video is damaged or cut short; export it again.",
    });
  });
});

describe("aspect ratios of the first and last frame", () => {
  it("names common ratios both ways round, and others as decimals", () => {
    expect(aspectLabel(1920, 1080)).toBe("16:9");
    expect(aspectLabel(1280, 720)).toBe("16:9");
    expect(aspectLabel(480, 640)).toBe("3:4");
    expect(aspectLabel(1000, 1000)).toBe("1:1");
    expect(aspectLabel(1080, 1920)).toBe("9:16");
    expect(aspectLabel(1850, 1000)).toBe("1.85:1");
    expect(aspectLabel(300, 1000)).toBe("1:3.33");
  });

  it("warns when the last frame's shape differs by more than 2%", () => {
    expect(aspectMismatchNote({ width: 480, height: 640 }, { width: 1280, height: 720 })).toBe(
      "The last frame is 16:9 but the first frame is 3:4; the video follows the first frame.",
    );
    expect(aspectMismatchNote({ width: 1920, height: 1080 }, { width: 1280, height: 720 })).toBe(
      null,
    );
    // 1.5% apart: close enough to pass without a word.
    expect(aspectMismatchNote({ width: 1000, height: 1000 }, { width: 1015, height: 1000 })).toBe(
      null,
    );
    expect(
      aspectMismatchNote({ width: 1000, height: 1000 }, { width: 1030, height: 1000 }),
    ).toMatch(/^The last frame is 1\.03:1 but the first frame is 1:1/);
    expect(aspectMismatchNote(undefined, { width: 1280, height: 720 })).toBeNull();
    expect(aspectMismatchNote({ width: 480 }, { width: 1280, height: 720 })).toBeNull();
  });
});
