import { describe, expect, it } from "vitest";
import { isUndecodablePath, undecodablePathResponse } from "./undecodable-path";

describe("isUndecodablePath", () => {
  it("spots %-escapes that are cut short, not hex, or not UTF-8", () => {
    for (const path of [
      "/api/tasks/%E0%A4%A",
      "/videos/%ZZ",
      "/api/media/%",
      "/a/%FF",
      "/%C0%80",
    ]) {
      expect(isUndecodablePath(path), path).toBe(true);
    }
  });

  it("lets ordinary and well-encoded paths through", () => {
    for (const path of ["/", "/videos/abc_DEF-123", "/api/media/..%2F..%2Fetc", "/x/%E0%A4%A4"]) {
      expect(isUndecodablePath(path), path).toBe(false);
    }
  });
});

describe("undecodablePathResponse", () => {
  it("answers 400 in each route's error shape, never cached", async () => {
    const tasks = undecodablePathResponse("/api/tasks/%E0%A4%A");
    expect(tasks.status).toBe(400);
    expect(tasks.headers.get("cache-control")).toBe("no-store");
    expect(await tasks.json()).toEqual({ code: "bad_path", message: expect.any(String) });
    const media = undecodablePathResponse("/api/media/%E0%A4%A");
    expect(await media.json()).toEqual({
      error: { code: "bad_path", message: expect.stringMatching(/^This address is broken/) },
    });
  });
});
