import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";
import type { Db } from "@/lib/db/client";
import type { TaskRow } from "@/lib/db/schema";
import type { DemoCreateRecord } from "@/lib/gateway/demo";
import {
  closeHarnessServers,
  HARNESS_KEY,
  startGateway,
  startMediaServer,
} from "@/lib/gateway/demo/gateway.harness";
import { closeServers, loadApp, MEDIA, sleep } from "./faults.harness";

/**
 * Our queue (lib/tasks/queue.ts) against real parts: the database (embedded, or the Postgres
 * server `databaseUrl` names), the media route, and a demo gateway on its own HTTP server with
 * a concurrency cap of 2 and a clock the test moves (its tasks end when the test says so).
 * Every create it is sent is recorded, so "sent exactly once" is counted where it lands.
 * Run by queue.pglite.test.ts and queue.postgres.test.ts.
 */

const CAP = 2;
const POLL_INTERVAL_MS = 200;
/** The gateway's stages (4 to the end) on its own clock. */
const STEP_MS = 1000;

const ann: CurrentUser = {
  id: "ann@studio.test",
  email: "ann@studio.test",
  name: "Ann",
  isAdmin: false,
};
const bob: CurrentUser = {
  id: "bob@studio.test",
  email: "bob@studio.test",
  name: "Bob",
  isAdmin: false,
};

export function describeQueue(name: string, databaseUrl: () => string | undefined) {
  describe(`queue (${name})`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    let queue: typeof import("./queue");
    let schema: typeof import("@/lib/db/schema");
    let db: Db;
    const records: DemoCreateRecord[] = [];
    let appOrigin = "";
    const token = `q${Date.now().toString(36)}`;

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-queue-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = String(POLL_INTERVAL_MS);
      process.env.MAX_CONCURRENT_TASKS = String(CAP);
      process.env.SUBMIT_RATE_PER_MINUTE = "1000";
      process.env.VIDEO_API_TIMEOUT_MS = "5000";
      process.env.SWEEP_INTERVAL_MS = "0";
      // The gateway is another server, reached with its key, as a real one would be.
      await startMediaServer();
      gateway = await startGateway({
        stepMs: STEP_MS,
        maxRunning: CAP,
        onCreate: (record) => {
          records.push(record);
        },
        media: { timeoutMs: 5000, allow: (url: URL) => url.origin === appOrigin },
      });
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = gateway.root;
      process.env.DEMO_GATEWAY_KEY = HARNESS_KEY;
      harness = await loadApp();
      appOrigin = harness.app.origin;
      queue = await import("./queue");
      schema = await import("@/lib/db/schema");
      db = await (await import("@/lib/db/client")).getDb();
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
      await closeHarnessServers();
    });

    let frameId: string | undefined;
    async function frame() {
      frameId ??= (
        await harness.media.ingestUpload({
          kind: "first_frame",
          body: createReadStream(path.join(MEDIA, "portrait.png")),
          declaredName: "portrait.png",
        })
      ).id;
      // Used by a task once, a file is the team's (access.ts): later submits by anyone may use it.
      return [{ type: "first_frame" as const, mediaId: frameId }];
    }

    async function submit(prompt: string, owner: CurrentUser = ann) {
      const { LOCAL_USER } = await import("@/lib/auth/user");
      const user = frameId ? owner : LOCAL_USER;
      return harness.tasks.submitTask(
        { media: await frame(), seconds: 2, size: "720P", prompt: `${prompt} ${token}` },
        user,
      );
    }

    const sentOf = (row: TaskRow) => records.filter((record) => record.prompt === row.prompt);
    const accepted = (row: TaskRow) => sentOf(row).filter((record) => record.status === 200);
    const row = async (id: string) => (await harness.tasks.getTaskRow(id)) as TaskRow;

    /** Ends every task the gateway runs (its clock), and brings our rows up to date. */
    async function finishRunning(dispatch: boolean) {
      gateway.advance(4 * STEP_MS + 1);
      await sleep(POLL_INTERVAL_MS + 20);
      const running = await db
        .select()
        .from(schema.tasks)
        .where(
          (await import("drizzle-orm")).inArray(schema.tasks.status, ["queued", "in_progress"]),
        );
      for (const task of running) {
        if (dispatch) await harness.poll(task.id);
        else await harness.tasks.refreshTask(task.id, () => {});
      }
      return running;
    }

    it("sends up to the cap, keeps the rest waiting in line, and sends them oldest first as slots free", async () => {
      const first = await submit("First");
      const second = await submit("Second");
      const third = await submit("Third");
      const fourth = await submit("Fourth");
      expect([first, second, third, fourth].map((task) => task.status)).toEqual([
        "queued",
        "queued",
        "waiting",
        "waiting",
      ]);
      expect(records.length).toBe(2);
      expect(await queue.queuePosition(await row(third.id))).toBe(1);
      expect(await queue.queuePosition(await row(fourth.id))).toBe(2);
      expect(harness.tasks.toTaskView(await row(third.id), { queuePosition: 1 })).toMatchObject({
        status: "waiting",
        queuePosition: 1,
        error: null,
        notice: null,
      });
      // A sweep while both slots are taken sends nothing.
      const { sweepTasks } = await import("./sweep");
      const swept = await sweepTasks();
      expect(swept.waiting).toBe(2);
      expect(swept.nextInMs).not.toBeNull();
      expect(records.length).toBe(2);

      // The first finishes: a viewer's poll sees it, and its slot goes to the next in line.
      gateway.advance(4 * STEP_MS + 1);
      await sleep(POLL_INTERVAL_MS + 20);
      expect((await harness.poll(first.id))?.status).toBe("completed");
      expect((await row(third.id)).status).toBe("queued");
      expect((await row(fourth.id)).status).toBe("waiting");
      expect(await queue.queuePosition(await row(fourth.id))).toBe(1);
      expect((await harness.poll(second.id))?.status).toBe("completed");
      expect((await row(fourth.id)).status).toBe("queued");
      await finishRunning(true);

      for (const task of [first, second, third, fourth]) {
        expect((await row(task.id)).status).toBe("completed");
        expect(accepted(task)).toHaveLength(1);
        expect((await row(task.id)).submitAttempts).toBe(1);
      }
      // Oldest first, and never a create while the cap's worth ran: no 429 at all.
      expect(records.map((record) => record.prompt)).toEqual(
        [first, second, third, fourth].map((task) => task.prompt),
      );
      expect(records.every((record) => record.status === 200 && record.running < CAP)).toBe(true);
    });

    it("a create answered 429 goes back to the queue with back-off, is never failed, and goes once the gateway has room", async () => {
      // Someone else on the same key fills the gateway.
      const outside = { model: "wan2.7-i2v", seconds: "2", size: "720P", prompt: "outside" };
      const { gatewayMediaUrl } = await import("@/lib/media/urls");
      for (let i = 0; i < CAP; i++) {
        // The gateway downloads the media it is given: ours, signed.
        const url = await gatewayMediaUrl(frameId as string);
        expect(
          (await gateway.create({ ...outside, media: [{ type: "first_frame", url }] })).status,
        ).toBe(200);
      }
      const before = records.length;
      const task = await submit("Refused for capacity");
      expect(records.length - before).toBe(1);
      expect(records.at(-1)).toMatchObject({ status: 429, running: CAP });
      const waiting = await row(task.id);
      expect(waiting).toMatchObject({
        status: "waiting",
        submitAttempts: 1,
        errorCode: "rate_limited:gateway",
        completedAt: null,
        gatewayId: null,
      });
      const { REQUEUED_NOTICE, SUBMIT_BACKOFF_BASE_MS } = await import("./send");
      // No Retry-After from this gateway: our own back-off, 2 s for the first.
      const wait = (waiting.nextSubmitAt?.getTime() ?? 0) - Date.now();
      expect(wait).toBeGreaterThan(SUBMIT_BACKOFF_BASE_MS - 1000);
      expect(wait).toBeLessThanOrEqual(SUBMIT_BACKOFF_BASE_MS);
      expect(harness.tasks.toTaskView(waiting).notice).toBe(REQUEUED_NOTICE);
      const { chargeOf } = await import("./charge");
      expect(chargeOf(waiting)).toBe("charged"); // kept aside by budgets until it ends
      // Held: a sweep before the back-off ends knocks no more.
      const { sweepTasks } = await import("./sweep");
      await sweepTasks();
      expect(records.length - before).toBe(1);
      // The outside tasks end; once the back-off is over, the sweep sends it, and it is taken.
      gateway.advance(4 * STEP_MS + 1);
      await sleep(Math.max(0, (waiting.nextSubmitAt?.getTime() ?? 0) - Date.now()) + 50);
      await sweepTasks();
      expect(records.length - before).toBe(2);
      const sent = await row(task.id);
      expect(sent).toMatchObject({ status: "queued", submitAttempts: 2, errorCode: null });
      expect(accepted(sent)).toHaveLength(1);
      await finishRunning(true);
      expect((await row(task.id)).status).toBe("completed");
    });

    it("cancels only a waiting task, only for its owner or an admin; a running one says why not", async () => {
      const running = [await submit("Runs A", ann), await submit("Runs B", ann)];
      const waiting = await submit("Waits", ann);
      expect(waiting.status).toBe("waiting");
      const { cancelTask, RUNNING_NOT_CANCELLABLE } = await import("./cancel");
      await expect(cancelTask(waiting.id, bob)).rejects.toMatchObject({ code: "forbidden" });
      const cancelled = await cancelTask(waiting.id, ann);
      expect(cancelled).toMatchObject({ status: "cancelled", idempotencyKey: null });
      const { chargeOf } = await import("./charge");
      expect(chargeOf(cancelled)).toBe("free");
      expect(harness.tasks.toTaskView(cancelled).error?.message).toMatch(/never sent/);
      await expect(cancelTask(running[0].id, ann)).rejects.toMatchObject({
        code: "not_cancellable",
        message: RUNNING_NOT_CANCELLABLE,
      });
      // A slot frees: the cancelled task is never sent.
      await finishRunning(true);
      expect(sentOf(cancelled)).toHaveLength(0);
      expect((await row(waiting.id)).status).toBe("cancelled");
    });

    it("two dispatchers at once (two connection pools on one database) never send a task twice nor pass the cap", async () => {
      // Fill the slots, then queue ten more behind them.
      const from = records.length;
      const all = [];
      for (let i = 0; i < 12; i++) all.push(await submit(`Race ${i}`, i % 2 ? ann : bob));
      expect(all.filter((task) => task.status === "waiting")).toHaveLength(10);
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
        for (let round = 0; round < 8; round++) {
          // The running ones end; nobody hands their slots on but the two dispatchers.
          await finishRunning(false);
          await Promise.all([
            queue.dispatchQueue(),
            queue.dispatchQueue(other ? { db: other } : {}),
            queue.dispatchQueue(other ? { db: other } : {}),
          ]);
        }
      } finally {
        await closeOther();
      }
      await finishRunning(true);
      for (const task of all) {
        expect((await row(task.id)).status).toBe("completed");
        expect(accepted(task)).toHaveLength(1);
        expect(sentOf(task)).toHaveLength(1);
      }
      // Never a create while the cap's worth ran: none refused.
      const race = records.slice(from);
      expect(race).toHaveLength(12);
      expect(race.every((record) => record.status === 200 && record.running < CAP)).toBe(true);
    });
  });
}
