import { describe, expect, it } from "vitest";
import { placeContinuation, type ShotTask, shotFigures, totalSeconds } from "./model";

function shot(id: string, seconds: number, parent?: { id: string; cut: number }): ShotTask {
  return {
    id,
    status: "completed",
    seconds,
    resultSeconds: null,
    parentTaskId: parent?.id ?? null,
    parentCut: parent ? { fromSeconds: 10 - parent.cut, toSeconds: 10 } : null,
  };
}

describe("sequence figures", () => {
  it("adds each shot's length minus the parent clip it repeats", () => {
    const shots = [
      shot("a", 5),
      shot("b", 6, { id: "a", cut: 3 }),
      shot("c", 8, { id: "b", cut: 2.5 }),
    ];
    const figures = shotFigures(shots);
    expect(figures.map((f) => f.addsSeconds)).toEqual([5, 3, 5.5]);
    expect(figures.map((f) => f.repeatsSeconds)).toEqual([0, 3, 2.5]);
    expect(totalSeconds(figures)).toBe(13.5);
    expect(figures.some((f) => f.outOfDate)).toBe(false);
  });

  it("prefers the kept file's probed length", () => {
    const figures = shotFigures([{ ...shot("a", 5), resultSeconds: 5.0231 }]);
    expect(figures[0].seconds).toBe(5.023);
  });

  it("marks a shot not cut from the shot before it, and every later one, out of date", () => {
    // "b" was replaced by "b2": "c" still continues "b", "d" continues "c".
    const shots = [
      shot("a", 5),
      shot("b2", 6, { id: "a", cut: 3 }),
      shot("c", 6, { id: "b", cut: 3 }),
      shot("d", 6, { id: "c", cut: 3 }),
    ];
    expect(shotFigures(shots).map((f) => f.outOfDate)).toEqual([false, false, true, true]);
  });
});

describe("where a continuation goes", () => {
  it("extends the newest sequence whose last shot is the parent", () => {
    expect(
      placeContinuation([
        { sequenceId: "s2", position: 1, shots: 3 },
        { sequenceId: "s1", position: 1, shots: 2 },
      ]),
    ).toEqual({ kind: "extend", sequenceId: "s1", position: 2 });
  });

  it("branches from a middle shot, and starts a new sequence from a lone video", () => {
    expect(placeContinuation([{ sequenceId: "s1", position: 0, shots: 2 }])).toEqual({
      kind: "branch",
      fromSequenceId: "s1",
      upTo: 0,
    });
    expect(placeContinuation([])).toEqual({ kind: "new" });
  });
});
