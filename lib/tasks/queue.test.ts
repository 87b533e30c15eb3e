import { describe, expect, it } from "vitest";
import { GatewayError } from "@/lib/gateway";
import { ordinal, waitingLabel } from "@/lib/task-view";
import {
  isCapacityRefusal,
  SUBMIT_BACKOFF_BASE_MS,
  SUBMIT_BACKOFF_MAX_MS,
  submitBackoffMs,
} from "./send";

describe("place in line", () => {
  it("says ordinals as people do", () => {
    const cases: [number, string][] = [
      [1, "1st"],
      [2, "2nd"],
      [3, "3rd"],
      [4, "4th"],
      [10, "10th"],
      [11, "11th"],
      [12, "12th"],
      [13, "13th"],
      [21, "21st"],
      [22, "22nd"],
      [23, "23rd"],
      [101, "101st"],
      [111, "111th"],
      [112, "112th"],
    ];
    for (const [n, text] of cases) expect(ordinal(n)).toBe(text);
  });

  it("labels a waiting task with its place, or without one while it is unknown", () => {
    expect(waitingLabel(3)).toBe("Waiting for a free slot (3rd in line)");
    expect(waitingLabel(1)).toBe("Waiting for a free slot (1st in line)");
    expect(waitingLabel(null)).toBe("Waiting for a free slot");
  });
});

describe("back-off after a create refused for capacity", () => {
  it("doubles from 2 s up to a minute", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => submitBackoffMs(n))).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(submitBackoffMs(1)).toBe(SUBMIT_BACKOFF_BASE_MS);
    expect(submitBackoffMs(50)).toBe(SUBMIT_BACKOFF_MAX_MS);
  });

  it("waits at least the gateway's Retry-After, capped", () => {
    expect(submitBackoffMs(1, 5000)).toBe(5000);
    expect(submitBackoffMs(3, 5000)).toBe(8000);
    expect(submitBackoffMs(1, 10 * 60_000)).toBe(SUBMIT_BACKOFF_MAX_MS);
  });
});

describe("which refusals put a create back in the queue", () => {
  const error = (init: Partial<ConstructorParameters<typeof GatewayError>[0]>) =>
    new GatewayError({ code: "rate_limited:gateway", message: "test", ...init });

  it("a 429, whatever its body, and a provider's Throttling", () => {
    expect(isCapacityRefusal(error({ status: 429 }))).toBe(true);
    expect(isCapacityRefusal(error({ status: 429, upstreamCode: "fail_to_fetch_task" }))).toBe(
      true,
    );
    expect(
      isCapacityRefusal(
        error({ code: "rejected:gateway", status: 400, upstreamCode: "Throttling.RateQuota" }),
      ),
    ).toBe(true);
    expect(
      isCapacityRefusal(
        error({
          code: "rejected:gateway",
          status: 400,
          upstreamCode: "ali_api_error",
          upstreamMessage: "Throttling: Requests throttling triggered.",
        }),
      ),
    ).toBe(true);
  });

  it("never an answer that leaves the outcome unknown, nor another refusal", () => {
    expect(isCapacityRefusal(error({ status: 429, outcomeUnknown: true }))).toBe(false);
    expect(isCapacityRefusal(error({ code: "unavailable:gateway", status: 503 }))).toBe(false);
    expect(
      isCapacityRefusal(
        error({ code: "unavailable:gateway", status: 500, upstreamCode: "Throttling" }),
      ),
    ).toBe(false);
    expect(isCapacityRefusal(error({ code: "timeout:gateway", outcomeUnknown: true }))).toBe(false);
    expect(isCapacityRefusal(error({ code: "quota:gateway", status: 402 }))).toBe(false);
    expect(isCapacityRefusal(new Error("429"))).toBe(false);
  });
});
