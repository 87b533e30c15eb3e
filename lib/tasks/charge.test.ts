import { describe, expect, it } from "vitest";
import { chargeOf } from "./charge";

describe("chargeOf", () => {
  it("charges what may be billed: running, completed, unconfirmed, and our own give-ups", () => {
    for (const status of ["submitting", "queued", "in_progress", "completed"] as const) {
      expect(chargeOf({ status, errorCode: null })).toBe("charged");
    }
    // The create's answer was lost: the task may be running.
    expect(chargeOf({ status: "submit_unknown", errorCode: "timeout:gateway" })).toBe("charged");
    // We stopped waiting; the gateway never said it failed, so it may still bill it.
    for (const errorCode of ["timeout", "unknown_status", "task_not_exist"]) {
      expect(chargeOf({ status: "failed", errorCode })).toBe("charged");
    }
  });

  it("counts the gateway's own failures as refunded, and refusals as free", () => {
    expect(chargeOf({ status: "failed", errorCode: "DataInspectionFailed" })).toBe("refunded");
    expect(chargeOf({ status: "failed", errorCode: "ali_api_error" })).toBe("refunded");
    expect(chargeOf({ status: "failed", errorCode: null })).toBe("refunded");
    expect(chargeOf({ status: "refused", errorCode: "quota:gateway" })).toBe("free");
  });
});
