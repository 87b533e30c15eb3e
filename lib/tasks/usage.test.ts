import { describe, expect, it } from "vitest";
import { usageCsv } from "./usage";

describe("usageCsv", () => {
  it("quotes separators and defuses spreadsheet formulas in names", () => {
    const csv = usageCsv([
      {
        day: "2026-11-25",
        memberId: "a@x",
        memberName: 'Ann "A", Jr',
        tasks: 1,
        seconds: 5,
        spendUsd: 0.5,
        refunded: 1,
        refundedUsd: 0.3,
        refused: 0,
      },
      {
        day: "2026-11-25",
        memberId: "m@x",
        memberName: "=HYPERLINK(1)",
        tasks: 2,
        seconds: 4,
        spendUsd: 0.4,
        refunded: 0,
        refundedUsd: 0,
        refused: 2,
      },
    ]);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "day,member,member_id,tasks,seconds,estimated_spend_usd,refunded_tasks,refunded_usd,refused_tasks",
    );
    expect(lines[1]).toBe('2026-11-25,"Ann ""A"", Jr",a@x,1,5,0.50,1,0.30,0');
    expect(lines[2]).toBe("2026-11-25,'=HYPERLINK(1),m@x,2,4,0.40,0,0.00,2");
  });
});
