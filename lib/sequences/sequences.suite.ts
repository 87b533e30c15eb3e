import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";
import type { TaskRow } from "@/lib/db/schema";
import { closeServers, loadApp, MEDIA, sleep } from "@/lib/tasks/faults.harness";

/**
 * Sequences with real parts: the database (embedded, or the Postgres server `databaseUrl`
 * names), the demo gateway rendering each video with ffmpeg, "Continue" cutting the real
 * file. Continuations make and extend sequences (and branch from a middle shot); a replaced
 * shot puts the later ones out of date; a re-roll is approved all or none against the budget
 * and then made, shot after shot, by the sweeper's step. Run by sequences.*.test.ts.
 */
export function describeSequences(name: string, databaseUrl: () => string | undefined) {
  describe(`sequences (${name})`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let sequences: typeof import("@/lib/sequences");
    let frames: typeof import("@/lib/tasks/frames");
    const token = `seq${Date.now().toString(36)}`;

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-seq-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = "200";
      process.env.DEMO_STEP_MS = "40";
      process.env.VIDEO_API_TIMEOUT_MS = "10000";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      // A 2 s video costs $0.20, a 3 s one $0.30; a member may start $2.00 a day.
      process.env.PRICE_PER_SECOND_720P = "0.10";
      process.env.BUDGET_MEMBER_DAILY_USD = "2.00";
      process.env.BUDGET_TEAM_MONTHLY_USD = "1000";
      process.env.SUBMIT_RATE_PER_MINUTE = "100";
      process.env.MAX_CONCURRENT_TASKS = "50";
      harness = await loadApp();
      sequences = await import("@/lib/sequences");
      frames = await import("@/lib/tasks/frames");
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
    });

    const maker: CurrentUser = {
      id: `maker-${token}@studio.test`,
      email: `maker-${token}@studio.test`,
      name: "Maker",
      isAdmin: false,
    };

    async function kept(id: string): Promise<TaskRow> {
      for (let i = 0; i < 400; i++) {
        const row = await harness.poll(id);
        if (row?.status === "completed" && row.resultKey) return row;
        if (row && ["failed", "refused", "cancelled"].includes(row.status)) {
          throw new Error(`${id} ended ${row.status}: ${row.errorMessage}`);
        }
        await sleep(100);
      }
      throw new Error(`${id} was not kept in time`);
    }

    async function first(prompt: string) {
      const frame = await harness.media.ingestUpload({
        kind: "first_frame",
        body: (await import("node:fs")).createReadStream(path.join(MEDIA, "portrait.png")),
        declaredName: "portrait.png",
        owner: maker,
      });
      const row = await harness.tasks.submitTask(
        {
          media: [{ type: "first_frame", mediaId: frame.id }],
          seconds: 2,
          size: "720P",
          prompt,
        },
        maker,
        { afterInsert: sequences.linkContinuation },
      );
      return kept(row.id);
    }

    /** "Continue" (2 s) and Generate a 3 s continuation, as the studio would. */
    async function continueFrom(parent: TaskRow, prompt: string, takes = 1) {
      const clip = await frames.continueClip(parent.id, 2, maker);
      const row = await harness.tasks.submitTask(
        {
          media: [{ type: "first_clip", mediaId: clip.id }],
          seconds: 3,
          size: "720P",
          prompt,
          takes,
        },
        maker,
        { afterInsert: sequences.linkContinuation },
      );
      return row.takes;
    }

    let a: TaskRow;
    let b1: TaskRow;
    let b2: TaskRow;
    let c: TaskRow;
    let e: TaskRow;
    let sequenceId: string;

    it("makes a sequence when a video is continued, and extends it from its last shot", async () => {
      a = await first(`Opening ${token}`);
      expect(await sequences.sequencesOfTask(a.id)).toEqual([]);
      const [b1Row, b2Row] = await continueFrom(a, `Middle ${token}`, 2);
      const [made] = await sequences.sequencesOfTask(b1Row.id);
      expect(made).toMatchObject({ position: 1, shots: 2 });
      sequenceId = made.sequenceId;
      // The second take of the same continuation is not a shot: it can replace one.
      expect(await sequences.sequencesOfTask(b2Row.id)).toEqual([]);
      [b1, b2] = await Promise.all([kept(b1Row.id), kept(b2Row.id)]);
      [c] = await continueFrom(b1, `End ${token}`);
      c = await kept(c.id);
      [e] = await continueFrom(c, `Coda ${token}`);
      e = await kept(e.id);

      const view = await sequences.loadSequence(sequenceId);
      expect(view?.shots.map((shot) => shot.taskId)).toEqual([a.id, b1.id, c.id, e.id]);
      const [s0, s1] = view?.shots ?? [];
      expect(s0.addsSeconds).toBeCloseTo(2, 1);
      expect(s1.seconds).toBeCloseTo(3, 1);
      // The 2 s clip it starts with repeats the end of the opening shot.
      expect(s1.repeatsSeconds).toBeCloseTo(2, 1);
      expect(s1.addsSeconds).toBeCloseTo(1, 1);
      // Probed lengths run a frame or an AAC priming past the asked seconds.
      expect(Math.abs((view?.totalSeconds ?? 0) - (2 + 1 + 1 + 1))).toBeLessThan(0.25);
      expect(view?.shots.some((shot) => shot.outOfDate)).toBe(false);
      expect(view?.reroll).toBeNull();

      const plan = await sequences.exportPlan(sequenceId);
      expect(plan?.shots.map((shot) => shot.taskId)).toEqual([a.id, b1.id, c.id, e.id]);
      expect(plan?.shots[0].skipSeconds).toBe(0);
      expect(plan?.shots[1].skipSeconds).toBeCloseTo(2, 1);
      expect(plan?.shots[1].resultKey).toBe(b1.resultKey);
    }, 180_000);

    it("branches into a new sequence when a middle shot is continued", async () => {
      const [d] = await continueFrom(a, `Branch ${token}`);
      const [branch] = await sequences.sequencesOfTask(d.id);
      expect(branch.sequenceId).not.toBe(sequenceId);
      const view = await sequences.loadSequence(branch.sequenceId);
      expect(view?.shots.map((shot) => shot.taskId)).toEqual([a.id, d.id]);
      // The first sequence is as it was.
      const before = await sequences.loadSequence(sequenceId);
      expect(before?.shots.map((shot) => shot.taskId)).toEqual([a.id, b1.id, c.id, e.id]);
      await kept(d.id);
    }, 60_000);

    it("replaces a shot with another take: the later shots are out of date", async () => {
      const before = await sequences.exportPlan(sequenceId);
      const view = await sequences.loadSequence(sequenceId);
      expect(view?.shots[1].candidates.map((x) => x.taskId)).toContain(b2.id);
      await expect(sequences.replaceShot(sequenceId, 1, e.id, maker)).rejects.toMatchObject({
        code: "not_replaceable",
      });

      await sequences.replaceShot(sequenceId, 1, b2.id, maker);
      const after = await sequences.loadSequence(sequenceId);
      expect(after?.shots.map((shot) => shot.taskId)).toEqual([a.id, b2.id, c.id, e.id]);
      expect(after?.shots.map((shot) => shot.outOfDate)).toEqual([false, false, true, true]);
      expect(after?.reroll).toMatchObject({ fromPosition: 1, shots: 2 });
      expect(after?.reroll?.costUsd).toBeCloseTo(0.6, 5);
      const plan = await sequences.exportPlan(sequenceId);
      expect(plan?.version).not.toBe(before?.version);
    });

    it("approves a re-roll all or none, then makes each shot from the new one before it", async () => {
      // The maker has started $2.10 of videos today: 2 more shots ($0.60) would pass $2.00.
      await expect(sequences.startReroll(sequenceId, 1, maker)).rejects.toMatchObject({
        code: "over_budget",
        message: expect.stringContaining("These 2 shots would cost about $0.60"),
      });
      let view = await sequences.loadSequence(sequenceId);
      expect(view?.rerolling).toBe(false);
      expect(view?.shots.every((shot) => shot.reroll === null)).toBe(true);

      const other: CurrentUser = { ...maker, id: `other-${token}@studio.test`, name: "Other" };
      await expect(sequences.startReroll(sequenceId, 1, other)).resolves.toEqual({ shots: 2 });
      view = await sequences.loadSequence(sequenceId);
      expect(view?.rerolling).toBe(true);
      await expect(sequences.startReroll(sequenceId, 1, other)).rejects.toMatchObject({
        code: "reroll_busy",
      });

      for (let i = 0; i < 600 && view?.rerolling; i++) {
        await sequences.advanceRerolls();
        view = await sequences.loadSequence(sequenceId);
        await sleep(100);
      }
      expect(view?.rerolling).toBe(false);
      const [, , c2, e2] = view?.shots ?? [];
      expect(c2.taskId).not.toBe(c.id);
      expect(e2.taskId).not.toBe(e.id);
      const c2Row = await kept(c2.taskId);
      const e2Row = await kept(e2.taskId);
      // Each continues the new shot before it, with the old shot's own settings.
      expect(c2Row.parentTaskId).toBe(b2.id);
      expect(e2Row.parentTaskId).toBe(c2Row.id);
      expect([c2Row.prompt, c2Row.seconds, c2Row.seed]).toEqual([c.prompt, c.seconds, c.seed]);
      expect([e2Row.prompt, e2Row.seed]).toEqual([e.prompt, e.seed]);
      expect(c2Row.ownerId).toBe(other.id);
      const cut = (c2Row.parentCut?.toSeconds ?? 0) - (c2Row.parentCut?.fromSeconds ?? 0);
      expect(cut).toBeCloseTo(2, 1);
      const done = await sequences.loadSequence(sequenceId);
      expect(done?.shots.some((shot) => shot.outOfDate)).toBe(false);
    }, 240_000);
  });
}
