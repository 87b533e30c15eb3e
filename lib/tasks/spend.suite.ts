import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Budgets and the rate limit against a real database: rows are inserted the way submitTask
 * inserts them, through insertWithinBudget's locked transaction. On Postgres the inserts run
 * on a pool of connections, so the advisory lock is what keeps concurrent checks honest.
 * Run by spend.pglite.test.ts and spend.postgres.test.ts.
 */
export function describeSpend(name: string, databaseUrl: () => string | undefined) {
  let submit: typeof import("./submit");
  let errors: typeof import("./errors");
  let seq = 0;

  beforeAll(async () => {
    process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-spend-"));
    process.env.DATABASE_URL = databaseUrl() ?? "";
    process.env.PRICE_PER_SECOND_720P = "0.10";
    process.env.PRICE_PER_SECOND_1080P = "0.15";
    process.env.BUDGET_MEMBER_DAILY_USD = "2";
    process.env.BUDGET_TEAM_MONTHLY_USD = "10";
    process.env.SUBMIT_RATE_PER_MINUTE = "6";
    await (await import("@/lib/db/client")).getDb();
    submit = await import("./submit");
    errors = await import("./errors");
  }, 120_000);

  function row(ownerId: string, seconds: number, size: "720P" | "1080P" = "720P") {
    seq += 1;
    return {
      id: `spend-${seq}-${Math.random().toString(36).slice(2, 8)}`,
      status: "queued" as const,
      ownerId,
      seconds,
      size,
      media: [{ type: "first_frame" as const, mediaId: "m" }],
      combination: "first_frame",
    };
  }

  describe(`spend control (${name})`, () => {
    // The tests share one database and one month: they run in order, and the team total
    // carries over (eve 1.80 + ann 2.00 + fay 1.20 + bo 1.50 + gus 1.80 + cy 1.50 = 9.80).
    it("checks concurrent submissions one after the other, so none slips under a budget", async () => {
      // Room for exactly two $0.90 videos in a $2.00 day, five tried at once.
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => submit.insertWithinBudget(row("eve", 9))),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(2);
      const refused = results.filter((result) => result.status === "rejected");
      expect(refused).toHaveLength(3);
      for (const result of refused) {
        expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "over_budget" });
      }
    });

    it("refuses what would pass a member's daily budget, with the numbers", async () => {
      await submit.insertWithinBudget(row("ann", 10)); // $1.00
      await submit.insertWithinBudget(row("ann", 5)); // $0.50, total $1.50
      const refusal = await submit
        .insertWithinBudget(row("ann", 6))
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(errors.TaskError);
      expect(refusal).toMatchObject({ code: "over_budget" });
      expect((refusal as Error).message).toBe(
        "This video would cost about $0.60, but only $0.50 is left of your $2.00 daily budget ($1.50 spent today, UTC). Try a shorter or 720P video, or ask an admin.",
      );
      // Exactly what is left still fits, and the rates follow the resolution.
      await submit.insertWithinBudget(row("ann", 5)); // $0.50 → $2.00
      await expect(submit.insertWithinBudget(row("ann", 2, "1080P"))).rejects.toMatchObject({
        code: "over_budget",
      });
    });

    it("limits how many videos a member starts per minute", async () => {
      for (let index = 0; index < 6; index++) await submit.insertWithinBudget(row("fay", 2));
      const refusal = await submit
        .insertWithinBudget(row("fay", 2))
        .catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "rate_limited" });
      expect((refusal as Error).message).toMatch(/6 videos in the last minute \(the limit is 6\)/);
      // Another member is not held back by fay.
      await expect(submit.insertWithinBudget(row("bo", 15))).resolves.toBeUndefined(); // $1.50
    });

    it("charges neither refused creates nor the failures the gateway refunds, but charges our own give-ups", async () => {
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const db = await getDb();
      // Rows as the task use cases leave them: $2.25 refunded, $2.25 refused.
      await db.insert(tasks).values([
        { ...row("gus", 15, "1080P"), status: "failed", errorCode: "DataInspectionFailed" },
        { ...row("gus", 15, "1080P"), status: "refused", errorCode: "quota:gateway" },
      ]);
      // Either one charged would leave less than this $1.50 of gus's $2.00 day.
      await submit.insertWithinBudget(row("gus", 15)); // $1.50
      // Our own timeout and an unconfirmed create may still be billed: they count.
      await db.insert(tasks).values([
        { ...row("gus", 2), status: "failed", errorCode: "timeout" }, // $0.20
        { ...row("gus", 1), status: "submit_unknown", errorCode: "timeout:gateway" }, // $0.10
      ]);
      const refusal = await submit
        .insertWithinBudget(row("gus", 3))
        .catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "over_budget" });
      expect((refusal as Error).message).toBe(
        "This video would cost about $0.30, but only $0.20 is left of your $2.00 daily budget ($1.80 spent today, UTC). Try a shorter or 720P video, or ask an admin.",
      );
      // Every submission counts toward the rate limit, the refused and refunded ones too.
      await db.insert(tasks).values({ ...row("gus", 1), status: "refused" });
      const tooFast = await submit
        .insertWithinBudget(row("gus", 1))
        .catch((error: unknown) => error);
      expect(tooFast).toMatchObject({ code: "rate_limited" });
      expect((tooFast as Error).message).toMatch(/6 videos in the last minute/);
    });

    it("refuses what would pass the team's monthly budget", async () => {
      await submit.insertWithinBudget(row("cy", 10, "1080P")); // $1.50, team $9.80
      const refusal = await submit
        .insertWithinBudget(row("di", 3))
        .catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "over_budget" });
      // Gus's refunded and refused $4.50 are not in the team's spend either.
      expect((refusal as Error).message).toBe(
        "This video would cost about $0.30, but only $0.20 is left of the team's $10.00 monthly budget ($9.80 spent this month).",
      );
    });

    it("sums tasks, seconds and estimated spend per member per day, refunds apart, and exports CSV", async () => {
      const { usageByMemberAndDay, usageCsv } = await import("./usage");
      const rows = await usageByMemberAndDay(30);
      const today = new Date().toISOString().slice(0, 10);
      const ann = rows.find((row) => row.memberId === "ann" && row.day === today);
      // ann: 10 + 5 + 5 seconds at 720P (the refused ones left no row).
      expect(ann).toMatchObject({ tasks: 3, seconds: 20, spendUsd: 2 });
      const eve = rows.find((row) => row.memberId === "eve");
      expect(eve).toMatchObject({ tasks: 2, seconds: 18, spendUsd: 1.8 });
      expect(ann).toMatchObject({ refunded: 0, refundedUsd: 0, refused: 0 });
      // gus: charged 15 s + our 2 s timeout + 1 s unconfirmed; one refunded, two refused.
      const gus = rows.find((row) => row.memberId === "gus");
      expect(gus).toMatchObject({
        tasks: 3,
        seconds: 18,
        spendUsd: 1.8,
        refunded: 1,
        refundedUsd: 2.25,
        refused: 2,
      });
      const csv = usageCsv(rows);
      expect(csv.split("\r\n")[0]).toBe(
        "day,member,member_id,tasks,seconds,estimated_spend_usd,refunded_tasks,refunded_usd,refused_tasks",
      );
      expect(csv).toContain(`${today},ann,ann,3,20,2.00,0,0.00,0`);
      expect(csv).toContain(`${today},gus,gus,3,18,1.80,1,2.25,2`);
    });
  });
}
