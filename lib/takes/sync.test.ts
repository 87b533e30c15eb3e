import { describe, expect, it } from "vitest";
import {
  correctionFor,
  formatPosition,
  frameAt,
  frameStepTarget,
  RESYNC_SECONDS,
  spread,
  TAKE_FPS,
} from "./sync";

const frame = 1 / TAKE_FPS;

describe("correctionFor", () => {
  it("leaves a follower within a quarter frame at the chosen speed", () => {
    expect(correctionFor(0, 1)).toEqual({ kind: "rate", rate: 1 });
    expect(correctionFor(0.2 * frame, 2)).toEqual({ kind: "rate", rate: 2 });
    expect(correctionFor(-0.2 * frame, 0.5)).toEqual({ kind: "rate", rate: 0.5 });
  });

  it("speeds up a follower behind and slows one ahead, in proportion, at every speed", () => {
    const behind = correctionFor(frame, 1);
    const ahead = correctionFor(-frame, 1);
    expect(behind.kind === "rate" && behind.rate).toBeGreaterThan(1);
    expect(ahead.kind === "rate" && ahead.rate).toBeLessThan(1);
    const slow = correctionFor(frame, 0.25);
    expect(slow.kind === "rate" && slow.rate).toBeCloseTo(0.25 * (1 + 4 * frame));
    const more = correctionFor(3 * frame, 1);
    expect(more.kind === "rate" && more.rate).toBeGreaterThan(
      behind.kind === "rate" ? behind.rate : 0,
    );
  });

  it("never nudges by more than a quarter", () => {
    const far = correctionFor(RESYNC_SECONDS, 1);
    expect(far).toEqual({ kind: "rate", rate: 1.25 });
    expect(correctionFor(-RESYNC_SECONDS, 2)).toEqual({ kind: "rate", rate: 1.5 });
  });

  it("asks for a resync past RESYNC_SECONDS either way", () => {
    expect(correctionFor(RESYNC_SECONDS + 0.01, 1)).toEqual({ kind: "resync" });
    expect(correctionFor(-1, 1)).toEqual({ kind: "resync" });
  });

  it("closes a drift of several frames within a second at speed 1 (simulated)", () => {
    let lead = 0;
    let follower = -5 * frame;
    const tick = 0.05;
    for (let t = 0; t < 1; t += tick) {
      const correction = correctionFor(lead - follower, 1);
      if (correction.kind !== "rate") throw new Error("no resync expected");
      lead += tick;
      follower += tick * correction.rate;
    }
    expect(Math.abs(lead - follower)).toBeLessThan(0.5 * frame);
  });
});

describe("frames", () => {
  it("names the frame shown at a time, floating point notwithstanding", () => {
    expect(frameAt(0)).toBe(0);
    expect(frameAt(0.125)).toBe(3);
    expect(frameAt(3 * frame)).toBe(3);
    expect(frameAt(3.5 * frame)).toBe(3);
  });

  it("steps to the middle of the next or previous frame, within the video", () => {
    expect(frameStepTarget(0, 1, 4)).toBeCloseTo(1.5 * frame);
    expect(frameAt(frameStepTarget(0, 1, 4))).toBe(1);
    expect(frameAt(frameStepTarget(1.5 * frame, -1, 4))).toBe(0);
    expect(frameStepTarget(0, -1, 4)).toBeCloseTo(0.5 * frame);
    // 4 s at 24 fps: frames 0 … 95.
    expect(frameAt(frameStepTarget(4, 1, 4))).toBe(95);
    expect(frameAt(frameStepTarget(2, 10, 4))).toBe(58);
    expect(frameStepTarget(1, 1, Number.NaN)).toBeCloseTo(0.5 * frame);
  });
});

describe("spread and formatPosition", () => {
  it("measures the widest gap", () => {
    expect(spread([])).toBe(0);
    expect(spread([1])).toBe(0);
    expect(spread([1, 1.02, 0.99])).toBeCloseTo(0.03);
  });

  it("formats a position with hundredths", () => {
    expect(formatPosition(0)).toBe("0:00.00");
    expect(formatPosition(1.25)).toBe("0:01.25");
    expect(formatPosition(61.5)).toBe("1:01.50");
    expect(formatPosition(Number.NaN)).toBe("0:00.00");
  });
});
