import { describe, expect, it } from "vitest";
import { parseFault } from "./faults";
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
});
