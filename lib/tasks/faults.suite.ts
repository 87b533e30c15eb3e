import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskRow } from "@/lib/db/schema";
import { closeServers, loadApp, sleep } from "./faults.harness";

/**
 * Every fault the gateway can throw at a task, acted out by the demo gateway's
 * `[demo-fail:…]` markers (lib/gateway/demo/faults.ts), against real parts: the database
 * (embedded, or the Postgres server `databaseUrl` names), files on disk, the media route and
 * the demo gateway over HTTP. What must hold: reads are retried a bounded number of times, a
 * passing fault shows as "we keep trying" while the task keeps its state and completes once
 * it clears; a create whose answer is lost is recorded as such and never sent again.
 * Run by faults.pglite.test.ts and faults.postgres.test.ts.
 */

const POLL_INTERVAL_MS = 200;
const TASK_TIMEOUT_MS = 8000;
// Well inside TASK_TIMEOUT_MS, and long enough for more `unknown` polls than the old bound (12).
const UNKNOWN_STATUS_TIMEOUT_MS = 4000;
const KEEP_TRYING = "The gateway is not answering right now; we keep trying.";

export function describeGatewayFaults(name: string, databaseUrl: () => string | undefined) {
  describe(`gateway faults (${name})`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let dataDir = "";

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "wan-faults-"));
      process.env.DATA_DIR = dataDir;
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = String(POLL_INTERVAL_MS);
      process.env.DEMO_STEP_MS = "60";
      // Per attempt; the poll client retries once. Long enough for a create on a busy machine.
      process.env.VIDEO_API_TIMEOUT_MS = "1200";
      process.env.TASK_TIMEOUT_MS = String(TASK_TIMEOUT_MS);
      process.env.UNKNOWN_STATUS_TIMEOUT_MS = String(UNKNOWN_STATUS_TIMEOUT_MS);
      process.env.SUBMIT_RATE_PER_MINUTE = "1000";
      // Lost creates hold their slot for minutes (queue.ts): the queue is tested elsewhere.
      process.env.MAX_CONCURRENT_TASKS = "50";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      harness = await loadApp();
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
    });

    const gatewayCalls = (row: TaskRow, method = "GET") =>
      harness.app.calls.filter(
        (call) =>
          call.method === method && call.path === `/api/demo-gateway/v1/videos/${row.gatewayId}`,
      );
    const contentCalls = (row: TaskRow) =>
      harness.app.calls.filter(
        (call) => call.path === `/api/demo-gateway/v1/videos/${row.gatewayId}/content`,
      );
    const posts = () => harness.app.calls.filter((call) => call.method === "POST").length;

    /**
     * Polls like a viewer every interval until the task is kept or ends, recording each answer
     * and how many gateway reads each poll cost.
     */
    // Generous: CI runs test files side by side on 2 cores, and the first task of a file
    // also pays for warming the database up.
    async function watch(row: TaskRow, deadlineMs = 45_000) {
      const seen: { row: TaskRow; reads: number }[] = [];
      const started = Date.now();
      while (Date.now() - started < deadlineMs) {
        const before = gatewayCalls(row).length;
        const current = await harness.poll(row.id);
        if (!current) throw new Error(`task ${row.id} vanished`);
        seen.push({ row: current, reads: gatewayCalls(row).length - before });
        const stored = await harness.tasks.getTaskRow(row.id);
        if (stored?.status === "failed" || stored?.resultKey) return { done: stored, seen };
        await sleep(POLL_INTERVAL_MS);
      }
      throw new Error(`task ${row.id} did not finish in ${deadlineMs} ms`);
    }

    /** The task kept its state while failing, said so, and finished with the video kept. */
    async function expectRecovered(
      row: TaskRow,
      code: string,
      watched: Awaited<ReturnType<typeof watch>>,
    ) {
      const failing = watched.seen.filter((entry) => entry.row.errorCode === code);
      expect(failing.length, "polls that saw the fault").toBeGreaterThanOrEqual(1);
      for (const { row: during } of failing) {
        expect(["queued", "in_progress"]).toContain(during.status);
        const view = harness.tasks.toTaskView(during);
        expect(view.notice).toBe(KEEP_TRYING);
        expect(view.error).toBeNull();
      }
      const { done } = watched;
      expect(done.status).toBe("completed");
      expect(done.errorCode).toBeNull();
      expect(harness.tasks.toTaskView(done).notice).toBeNull();
      const kept = await harness.storage
        .getStorage()
        .get(done.resultKey ?? "", { start: 0, end: 7 });
      const head = Buffer.concat((await kept?.body.toArray()) ?? []);
      expect(head.subarray(4, 8).toString("latin1")).toBe("ftyp");
      // One create, one task: nothing was sent twice.
      expect(gatewayCalls(row, "POST")).toHaveLength(0);
      return failing;
    }

    it("429 with Retry-After: waits as told, retries once, keeps trying, then completes", async () => {
      const row = await harness.submit("A lighthouse at dusk [demo-fail:poll-429:2s]");
      expect(row.status).toBe("queued");
      const watched = await watch(row);
      const failing = await expectRecovered(row, "rate_limited:gateway", watched);
      // The first poll asked twice (one retry), the second time after the Retry-After second.
      expect(failing[0].reads).toBe(2);
      const [first, second] = gatewayCalls(row);
      expect(second.at - first.at).toBeGreaterThanOrEqual(950);
      expect(Math.max(...watched.seen.map((entry) => entry.reads))).toBeLessThanOrEqual(2);
    });

    it("429 without Retry-After: backs off on its own, then completes", async () => {
      const row = await harness.submit("A lighthouse at dusk [demo-fail:poll-429-bare:1500ms]");
      const watched = await watch(row);
      const failing = await expectRecovered(row, "rate_limited:gateway", watched);
      expect(failing[0].reads).toBe(2);
      const [first, second] = gatewayCalls(row);
      // 500 ms base back-off plus up to 500 ms of jitter.
      expect(second.at - first.at).toBeGreaterThanOrEqual(450);
      expect(second.at - first.at).toBeLessThan(1500);
      expect(Math.max(...watched.seen.map((entry) => entry.reads))).toBeLessThanOrEqual(2);
    });

    for (const status of [500, 502, 503]) {
      it(`${status}${status === 502 ? " (an HTML page)" : ""}: retried once per poll, shown as a notice, then completes`, async () => {
        // 3 s of faults: a first poll that a busy machine delays past a shorter window saw
        // none (CI, once), and the assertions below hold for any length.
        const row = await harness.submit(`A harbour [demo-fail:poll-${status}:3s]`);
        const watched = await watch(row);
        const failing = await expectRecovered(row, "unavailable:gateway", watched);
        for (const entry of failing) expect(entry.reads).toBe(2);
        // However long the fault lasts, a poll never asks more than twice.
        expect(Math.max(...watched.seen.map((entry) => entry.reads))).toBeLessThanOrEqual(2);
      });
    }

    it("a hanging connection: each read times out, the task waits, then completes", async () => {
      // Long enough that the first poll's two attempts (1.2 s each, and a back-off) both hang.
      const row = await harness.submit("A harbour [demo-fail:poll-hang:5s]");
      const started = Date.now();
      const watched = await watch(row);
      const failing = await expectRecovered(row, "timeout:gateway", watched);
      expect(failing[0].reads).toBe(2);
      // The first poll gave up after two attempts of 1.2 s, not after the 60 s hang.
      expect(Date.now() - started).toBeLessThan(15_000);
      // Every hung request was let go when our client hung up.
      for (let i = 0; i < 20 && harness.app.inFlight() > 0; i++) await sleep(50);
      expect(harness.app.inFlight()).toBe(0);
    });

    it("malformed JSON: not retried within a poll, shown as a notice, then completes", async () => {
      const row = await harness.submit("A harbour [demo-fail:poll-malformed:1500ms]");
      const watched = await watch(row);
      const failing = await expectRecovered(row, "bad_response:gateway", watched);
      // A 200 with a broken body is not a transport error: the next poll is the retry.
      for (const entry of failing) expect(entry.reads).toBe(1);
    });

    it("a status that stays unknown: keeps the task while it lasts, fails it in words after UNKNOWN_STATUS_TIMEOUT_MS", async () => {
      const row = await harness.submit("A harbour [demo-fail:unknown-forever]");
      const watched = await watch(row);
      const { done } = watched;
      expect(done.status).toBe("failed");
      expect(done.errorCode).toBe("unknown_status");
      // Bounded by the streak's length, not by a count of polls, and before TASK_TIMEOUT_MS.
      const since = done.unknownSince?.getTime() ?? Number.NaN;
      const ended = done.completedAt?.getTime() ?? Number.NaN;
      expect(ended - since).toBeGreaterThanOrEqual(UNKNOWN_STATUS_TIMEOUT_MS);
      expect(ended - row.createdAt.getTime()).toBeLessThan(TASK_TIMEOUT_MS);
      // Until then, every poll that asked kept the task running and said so.
      const asking = watched.seen.filter(
        (entry) => entry.reads === 1 && entry.row.status !== "failed",
      );
      expect(asking.length).toBeGreaterThanOrEqual(2);
      for (const { row: during } of asking) {
        expect(during.status).toBe("queued");
        expect(during.unknownSince?.getTime()).toBe(since);
        expect(harness.tasks.toTaskView(during).notice).toMatch(/we keep asking/);
      }
      expect(done.unknownPolls).toBe(gatewayCalls(row).length);
      const view = harness.tasks.toTaskView(done);
      expect(view.notice).toBeNull();
      expect(view.error).toEqual({
        code: "unknown_status",
        message: expect.stringMatching(/stopped waiting\. Check the gateway's console/),
      });
    });

    it("a task stuck in_progress: failed as 'timeout' after TASK_TIMEOUT_MS, in words", async () => {
      const row = await harness.submit("A harbour [demo-fail:stuck]");
      const watched = await watch(row, TASK_TIMEOUT_MS + 10_000);
      const { done } = watched;
      expect(watched.seen.some((entry) => entry.row.status === "in_progress")).toBe(true);
      expect(done.status).toBe("failed");
      expect(done.errorCode).toBe("timeout");
      expect(done.completedAt?.getTime()).toBeGreaterThanOrEqual(
        row.createdAt.getTime() + TASK_TIMEOUT_MS,
      );
      expect(harness.tasks.toTaskView(done).error?.message).toBe(
        "The video was not ready after 8 seconds, so we stopped waiting. The gateway may be overloaded; try again later.",
      );
      // Once failed, nobody asks the gateway again.
      const reads = gatewayCalls(row).length;
      await harness.poll(row.id);
      expect(gatewayCalls(row)).toHaveLength(reads);
    });

    it("content breaking mid-stream: nothing half-kept, the player still answers, a later copy keeps it", async () => {
      const row = await harness.submit("A harbour [demo-fail:content-midstream:2500ms]");
      const resultsDir = path.join(dataDir, "media", "results");
      const leftovers = async () =>
        (await readdir(resultsDir).catch(() => [] as string[])).filter((file) =>
          file.includes(row.id),
        );

      // Completed at the gateway, but every copy breaks half-way while the window lasts.
      let failedCopies = 0;
      for (let i = 0; i < 40; i++) {
        const current = await harness.poll(row.id);
        if (current?.status === "completed") {
          failedCopies = contentCalls(row).length;
          if (failedCopies >= 1) break;
        }
        await sleep(POLL_INTERVAL_MS);
      }
      expect(failedCopies).toBeGreaterThanOrEqual(1);
      const broken = await harness.tasks.getTaskRow(row.id);
      expect(broken?.status).toBe("completed");
      expect(broken?.resultKey).toBeNull();
      // No partial object (and no temp file) is left behind in storage.
      expect(await leftovers()).toEqual([]);

      // The player's route still answers: it streams through from the gateway, whose body
      // breaks; the reader sees an error, not a hang and not a crash.
      const videoRoute = await import("@/app/api/tasks/[id]/video/route");
      const proxied = await videoRoute.GET(
        new Request(`${harness.app.origin}/api/tasks/${row.id}/video`),
        { params: Promise.resolve({ id: row.id }) },
      );
      expect(proxied.status).toBe(200);
      expect(proxied.headers.get("content-type")).toBe("video/mp4");
      const total = Number(proxied.headers.get("content-length"));
      const read = await proxied
        .arrayBuffer()
        .then((bytes) => bytes.byteLength)
        .catch(() => -1);
      expect(read === -1 || read < total).toBe(true);

      // Once the fault clears, a later poll copies the whole video.
      const watched = await watch(row);
      expect(watched.done.resultKey).toBeTruthy();
      expect(watched.done.resultBytes).toBe(total);
      expect(contentCalls(row).length).toBeGreaterThan(failedCopies);
      expect(await leftovers()).toEqual([`${row.id}.mp4`]);
    });

    it("create answered 500 after the gateway took it: recorded as not confirmed, never resent", async () => {
      const postsBefore = posts();
      const row = await harness.submit("A harbour [demo-fail:create-500]");
      expect(posts() - postsBefore).toBe(1);
      expect(row.status).toBe("submit_unknown");
      expect(row.gatewayId).toBeNull();
      expect(row.errorCode).toBe("unavailable:gateway");
      await expectNotResent(row, postsBefore);
    });

    it("create that never answers: times out, recorded as not confirmed, never resent", async () => {
      const postsBefore = posts();
      const started = Date.now();
      const row = await harness.submit("A harbour [demo-fail:create-hang]");
      // Our client's timeout (1.2 s), not the gateway's 60 s hang.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(posts() - postsBefore).toBe(1);
      expect(row.status).toBe("submit_unknown");
      expect(row.errorCode).toBe("timeout:gateway");
      await expectNotResent(row, postsBefore);
      // The hung create was let go when our client hung up.
      for (let i = 0; i < 20 && harness.app.inFlight() > 0; i++) await sleep(50);
      expect(harness.app.inFlight()).toBe(0);
    });

    it("create refused (quota): the row is kept as refused, with the reason, and never polled", async () => {
      const { sweepTasks } = await import("./sweep");
      const reason =
        "The video service account is out of credit. Ask an administrator to top it up.";
      const prompt = "A harbour [demo-fail:quota]";
      const postsBefore = posts();
      const error = await harness.submit(prompt).catch((caught: unknown) => caught);
      // The form hears the same sentence as before.
      expect(error).toBeInstanceOf(harness.tasks.TaskError);
      expect(error).toMatchObject({ code: "rejected", message: reason });
      const row = await rowByPrompt(prompt);
      expect(row).toMatchObject({
        status: "refused",
        gatewayId: null,
        errorMessage: reason,
        idempotencyKey: null,
      });
      expect(row.errorCode).toMatch(/:gateway$/);
      expect(row.completedAt).toBeInstanceOf(Date);
      const view = harness.tasks.toTaskView(row);
      expect(view.status).toBe("refused");
      expect(view.error).toEqual({ code: row.errorCode, message: reason });
      expect(view.notice).toBeNull();
      // Nothing started, so nothing is sent again, by a viewer or by the sweeper.
      await harness.poll(row.id);
      await sweepTasks();
      expect(posts() - postsBefore).toBe(1);
      expect((await harness.tasks.getTaskRow(row.id))?.status).toBe("refused");
    });

    it("create answered 429 (rate-limit): back in our queue with back-off, never failed; refused only after MAX_SUBMIT_ATTEMPTS", async () => {
      const { sweepTasks } = await import("./sweep");
      const { MAX_SUBMIT_ATTEMPTS, REQUEUED_NOTICE } = await import("./send");
      const busy =
        "The video service is busy right now (rate limit reached). Try again in a minute.";
      const prompt = "A harbour [demo-fail:rate-limit]";
      const postsBefore = posts();
      const submitted = await harness.submit(prompt);
      expect(posts() - postsBefore).toBe(1);
      const row = await rowByPrompt(prompt);
      expect(submitted.status).toBe("waiting");
      expect(row).toMatchObject({ status: "waiting", submitAttempts: 1, gatewayId: null });
      expect(row.completedAt).toBeNull();
      // The gateway's Retry-After (2 s) is respected.
      expect(row.nextSubmitAt?.getTime()).toBeGreaterThan(Date.now() + 1000);
      const view = harness.tasks.toTaskView(row);
      expect(view.status).toBe("waiting");
      expect(view.error).toBeNull();
      expect(view.notice).toBe(REQUEUED_NOTICE);
      // Not sent again before its back-off ends, by a viewer or by the sweeper.
      await harness.poll(row.id);
      await sweepTasks();
      expect(posts() - postsBefore).toBe(1);
      // A gateway that keeps refusing this one task: given up after the last attempt, free.
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const { eq } = await import("drizzle-orm");
      await (await getDb())
        .update(tasks)
        .set({ submitAttempts: MAX_SUBMIT_ATTEMPTS - 1, nextSubmitAt: new Date(Date.now() - 1) })
        .where(eq(tasks.id, row.id));
      await sweepTasks();
      expect(posts() - postsBefore).toBe(2);
      const given = await rowByPrompt(prompt);
      expect(given).toMatchObject({
        status: "refused",
        errorMessage: busy,
        submitAttempts: MAX_SUBMIT_ATTEMPTS,
      });
      await sweepTasks();
      expect(posts() - postsBefore).toBe(2);
    });

    async function rowByPrompt(prompt: string): Promise<TaskRow> {
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const { eq } = await import("drizzle-orm");
      const db = await getDb();
      const rows = await db.select().from(tasks).where(eq(tasks.prompt, prompt));
      expect(rows).toHaveLength(1);
      return rows[0] as TaskRow;
    }

    /** Polls and sweeps do not resend it; the user reads what happened and what to do. */
    async function expectNotResent(row: TaskRow, postsBefore: number) {
      const { sweepTasks } = await import("./sweep");
      for (let i = 0; i < 3; i++) {
        const again = await harness.poll(row.id);
        expect(again?.status).toBe("submit_unknown");
        await sweepTasks();
        await sleep(POLL_INTERVAL_MS);
      }
      expect(posts() - postsBefore).toBe(1);
      const view = harness.tasks.toTaskView((await harness.tasks.getTaskRow(row.id)) as TaskRow);
      expect(view.status).toBe("submit_unknown");
      expect(view.notice).toBeNull();
      // What happened, that it was not sent again, and what to do.
      expect(view.error?.message).toMatch(/did not hear back/);
      expect(view.error?.message).toMatch(/not sent again/);
      expect(view.error?.message).toMatch(/Check the gateway's console before trying again/);
      // Exactly one row for it: no duplicate was made.
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const { eq } = await import("drizzle-orm");
      const db = await getDb();
      const same = await db
        .select()
        .from(tasks)
        .where(eq(tasks.prompt, row.prompt ?? ""));
      expect(same).toHaveLength(1);
    }
  });
}
