import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { TaskRow } from "@/lib/db/schema";

/**
 * The history's list of sequences (lib/sequences/list.ts) against a real database: the
 * embedded one, or the Postgres server `databaseUrl` names. Rows are written as the use cases
 * leave them (no renders: sequences.test-suite does those); the figures are checked against
 * the sequence page's own view and the export's own plan. Run by list.*.test.ts.
 */
export function describeSequenceList(name: string, databaseUrl: () => string | undefined) {
  describe(`history's sequences (${name})`, () => {
    let db: Db;
    let schema: typeof import("@/lib/db/schema");
    let list: typeof import("./list");
    let view: typeof import("./view");
    let plans: typeof import("./export-plan");

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-seqlist-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.SWEEP_INTERVAL_MS = "0";
      schema = await import("@/lib/db/schema");
      list = await import("./list");
      view = await import("./view");
      plans = await import("./export-plan");
      db = await (await import("@/lib/db/client")).getDb();
    });

    /** A kept video (or as `extra` says), made by `owner`. */
    async function task(
      owner: { id: string; name: string | null },
      extra: Partial<TaskRow> = {},
    ): Promise<string> {
      const id = `t${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      await db.insert(schema.tasks).values({
        id,
        status: "completed",
        ownerId: owner.id,
        ownerName: owner.name,
        seconds: 4,
        size: "720P",
        prompt: `shot ${id}`,
        media: [],
        combination: "first_frame",
        resultKey: `results/${id}.mp4`,
        resultSeconds: 4.04,
        posterKey: `posters/${id}.jpg`,
        ...extra,
      });
      return id;
    }

    /** A 5 s continuation of `parent` whose first 3 s repeat the parent's end. */
    const continuing = (parent: string): Partial<TaskRow> => ({
      seconds: 5,
      resultSeconds: 5,
      combination: "first_clip",
      parentTaskId: parent,
      parentCut: { fromSeconds: 1.04, toSeconds: 4.04 },
    });

    async function sequence(
      owner: { id: string; name: string | null },
      taskIds: string[],
      at: Date,
    ): Promise<string> {
      const id = `s${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      await db.insert(schema.sequences).values({
        id,
        ownerId: owner.id,
        ownerName: owner.name,
        createdAt: at,
        updatedAt: at,
      });
      await db
        .insert(schema.sequenceShots)
        .values(taskIds.map((taskId, position) => ({ sequenceId: id, position, taskId })));
      return id;
    }

    const ann = { id: "ann@studio.test", name: "Ann" };
    const bo = { id: "bo@studio.test", name: null };
    const minute = (n: number) => new Date(Date.UTC(2026, 10, 1, 9, n));
    let annSeq: string;
    let boSeq: string;
    let staleSeq: string;
    let a: string;
    let b: string;

    it("lists the team's sequences, newest change first, with the page's own figures", async () => {
      a = await task(ann);
      b = await task(ann, continuing(a));
      const c = await task(ann, continuing(b));
      annSeq = await sequence(ann, [a, b, c], minute(1));
      // Someone else's: the team sees it too, under their id when they have no name.
      const x = await task(bo, { posterKey: null });
      const y = await task(bo, { ...continuing(x), status: "in_progress", resultKey: null });
      boSeq = await sequence(bo, [x, y], minute(2));

      const { rows, nextCursor } = await list.listSequences();
      expect(nextCursor).toBeNull();
      const mine = rows.filter((row) => [annSeq, boSeq].includes(row.id));
      expect(mine.map((row) => row.id)).toEqual([boSeq, annSeq]);
      const [boCard, annCard] = mine;
      expect(annCard).toMatchObject({
        ownerName: "Ann",
        createdAt: minute(1).toISOString(),
        shots: 3,
        posterTaskId: a,
        outOfDate: false,
        reroll: null,
        deletedShots: 0,
        export: null,
      });
      // 4.04 s, then 2 s added by each continuation (5 s, 3 s of it repeated).
      expect(annCard.totalSeconds).toBe(8.04);
      expect(annCard.totalSeconds).toBe((await view.loadSequence(annSeq))?.totalSeconds);
      expect(boCard).toMatchObject({ ownerName: "bo@studio.test", shots: 2, posterTaskId: null });
      expect(boCard.totalSeconds).toBe((await view.loadSequence(boSeq))?.totalSeconds);
    });

    it("says when a sequence is out of date, re-rolling, stopped or lost a shot", async () => {
      const other = await task(ann);
      // Its second shot continues another video, not the first shot: out of date.
      staleSeq = await sequence(ann, [a, await task(ann, continuing(other))], minute(3));
      const [stale] = (await list.listSequences({ limit: 1 })).rows;
      expect(stale).toMatchObject({ id: staleSeq, outOfDate: true, reroll: null });
      expect((await view.loadSequence(staleSeq))?.shots[1].outOfDate).toBe(true);

      await db
        .update(schema.sequenceShots)
        .set({ rerollStatus: "pending" })
        .where(
          sql`${schema.sequenceShots.sequenceId} = ${staleSeq} and ${schema.sequenceShots.position} = 1`,
        );
      expect((await list.listSequences({ limit: 1 })).rows[0].reroll).toBe("pending");
      await db
        .update(schema.sequenceShots)
        .set({ rerollStatus: "failed", rerollError: "Shot 1 was deleted." })
        .where(eq(schema.sequenceShots.sequenceId, staleSeq));
      expect((await list.listSequences({ limit: 1 })).rows[0].reroll).toBe("failed");

      // A deleted shot's video counts for nothing; the shot after it still continues it.
      const gone = await task(ann);
      const after = await task(ann, continuing(gone));
      const holed = await sequence(ann, [gone, after], minute(4));
      await db.delete(schema.tasks).where(eq(schema.tasks.id, gone));
      const [card] = (await list.listSequences({ limit: 1 })).rows;
      expect(card).toMatchObject({
        id: holed,
        deletedShots: 1,
        outOfDate: false,
        posterTaskId: null,
      });
      expect(card.totalSeconds).toBe((await view.loadSequence(holed))?.totalSeconds);
      expect(card.totalSeconds).toBe(2);
    });

    it("shows the export of the sequence as it stands, not of an older version", async () => {
      const plan = await plans.exportPlan(annSeq);
      if (!plan) throw new Error("the sequence has kept shots: it has a plan");
      const jobId = `job_${randomUUID().replace(/-/g, "")}`;
      await db.insert(schema.jobs).values({
        id: jobId,
        kind: plans.EXPORT_JOB,
        payload: { sequenceId: annSeq, version: plan.version },
        ownerId: ann.id,
        dedupeKey: plans.exportDedupeKey(annSeq, plan.version),
        status: "running",
        progress: 0.4,
      });
      const card = async () =>
        (await list.listSequences({ limit: 100 })).rows.find((row) => row.id === annSeq);
      expect((await card())?.export).toEqual({
        status: "running",
        progress: expect.closeTo(0.4, 5),
      });
      await db
        .update(schema.jobs)
        .set({ status: "done", progress: 1 })
        .where(eq(schema.jobs.id, jobId));
      expect((await card())?.export).toMatchObject({ status: "done" });

      // A shot's file changes (a new kept copy): the export is of an older version.
      await db
        .update(schema.tasks)
        .set({ resultKey: `results/${b}-again.mp4` })
        .where(eq(schema.tasks.id, b));
      expect((await card())?.export).toBeNull();
      // Nothing whole to export while a shot is running.
      expect(
        (await list.listSequences({ limit: 100 })).rows.find((r) => r.id === boSeq)?.export,
      ).toBeNull();
    });

    it("pages with a cursor through the (updated_at, id) index", async () => {
      const all = (await list.listSequences({ limit: 100 })).rows.map((row) => row.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await list.listSequences({ limit: 2, cursor });
        expect(page.rows.length).toBeLessThanOrEqual(2);
        seen.push(...page.rows.map((row) => row.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all);
      expect(all.length).toBeGreaterThanOrEqual(4);

      // With sequential scans priced out, as on a large table, the page's read is an index
      // scan of sequences_updated_idx bounded at the cursor, and the shots come by their key.
      const query = list.pageQuery(db, { createdAt: minute(3), id: staleSeq }, 24).toSQL();
      const inlined = query.sql.replace(/\$(\d+)/g, (_, n) => literal(query.params[Number(n) - 1]));
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return JSON.stringify(await tx.execute(sql.raw(`explain ${inlined}`)));
      });
      expect(plan).toContain("sequences_updated_idx");
      expect(plan).toContain("sequence_shots_sequence_id_position_pk");
    });
  });
}

function literal(value: unknown): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}
