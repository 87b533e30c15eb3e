import { describe, expect, it } from "vitest";
import { faultActive, parseFault, readStoredFault, storedFault } from "./faults";
import { demoState } from "./timeline";

const created = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(created.getTime() + ms);

describe("demoState", () => {
  it("moves queued → 10 → 20 → 30 → completed, one stage per step", () => {
    const steps = [0, 999, 1000, 2500, 3999, 4000, 60_000].map((ms) =>
      demoState(created, at(ms), 1000),
    );
    expect(steps.map((s) => [s.status, s.progress])).toEqual([
      ["queued", 0],
      ["queued", 0],
      ["in_progress", 10],
      ["in_progress", 20],
      ["in_progress", 30],
      ["completed", 100],
      ["completed", 100],
    ]);
    expect(steps[5].completedAt).toEqual(at(4000));
    expect(steps[6].completedAt).toEqual(at(4000));
    expect(steps[4].completedAt).toBeUndefined();
  });

  it("finishes at once with a zero step", () => {
    expect(demoState(created, created, 0)).toMatchObject({ status: "completed", progress: 100 });
  });

  it("treats a clock before created_at as queued", () => {
    expect(demoState(created, at(-5000), 1000).status).toBe("queued");
  });

  it("ends moderation and invalid faults as failed tasks with the provider's words", () => {
    const moderation = demoState(created, at(4000), 1000, "moderation");
    expect(moderation).toMatchObject({
      status: "failed",
      error: {
        code: "ali_api_error",
        message: "DataInspectionFailed: Output data may contain inappropriate content.",
      },
    });
    expect(demoState(created, at(3999), 1000, "moderation").status).toBe("in_progress");
    expect(demoState(created, at(4000), 1000, "invalid").error?.message).toMatch(
      /^InvalidParameter: /,
    );
    expect(demoState(created, at(4000), 1000, "content").status).toBe("completed");
  });

  it("keeps a stuck task at in_progress 30 for ever", () => {
    expect(demoState(created, at(2500), 1000, "stuck")).toEqual({
      status: "in_progress",
      progress: 20,
    });
    for (const ms of [3000, 4000, 3_600_000, 86_400_000]) {
      expect(demoState(created, at(ms), 1000, "stuck")).toEqual({
        status: "in_progress",
        progress: 30,
      });
    }
    expect(demoState(created, created, 0, "stuck").status).toBe("in_progress");
  });

  it("answers unknown from the start with unknown-forever", () => {
    for (const ms of [0, 4000, 86_400_000]) {
      expect(demoState(created, at(ms), 1000, "unknown-forever")).toEqual({
        status: "unknown",
        progress: 0,
      });
    }
  });

  it("lets passing faults through the timeline unchanged", () => {
    expect(demoState(created, at(4000), 1000, "poll-500").status).toBe("completed");
    expect(demoState(created, at(4000), 1000, "content-midstream").status).toBe("completed");
    expect(demoState(created, at(4000), 1000, "create-500").status).toBe("completed");
  });
});

describe("parseFault", () => {
  it("finds a marker anywhere in the prompt", () => {
    expect(parseFault("a cat [demo-fail:moderation] on a mat")).toEqual({ fault: "moderation" });
    expect(parseFault("[demo-fail:rate-limit]")).toEqual({ fault: "rate-limit" });
    expect(parseFault("[DEMO-FAIL:Quota]")).toEqual({ fault: "quota" });
  });

  it("ignores prompts without a marker and names unknown ones", () => {
    expect(parseFault("a cat")).toEqual({});
    expect(parseFault(undefined)).toEqual({});
    expect(parseFault("[demo-fail:typo]")).toEqual({ unknown: "typo" });
  });

  it("reads a passing fault's window, with 10 s when none is given", () => {
    expect(parseFault("x [demo-fail:poll-500:3s] y")).toEqual({
      fault: "poll-500",
      windowMs: 3000,
    });
    expect(parseFault("[demo-fail:poll-hang:1500ms]")).toEqual({
      fault: "poll-hang",
      windowMs: 1500,
    });
    expect(parseFault("[demo-fail:poll-429:0.5s]")).toEqual({ fault: "poll-429", windowMs: 500 });
    expect(parseFault("[demo-fail:content-midstream]")).toEqual({
      fault: "content-midstream",
      windowMs: 10_000,
    });
    expect(parseFault("[demo-fail:create-hang:2s]")).toEqual({
      fault: "create-hang",
      windowMs: 2000,
    });
    expect(parseFault("[demo-fail:stuck]")).toEqual({ fault: "stuck" });
    expect(parseFault("[demo-fail:unknown-forever]")).toEqual({ fault: "unknown-forever" });
  });

  it("refuses a window where none fits, a bad window and one over 10 minutes", () => {
    expect(parseFault("[demo-fail:quota:3s]")).toEqual({ unknown: "quota:3s" });
    expect(parseFault("[demo-fail:stuck:3s]")).toEqual({ unknown: "stuck:3s" });
    expect(parseFault("[demo-fail:poll-500:3m]")).toEqual({ unknown: "poll-500:3m" });
    expect(parseFault("[demo-fail:poll-500:abc]")).toEqual({ unknown: "poll-500:abc" });
    expect(parseFault("[demo-fail:poll-500:601s]")).toEqual({ unknown: "poll-500:601s" });
    expect(parseFault("[demo-fail:]")).toEqual({ unknown: "" });
  });

  it("stores the window with the fault, and knows when it has passed", () => {
    expect(storedFault({ fault: "poll-500", windowMs: 3000 })).toBe("poll-500:3000");
    expect(storedFault({ fault: "moderation" })).toBe("moderation");
    expect(readStoredFault("poll-500:3000")).toEqual({ fault: "poll-500", windowMs: 3000 });
    expect(readStoredFault("poll-500")).toEqual({ fault: "poll-500", windowMs: 10_000 });
    expect(readStoredFault("content")).toEqual({ fault: "content" });
    expect(readStoredFault("gone")).toBeUndefined();
    expect(readStoredFault(null)).toBeUndefined();
    const active = { fault: "poll-500" as const, windowMs: 3000 };
    expect(faultActive(active, created, at(2999))).toBe(true);
    expect(faultActive(active, created, at(3000))).toBe(false);
    expect(faultActive({ fault: "stuck" }, created, at(86_400_000))).toBe(true);
    expect(faultActive(undefined, created, created)).toBe(false);
  });
});
