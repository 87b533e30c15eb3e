import { describe, expect, it } from "vitest";
import { loadSampleVideo, parseRange, videoResponse } from "./content";

describe("parseRange", () => {
  it.each([
    [null, undefined],
    ["bytes=0-99", { start: 0, end: 99 }],
    ["bytes=10-", { start: 10, end: 999 }],
    ["bytes=-100", { start: 900, end: 999 }],
    ["bytes=-5000", { start: 0, end: 999 }],
    ["bytes=990-5000", { start: 990, end: 999 }],
    ["bytes=1000-", "unsatisfiable"],
    ["bytes=50-10", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=0-1,5-6", undefined],
    ["items=0-1", undefined],
  ])("%s", (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe("sample videos", () => {
  it.each(["720P", "1080P"] as const)("%s is a small MP4 served with ranges", async (size) => {
    const bytes = await loadSampleVideo(size);
    expect(bytes.subarray(4, 8).toString()).toBe("ftyp");
    expect(bytes.length).toBeLessThan(150 * 1024);
    const full = videoResponse(bytes, null);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(Number(full.headers.get("content-length"))).toBe(bytes.length);
    const part = videoResponse(bytes, "bytes=0-7");
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-7/${bytes.length}`);
    expect(
      Buffer.from(await part.arrayBuffer())
        .subarray(4)
        .toString(),
    ).toBe("ftyp");
    const none = videoResponse(bytes, `bytes=${bytes.length}-`);
    expect(none.status).toBe(416);
    expect(none.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
  });
});
