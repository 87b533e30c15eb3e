import { describe, expect, it } from "vitest";
import { COMMENT_MAX_CHARS, formatPin } from "./rules";
import { commentInputSchema, shareLinkOptionsSchema, viewerCommentInputSchema } from "./schemas";

describe("review rules", () => {
  it("reads pins as minutes, seconds and tenths", () => {
    expect(formatPin(0)).toBe("0:00.0");
    expect(formatPin(3.24)).toBe("0:03.2");
    expect(formatPin(83.45)).toBe("1:23.5");
    expect(formatPin(59.96)).toBe("1:00.0");
  });

  it("defaults a share link to download on, prompt hidden, no comments; days 1, 7 or 30", () => {
    expect(shareLinkOptionsSchema.parse({ days: 7 })).toEqual({
      days: 7,
      allowDownload: true,
      showSettings: false,
      allowComments: false,
    });
    for (const days of [0, 2, 14, 31, "7", null]) {
      expect(shareLinkOptionsSchema.safeParse({ days }).success, String(days)).toBe(false);
    }
  });

  it("holds a comment to 1–2,000 characters after trimming, and a viewer to a name", () => {
    expect(commentInputSchema.parse({ body: "  hi  " })).toEqual({ body: "hi", atSeconds: null });
    expect(commentInputSchema.safeParse({ body: "x".repeat(COMMENT_MAX_CHARS) }).success).toBe(
      true,
    );
    const long = commentInputSchema.safeParse({ body: "x".repeat(COMMENT_MAX_CHARS + 1) });
    expect(long.error?.issues[0]?.message).toBe("A comment holds at most 2,000 characters.");
    expect(commentInputSchema.safeParse({ body: "ok", atSeconds: Number.NaN }).success).toBe(false);
    expect(viewerCommentInputSchema.safeParse({ body: "ok" }).success).toBe(false);
    expect(viewerCommentInputSchema.parse({ body: "ok", name: " Vic " }).name).toBe("Vic");
  });
});
