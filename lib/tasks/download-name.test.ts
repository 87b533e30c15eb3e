import { describe, expect, it } from "vitest";
import { downloadName } from "./download-name";

const createdAt = new Date("2026-11-25T10:00:00Z");

describe("downloadName", () => {
  it("names the file from the date and the prompt's words", () => {
    expect(downloadName({ id: "abc123", prompt: "The portrait turns, smiles!", createdAt })).toBe(
      "wan-2026-11-25-the-portrait-turns-smiles.mp4",
    );
  });

  it("falls back to the task id without a usable prompt", () => {
    expect(downloadName({ id: "abc123", prompt: null, createdAt })).toBe(
      "wan-2026-11-25-abc123.mp4",
    );
    expect(downloadName({ id: "abc123", prompt: "人物转身", createdAt })).toBe(
      "wan-2026-11-25-abc123.mp4",
    );
  });

  it("keeps header-breaking characters out and stays short", () => {
    const name = downloadName({
      id: "x",
      prompt: `"quoted"\r\nInjected: yes ${"long ".repeat(30)}`,
      createdAt,
    });
    expect(name).toMatch(/^wan-2026-11-25-[a-z0-9-]+\.mp4$/);
    expect(name.length).toBeLessThanOrEqual(68);
  });
});
