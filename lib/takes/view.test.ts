import { describe, expect, it } from "vitest";
import type { TaskView } from "@/lib/task-view";
import { differingSettings, pickProblem, takeLabel } from "./view";

function take(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: "t1",
    status: "completed",
    progress: 100,
    seconds: 5,
    size: "720P",
    prompt: "A calm sea",
    negativePrompt: null,
    seed: 1000,
    promptExtend: null,
    watermark: null,
    takeSetId: "set1",
    takeIndex: 1,
    queuePosition: null,
    media: [{ type: "first_frame", mediaId: "m1" }],
    createdAt: "2026-12-01T00:00:00.000Z",
    startedAt: null,
    completedAt: null,
    error: null,
    notice: null,
    providerUrl: null,
    videoUrl: null,
    downloadUrl: null,
    posterUrl: null,
    ...overrides,
  };
}

describe("differingSettings", () => {
  it("lists only the seed for takes of one Generate", () => {
    const takes = [1000, 1001, 1002, 1003].map((seed, index) =>
      take({ id: `t${index}`, seed, takeIndex: index + 1 }),
    );
    expect(differingSettings(takes)).toEqual([
      { term: "Seed", values: ["1000", "1001", "1002", "1003"] },
    ]);
  });

  it("lists every setting that differs, in the task page's order, and nothing for one take", () => {
    const a = take();
    const b = take({ seed: 7, size: "1080P", watermark: true, prompt: null });
    expect(differingSettings([a, b])).toEqual([
      { term: "Resolution", values: ["720P", "1080P"] },
      { term: "Prompt", values: ["A calm sea", "None"] },
      { term: "Seed", values: ["1000", "7"] },
      { term: "Watermark", values: ["Off (default)", "On"] },
    ]);
    expect(differingSettings([a])).toEqual([]);
    expect(differingSettings([a, take()])).toEqual([]);
  });

  it("ignores the state of a take: a failed take has the same settings", () => {
    expect(differingSettings([take(), take({ status: "failed" })])).toEqual([]);
  });
});

describe("pickProblem", () => {
  it("lets a finished take of the set be picked", () => {
    expect(pickProblem(take(), "set1")).toBeNull();
  });

  it("refuses a take that is not finished, saying what it is", () => {
    expect(pickProblem(take({ status: "failed", takeIndex: 3 }), "set1")).toBe(
      "Only a finished take can be picked: take 3 is failed.",
    );
    expect(pickProblem(take({ status: "in_progress", takeIndex: 2 }), "set1")).toBe(
      "Only a finished take can be picked: take 2 is generating.",
    );
  });

  it("refuses a take of another set, or one that is gone", () => {
    const sentence = "That take is not part of this set; it may have been deleted.";
    expect(pickProblem(take({ takeSetId: "other" }), "set1")).toBe(sentence);
    expect(pickProblem(undefined, "set1")).toBe(sentence);
  });
});

it("labels a take by its place in the set", () => {
  expect(takeLabel(2, 4)).toBe("Take 2 of 4");
});
