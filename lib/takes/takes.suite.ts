import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";
import type { TaskRow } from "@/lib/db/schema";
import { closeServers, loadApp, MEDIA, sleep } from "@/lib/tasks/faults.harness";

/**
 * Take sets with real parts: the database (embedded, or the Postgres server `databaseUrl`
 * names), the media route and the demo gateway over HTTP. One Generate of N takes is checked
 * against budgets and the rate limit as a whole (all or none, with the numbers), made once
 * per idempotency key, and each take runs on its own; then picking. Run by takes.*.test.ts.
 */
export function describeTakeSets(name: string, databaseUrl: () => string | undefined) {
  describe(`take sets (${name})`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let db: Awaited<ReturnType<typeof import("@/lib/db/client").getDb>>;
    let schema: typeof import("@/lib/db/schema");
    let takes: typeof import("@/lib/takes");
    const token = `takes${Date.now().toString(36)}`;

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-takes-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = "200";
      process.env.DEMO_STEP_MS = "60";
      process.env.VIDEO_API_TIMEOUT_MS = "5000";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      // 2 s costs $0.20 at 720P and $0.30 at 1080P: a $1.00 day holds four 720P takes, or
      // three 1080P takes but not four. Each test is a member of its own.
      process.env.PRICE_PER_SECOND_720P = "0.10";
      process.env.PRICE_PER_SECOND_1080P = "0.15";
      process.env.BUDGET_MEMBER_DAILY_USD = "1.00";
      process.env.BUDGET_TEAM_MONTHLY_USD = "1000";
      process.env.SUBMIT_RATE_PER_MINUTE = "5";
      // Every take goes to the gateway at once here; our queue has its own suite (queue.suite.ts).
      process.env.MAX_CONCURRENT_TASKS = "50";
      harness = await loadApp();
      db = await (await import("@/lib/db/client")).getDb();
      schema = await import("@/lib/db/schema");
      takes = await import("@/lib/takes");
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
    });

    let members = 0;
    /** A member of their own: budgets and the rate limit count per member. */
    function member(): CurrentUser {
      members += 1;
      const id = `m${members}-${token}@studio.test`;
      return { id, email: id, name: `Member ${members}`, isAdmin: false };
    }

    const posts = () => harness.app.calls.filter((call) => call.method === "POST").length;

    async function frame(user: CurrentUser) {
      const media = await harness.media.ingestUpload({
        kind: "first_frame",
        body: createReadStream(path.join(MEDIA, "portrait.png")),
        declaredName: "portrait.png",
        owner: user,
      });
      return [{ type: "first_frame" as const, mediaId: media.id }];
    }

    async function request(user: CurrentUser, prompt: string, extra: Record<string, unknown>) {
      return {
        media: await frame(user),
        seconds: 2,
        size: "720P" as const,
        prompt: `${prompt} ${token}`,
        ...extra,
      };
    }

    async function rowsWithPrompt(prompt: string): Promise<TaskRow[]> {
      return db
        .select()
        .from(schema.tasks)
        .where(like(schema.tasks.prompt, `${prompt} ${token}%`));
    }

    async function setRows(ids: string[]) {
      if (ids.length === 0) return [];
      return db.select().from(schema.takeSets).where(inArray(schema.takeSets.id, ids));
    }

    /** Polls every take like a viewer until each has ended (kept, or failed). */
    async function settle(rows: TaskRow[], deadlineMs = 45_000): Promise<TaskRow[]> {
      const started = Date.now();
      const done = new Map<string, TaskRow>();
      while (done.size < rows.length && Date.now() - started < deadlineMs) {
        for (const row of rows) {
          if (done.has(row.id)) continue;
          await harness.poll(row.id);
          const stored = await harness.tasks.getTaskRow(row.id);
          if (stored && (stored.status === "failed" || stored.resultKey)) {
            done.set(row.id, stored);
          }
        }
        if (done.size < rows.length) await sleep(200);
      }
      if (done.size < rows.length) throw new Error(`takes did not end in ${deadlineMs} ms`);
      return rows.map((row) => done.get(row.id) as TaskRow);
    }

    it("refuses a set that would pass the budget whole, with the numbers; nothing is made or sent", async () => {
      const user = member();
      const before = posts();
      const refusal = await harness.tasks
        .submitTask(await request(user, "Over budget", { takes: 4, size: "1080P" }), user)
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(harness.tasks.TaskError);
      expect(refusal).toMatchObject({ code: "over_budget" });
      expect((refusal as Error).message).toBe(
        "These 4 takes would cost about $1.20, but only $1.00 is left of your $1.00 daily budget ($0.00 spent today, UTC). Try a shorter or 720P video, or ask an admin.",
      );
      expect(await rowsWithPrompt("Over budget")).toEqual([]);
      expect(
        await db.select().from(schema.takeSets).where(eq(schema.takeSets.ownerId, user.id)),
      ).toEqual([]);
      expect(posts()).toBe(before);
      // Three takes fit exactly: all are made, in one set.
      const three = await harness.tasks.submitTask(
        await request(user, "Within budget", { takes: 3, size: "1080P" }),
        user,
      );
      expect(three.takes).toHaveLength(3);
      expect(three.takes.every((take) => take.status === "queued")).toBe(true);
    });

    it("makes every take of a set within budget: one set, seeds in order, each sent once", async () => {
      const user = member();
      const before = posts();
      const first = await harness.tasks.submitTask(
        await request(user, "Four takes", { takes: 4, seed: 1000 }),
        user,
      );
      expect(first.takes.map((take) => take.seed)).toEqual([1000, 1001, 1002, 1003]);
      expect(first.takes.map((take) => take.takeIndex)).toEqual([1, 2, 3, 4]);
      expect(new Set(first.takes.map((take) => take.takeSetId))).toEqual(
        new Set([first.takeSetId]),
      );
      expect(first.takes.every((take) => take.status === "queued" && take.gatewayId)).toBe(true);
      expect(posts() - before).toBe(4);
      const [set] = await setRows([first.takeSetId as string]);
      expect(set).toMatchObject({ takes: 4, ownerId: user.id, pickedTaskId: null });
      const view = await takes.loadTakeSet(first.takeSetId as string);
      expect(view?.views.map((take) => take.seed)).toEqual([1000, 1001, 1002, 1003]);
    });

    it("counts every take against the rate limit, all or none", async () => {
      const user = member();
      await harness.tasks.submitTask(await request(user, "Rate first", { takes: 4 }), user);
      // 4 started, the limit is 5: two more would make 6.
      const refusal = await harness.tasks
        .submitTask(await request(user, "Rate second", { takes: 2 }), user)
        .catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "rate_limited" });
      expect((refusal as Error).message).toBe(
        "2 takes would make 6 videos in the last minute (you started 4; the limit is 5). Choose fewer takes, or wait a moment.",
      );
      expect(await rowsWithPrompt("Rate second")).toEqual([]);
      const fits = await harness.tasks.submitTask(
        await request(user, "Rate third", { takes: 1 }),
        user,
      );
      expect(fits.takes).toHaveLength(1);
    });

    it("one idempotency key is one set: a repeat and two submits at once answer the same takes", async () => {
      const user = member();
      const form = await request(user, "Same key", { takes: 3 });
      const key = crypto.randomUUID();
      const before = posts();
      const first = await harness.tasks.submitTask(form, user, { idempotencyKey: key });
      const again = await harness.tasks.submitTask(form, user, { idempotencyKey: key });
      expect(again.duplicate).toBe(true);
      expect(again.takes.map((take) => take.id)).toEqual(first.takes.map((take) => take.id));
      expect(posts() - before).toBe(3);

      // Another member (the rate limit is 5 a minute): two submits with one key at once.
      const racer = member();
      const raced = await request(racer, "Raced key", { takes: 3 });
      const racedKey = crypto.randomUUID();
      const [a, b] = await Promise.all([
        harness.tasks.submitTask(raced, racer, { idempotencyKey: racedKey }),
        harness.tasks.submitTask(raced, racer, { idempotencyKey: racedKey }),
      ]);
      expect(a.takes.map((take) => take.id)).toEqual(b.takes.map((take) => take.id));
      const rows = await rowsWithPrompt("Raced key");
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((row) => row.takeSetId)).size).toBe(1);
      expect(await setRows([a.takeSetId as string])).toHaveLength(1);
      expect(posts() - before).toBe(6);
    });

    it("runs each take on its own: one fails by moderation, the others complete and are kept", async () => {
      const user = member();
      const set = await harness.tasks.submitTask(
        await request(user, "One fails [demo-fail:moderation@seed=1002]", { takes: 4, seed: 1000 }),
        user,
      );
      const ended = await settle(set.takes);
      expect(ended.map((row) => row.status)).toEqual([
        "completed",
        "completed",
        "failed",
        "completed",
      ]);
      expect(ended[2].errorMessage).toMatch(/content check refused this video/);
      expect(ended.filter((row) => row.resultKey)).toHaveLength(3);
    });

    it("picks one take per set, changeable, only a finished one; unpicks; history filters Picked", async () => {
      const user = member();
      const set = await harness.tasks.submitTask(
        await request(user, "Pick [demo-fail:moderation@seed=2002]", { takes: 3, seed: 2001 }),
        user,
      );
      const [one, failed, three] = await settle(set.takes);
      const setId = set.takeSetId as string;
      const other = member();

      expect((await takes.pickTake(setId, one.id, user)).pickedTaskId).toBe(one.id);
      // Any member may change the pick; still one per set.
      const changed = await takes.pickTake(setId, three.id, other);
      expect(changed).toMatchObject({ pickedTaskId: three.id, pickedBy: other.name });
      const refused = await takes.pickTake(setId, failed.id, user).catch((error) => error);
      expect(refused).toMatchObject({
        code: "not_pickable",
        message: "Only a finished take can be picked: take 2 is failed.",
      });
      const foreign = await takes.pickTake("no-such-set", one.id, user).catch((error) => error);
      expect(foreign).toMatchObject({ code: "take_set_not_found" });
      const elsewhere = await takes.pickTake(setId, "not-in-set", user).catch((error) => error);
      expect(elsewhere).toMatchObject({ code: "not_pickable" });
      expect((await setRows([setId]))[0].pickedTaskId).toBe(three.id);

      const listed = await harness.tasks.listTasks({ picked: true, search: `Pick [demo` });
      expect(listed.rows.map((row) => row.id)).toEqual([three.id]);
      expect(listed.rows[0]).toMatchObject({ picked: true, setTakes: 3 });
      const all = await harness.tasks.listTasks({ search: `Pick [demo` });
      expect(all.rows.filter((row) => row.picked).map((row) => row.id)).toEqual([three.id]);

      expect((await takes.pickTake(setId, null, user)).pickedTaskId).toBeNull();
      expect((await harness.tasks.listTasks({ picked: true, search: `Pick [demo` })).rows).toEqual(
        [],
      );
    });

    it("deleting the picked take clears the pick; deleting another take leaves it", async () => {
      const user = member();
      const set = await harness.tasks.submitTask(
        await request(user, "Delete picked", { takes: 3 }),
        user,
      );
      const [one, two, three] = await settle(set.takes);
      const setId = set.takeSetId as string;
      await takes.pickTake(setId, two.id, user);
      await harness.tasks.deleteTask(one.id, user);
      expect((await setRows([setId]))[0].pickedTaskId).toBe(two.id);
      await harness.tasks.deleteTask(two.id, user);
      expect((await setRows([setId]))[0]).toMatchObject({
        pickedTaskId: null,
        pickedBy: null,
        pickedAt: null,
      });
      const view = await takes.loadTakeSet(setId);
      expect(view?.views.map((take) => take.id)).toEqual([three.id]);
      expect(view?.takes).toBe(3);
      // A remix of the set reopens its settings and its count.
      const remix = await takes.loadRemixSet(setId);
      expect(remix).toMatchObject({ takes: 3, task: { id: three.id } });

      // A pick and a delete of the same take at once: whichever goes first, no pick is left
      // pointing at a deleted take.
      const [picking] = await Promise.allSettled([
        takes.pickTake(setId, three.id, user),
        harness.tasks.deleteTask(three.id, user),
      ]);
      if (picking.status === "rejected") {
        expect(picking.reason).toMatchObject({ code: "not_pickable" });
      }
      expect((await setRows([setId]))[0].pickedTaskId).toBeNull();
      expect((await takes.loadTakeSet(setId))?.views).toEqual([]);
      expect(await takes.loadRemixSet(setId)).toBeNull();
    });
  });
}
