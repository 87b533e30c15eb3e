import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";

/**
 * The job runner (lib/jobs/runner.ts) against a real database: the embedded one, or the
 * Postgres server `databaseUrl` names (then the last test runs two connection pools at once,
 * as two instances would). Run by runner.pglite.test.ts and runner.postgres.test.ts.
 */
export function describeRunner(name: string, databaseUrl: () => string | undefined) {
  describe(`job runner (${name})`, () => {
    let runner: typeof import("./runner");
    let schema: typeof import("@/lib/db/schema");
    let db: Db;
    const tag = `t${Date.now().toString(36)}`;
    const kind = (label: string) => `${tag}_${label}`;

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-jobs-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.SWEEP_INTERVAL_MS = "0";
      runner = await import("./runner");
      schema = await import("@/lib/db/schema");
      db = await (await import("@/lib/db/client")).getDb();
    });

    const row = async (id: string) => {
      const found = await runner.getJob(id);
      if (!found) throw new Error(`no job ${id}`);
      return found;
    };

    it("runs a job once: progress, result, a temporary folder removed after", async () => {
      const seen: number[] = [];
      let folder = "";
      runner.registerJobKind<{ n: number }, { doubled: number }>(kind("double"), {
        timeoutMs: 5000,
        run: async ({ payload, progress, tempDir, job }) => {
          folder = tempDir;
          expect(existsSync(tempDir)).toBe(true);
          await progress(0.5);
          seen.push((await row(job.id)).progress);
          return { doubled: payload.n * 2 };
        },
      });
      const job = await runner.enqueueJob({
        kind: kind("double"),
        payload: { n: 21 },
        ownerId: "ann",
      });
      expect(job.status).toBe("pending");
      const outcome = await runner.runDueJobs({ kinds: [kind("double")] });
      expect(outcome).toEqual({ ran: 1, done: 1, failed: 0 });
      const done = await row(job.id);
      expect(done).toMatchObject({
        status: "done",
        progress: 1,
        attempts: 1,
        result: { doubled: 42 },
      });
      expect(done.finishedAt).not.toBeNull();
      expect(seen).toEqual([0.5]);
      expect(existsSync(folder)).toBe(false);
      // Nothing is due any more.
      expect(await runner.runDueJobs({ kinds: [kind("double")] })).toEqual({
        ran: 0,
        done: 0,
        failed: 0,
      });
    });

    it("retries after a back-off, then stops at a JobError with its sentence", async () => {
      let calls = 0;
      runner.registerJobKind(kind("flaky"), {
        timeoutMs: 5000,
        backoffMs: 300,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error("disk hiccup");
          throw new runner.JobError("This video has no picture to cut.");
        },
        failure: () => "It could not be made. Please try again.",
      });
      const job = await runner.enqueueJob({ kind: kind("flaky"), payload: {}, ownerId: "ann" });
      await runner.runDueJobs({ kinds: [kind("flaky")] });
      const waiting = await row(job.id);
      expect(waiting).toMatchObject({
        status: "pending",
        attempts: 1,
        error: "It could not be made. Please try again.",
      });
      expect(waiting.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 100);
      // Not before its back-off ends.
      expect((await runner.runDueJobs({ kinds: [kind("flaky")] })).ran).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 450));
      await runner.runDueJobs({ kinds: [kind("flaky")] });
      expect(await row(job.id)).toMatchObject({
        status: "failed",
        attempts: 2,
        error: "This video has no picture to cut.",
      });
      expect(calls).toBe(2);
    });

    it("stops a run at its kind's limit (the signal fires) and fails it after its attempts", async () => {
      let aborted = 0;
      runner.registerJobKind(kind("slow"), {
        timeoutMs: 150,
        maxAttempts: 1,
        run: ({ signal }) =>
          new Promise((resolve) => {
            signal.addEventListener("abort", () => {
              aborted += 1;
              setTimeout(resolve, 50);
            });
          }),
      });
      const job = await runner.enqueueJob({ kind: kind("slow"), payload: {}, ownerId: "ann" });
      const started = Date.now();
      await runner.runDueJobs({ kinds: [kind("slow")] });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(aborted).toBe(1);
      expect(await row(job.id)).toMatchObject({
        status: "failed",
        error: "The work took too long and was stopped. Please try again.",
      });
    });

    it("re-claims a job whose lease ran out; the old claim can neither report nor finish", async () => {
      runner.registerJobKind(kind("lease"), {
        timeoutMs: 1000,
        run: async () => ({ by: "second" }),
      });
      const job = await runner.enqueueJob({ kind: kind("lease"), payload: {}, ownerId: "ann" });
      const first = await runner.claimJob([kind("lease")]);
      expect(first?.id).toBe(job.id);
      // Leased: nobody else can take it.
      expect(await runner.claimJob([kind("lease")])).toBeNull();
      // Its server died: the lease runs out.
      await db
        .update(schema.jobs)
        .set({ leaseUntil: sql`now() - interval '1 second'` })
        .where(eq(schema.jobs.id, job.id));
      const second = await runner.claimJob([kind("lease")]);
      expect(second).toMatchObject({ id: job.id, attempts: 2, status: "running" });
      // The first claim comes back to life: what it writes is dropped.
      runner.registerJobKind(kind("lease"), {
        timeoutMs: 1000,
        run: async () => ({ by: "first" }),
      });
      expect(await runner.runClaimed(first as NonNullable<typeof first>)).toBe("lost");
      runner.registerJobKind(kind("lease"), {
        timeoutMs: 1000,
        run: async () => ({ by: "second" }),
      });
      expect(await runner.runClaimed(second as NonNullable<typeof second>)).toBe("done");
      expect((await row(job.id)).result).toEqual({ by: "second" });
    });

    it("fails a job whose every attempt died with its lease, rather than run it again", async () => {
      let runs = 0;
      runner.registerJobKind(kind("dies"), {
        timeoutMs: 1000,
        maxAttempts: 1,
        run: async () => {
          runs += 1;
        },
      });
      const job = await runner.enqueueJob({ kind: kind("dies"), payload: {}, ownerId: "ann" });
      expect((await runner.claimJob([kind("dies")]))?.id).toBe(job.id);
      await db
        .update(schema.jobs)
        .set({ leaseUntil: sql`now() - interval '1 second'` })
        .where(eq(schema.jobs.id, job.id));
      await runner.runDueJobs({ kinds: [kind("dies")] });
      expect(runs).toBe(0);
      expect(await row(job.id)).toMatchObject({ status: "failed" });
    });

    it("writes onDone in the finishing transaction; one job per dedupe key", async () => {
      runner.registerJobKind<unknown, { n: number }>(kind("event"), {
        timeoutMs: 1000,
        run: async () => ({ n: 7 }),
        onDone: async (tx, job, result) => {
          await tx
            .update(schema.jobs)
            .set({ error: `onDone saw ${result.n} as ${job.status}` })
            .where(eq(schema.jobs.id, job.id));
        },
      });
      const key = `${tag}:seq:1`;
      const a = await runner.enqueueJob({
        kind: kind("event"),
        payload: {},
        ownerId: "ann",
        dedupeKey: key,
      });
      const b = await runner.enqueueJob({
        kind: kind("event"),
        payload: {},
        ownerId: "ann",
        dedupeKey: key,
      });
      expect(b.id).toBe(a.id);
      await runner.runDueJobs({ kinds: [kind("event")] });
      expect(await row(a.id)).toMatchObject({ status: "done", error: "onDone saw 7 as done" });
      // A done job stays done when asked again under its key.
      const c = await runner.enqueueJob({
        kind: kind("event"),
        payload: {},
        ownerId: "ann",
        dedupeKey: key,
      });
      expect(c).toMatchObject({ id: a.id, status: "done" });
    });

    it("runs at most the media slots' worth of ffmpeg jobs at once, the others beside them", async () => {
      let now = 0;
      let peak = 0;
      let lightAt = 0;
      let lastMediaEnd = 0;
      runner.registerJobKind(kind("media"), {
        timeoutMs: 5000,
        ffmpeg: true,
        run: async () => {
          now += 1;
          peak = Math.max(peak, now);
          await new Promise((resolve) => setTimeout(resolve, 120));
          now -= 1;
          lastMediaEnd = Date.now();
        },
      });
      runner.registerJobKind(kind("light"), {
        timeoutMs: 5000,
        run: async () => {
          lightAt = Date.now();
        },
      });
      for (let i = 0; i < 6; i++) {
        await runner.enqueueJob({ kind: kind("media"), payload: { i }, ownerId: "ann" });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      await runner.enqueueJob({ kind: kind("light"), payload: {}, ownerId: "ann" });
      const outcome = await runner.runDueJobs({ kinds: [kind("media"), kind("light")] });
      expect(outcome.done).toBe(7);
      expect(peak).toBe(runner.mediaSlots());
      // The light job did not wait behind the media queue.
      expect(lightAt).toBeGreaterThan(0);
      expect(lightAt).toBeLessThan(lastMediaEnd - 100);
    });

    it("two sweepers at once (two connection pools on one database when on Postgres) run each job exactly once", async () => {
      const runs = new Map<string, number>();
      runner.registerJobKind<{ i: number }, null>(kind("race"), {
        timeoutMs: 5000,
        run: async ({ job }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return null;
        },
      });
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(
          (await runner.enqueueJob({ kind: kind("race"), payload: { i }, ownerId: "ann" })).id,
        );
      }
      const url = databaseUrl();
      let other: Db | undefined;
      let closeOther = async () => {};
      if (url) {
        const { default: postgres } = await import("postgres");
        const { drizzle } = await import("drizzle-orm/postgres-js");
        const client = postgres(url, { max: 4, onnotice: () => {} });
        other = drizzle(client, { schema }) as unknown as Db;
        closeOther = () => client.end();
      }
      try {
        const sweeps = await Promise.all([
          runner.runDueJobs({ kinds: [kind("race")] }),
          runner.runDueJobs({ kinds: [kind("race")], db: other }),
          runner.runDueJobs({ kinds: [kind("race")], db: other }),
          runner.runDueJobs({ kinds: [kind("race")] }),
        ]);
        expect(sweeps.reduce((sum, sweep) => sum + sweep.done, 0)).toBe(30);
        if (other) expect(sweeps[1].ran + sweeps[2].ran).toBeGreaterThan(0);
      } finally {
        await closeOther();
      }
      expect(ids.every((id) => runs.get(id) === 1)).toBe(true);
      for (const id of ids) expect((await row(id)).status).toBe("done");
    });
  });
}
