import { describe, expect, it } from "vitest";
import type { TaskRow } from "@/lib/db/schema";
import type { GatewayVideo } from "@/lib/gateway";
import { gatewayToRow } from "./state";

const MINUTE = 60_000;
const BOUND = 15 * MINUTE;
const T0 = new Date("2026-12-02T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

function video(status: GatewayVideo["status"], extra: Partial<GatewayVideo> = {}): GatewayVideo {
  return { id: "gw-1", status, progress: 30, createdAt: T0, ...extra };
}

const unknown = video("unknown", { error: { code: "", message: "" } });
const throttled = video("unknown", {
  transient: true,
  error: { code: "Throttling.RateQuota", message: "Requests rate limit exceeded." },
});

/** A running row, changed by each answer in turn, one read a minute from T0. */
function replay(answers: GatewayVideo[], start = 0): Partial<TaskRow> & { status: string } {
  let row = {
    status: "in_progress",
    progress: 30,
    unknownPolls: 0,
    unknownSince: null,
    startedAt: T0,
  } as unknown as TaskRow;
  answers.forEach((answer, index) => {
    row = {
      ...row,
      ...gatewayToRow(answer, row, { unknownTimeoutMs: BOUND, now: at(start + index) }),
    };
  });
  return row;
}

describe("gatewayToRow: `unknown` is bounded by time, not by polls", () => {
  it("keeps a task running through 14 minutes of unknown, however many polls that took", () => {
    // One read every 5 s for 14 minutes: 169 answers, far past the old 12-poll bound.
    let row = replay([video("in_progress")]);
    for (let seconds = 0; seconds <= 14 * 60; seconds += 5) {
      const now = new Date(T0.getTime() + MINUTE + seconds * 1000);
      row = { ...row, ...gatewayToRow(unknown, row as TaskRow, { unknownTimeoutMs: BOUND, now }) };
    }
    expect(row.status).toBe("in_progress");
    expect(row.unknownPolls).toBe(169);
    expect(row.unknownSince).toEqual(at(1));
    expect(row.errorMessage).toBe(
      "The gateway cannot tell how this task is doing right now; we keep asking.",
    );
  });

  it("fails it, in words, once unknown has lasted 15 minutes without a break", () => {
    const answers = Array.from({ length: 16 }, () => unknown); // minutes 0 … 15
    const before = replay(answers.slice(0, 15));
    expect(before.status).toBe("in_progress");
    const row = replay(answers);
    expect(row).toMatchObject({
      status: "failed",
      errorCode: "unknown_status",
      completedAt: at(15),
      unknownSince: T0,
    });
    expect(row.errorMessage).toMatch(/stopped waiting\. Check the gateway's console/);
  });

  it("starts the clock again after a known status", () => {
    // 10 minutes unknown, one good read, 10 more minutes unknown: never 15 in a row.
    const answers = [
      ...Array.from({ length: 10 }, () => unknown),
      video("in_progress"),
      ...Array.from({ length: 11 }, () => unknown),
    ];
    const row = replay(answers);
    expect(row.status).toBe("in_progress");
    expect(row.unknownSince).toEqual(at(11));
    expect(replay([...answers, ...Array.from({ length: 5 }, () => unknown)]).status).toBe("failed");
  });

  it("never fails a task on transient unknowns (Throttling in the gateway's refresh round)", () => {
    // Two hours of nothing but Throttling: the task is fine, the gateway just cannot ask.
    const row = replay(Array.from({ length: 120 }, () => throttled));
    expect(row.status).toBe("in_progress");
    expect(row.unknownSince).toBeNull();
    expect(row.errorCode).toBe("unknown_status");
    expect(row.unknownPolls).toBe(120);
  });

  it("does not let transient unknowns count toward a streak of plain ones", () => {
    // 10 min plain, 30 min transient, 10 min plain: the clock restarted after the transient.
    const answers = [
      ...Array.from({ length: 10 }, () => unknown),
      ...Array.from({ length: 30 }, () => throttled),
      ...Array.from({ length: 10 }, () => unknown),
    ];
    const row = replay(answers);
    expect(row.status).toBe("in_progress");
    expect(row.unknownSince).toEqual(at(40));
  });

  it("clears the streak and the notice on any known status", () => {
    const row = replay([...Array.from({ length: 5 }, () => unknown), video("completed")]);
    expect(row).toMatchObject({
      status: "completed",
      unknownSince: null,
      unknownPolls: 0,
      errorCode: null,
      errorMessage: null,
    });
  });
});
