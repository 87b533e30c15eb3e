import { describe, expect, it } from "vitest";
import { formatUsd } from "./request-rules";

const intl = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** A fixed pseudo-random sequence, so a failure names the same amounts on every run. */
function* amounts(count: number): Generator<number> {
  let state = 0x2545f491;
  for (let index = 0; index < count; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const magnitude = 10 ** ((state % 12) - 4);
    const value = ((state >>> 8) / 0xffffff) * magnitude;
    yield state & 1 ? -value : value;
  }
}

describe("formatUsd", () => {
  it("writes dollars as Intl's en-US currency format does", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1.5)).toBe("$1.50");
    expect(formatUsd(1234567.891)).toBe("$1,234,567.89");
    expect(formatUsd(-1234.5)).toBe("-$1,234.50");
    expect(formatUsd(999.995)).toBe("$1,000.00");
  });

  it("rounds the shortest decimal half away from zero, as ICU does (not as toFixed does)", () => {
    expect((1.005).toFixed(2)).toBe("1.00");
    expect(formatUsd(1.005)).toBe("$1.01");
    expect(formatUsd(-0.125)).toBe("-$0.13");
    expect(formatUsd(0.0049999)).toBe("$0.00");
  });

  it("agrees with Intl on edge values and on 20,000 amounts from 0.0001 to 10 million", () => {
    const edges = [
      -0,
      0.004,
      -0.004,
      -0.005,
      0.005,
      0.015,
      2.675,
      1e-7,
      -1e-7,
      0.1 + 0.2,
      12.345,
      1e20,
      Number.MAX_SAFE_INTEGER,
      1e21,
      Infinity,
      -Infinity,
      Number.NaN,
    ];
    for (const amount of [...edges, ...amounts(20_000)]) {
      expect(formatUsd(amount), String(amount)).toBe(intl.format(amount));
    }
  });

  it("agrees with Intl on every price the studio shows: 2–15 s × 1–4 takes at cent rates", () => {
    for (let cents = 1; cents <= 200; cents++) {
      for (let seconds = 2; seconds <= 15; seconds++) {
        for (let takes = 1; takes <= 4; takes++) {
          const amount = seconds * takes * (cents / 100);
          expect(formatUsd(amount), String(amount)).toBe(intl.format(amount));
        }
      }
    }
  });
});
