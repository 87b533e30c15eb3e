import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { TaskRow } from "@/lib/db/schema";
import { type Received, startReceiver } from "./webhook-receiver.mock";

/**
 * Team webhooks end to end below the UI: a task finishing (lib/tasks/finish.ts) writes its
 * event in the same transaction; the deliverer posts it to real HTTP receivers started here,
 * signed as Standard Webhooks says, checked by an implementation of the spec written from the
 * spec (not ours). Run by webhooks.pglite.test.ts and webhooks.postgres.test.ts.
 */

const SECRET = `whsec_${Buffer.from("a-test-secret-of-32-bytes-length!").toString("base64")}`;
const TIMEOUT_MS = 3000;

/** Standard Webhooks verification, from the spec: the receiver's side. */
function verifiesBySpec(received: Received, secret: string, now = Date.now()): boolean {
  const id = received.headers["webhook-id"];
  const timestamp = received.headers["webhook-timestamp"];
  const signatures = received.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") {
    return false;
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.split("_")[1], "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${received.body}`).digest();
  return signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined | false, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function describeWebhooks(name: string, databaseUrl: () => string | undefined) {
  describe(`team webhooks (${name})`, () => {
    // Each receiver answers as the test in progress says.
    const fates = new Map<string, (received: Received, index: number) => number | "hang">();
    const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
    let main: Awaited<ReturnType<typeof startReceiver>>;
    let second: Awaited<ReturnType<typeof startReceiver>>;
    let finish: typeof import("@/lib/tasks/finish");
    let deliver: typeof import("./deliver");
    let outbox: typeof import("./outbox");
    let admin: typeof import("./admin");
    let schema: typeof import("@/lib/db/schema");
    let db: Db;

    beforeAll(async () => {
      for (const label of ["main", "second"]) {
        receivers.push(
          await startReceiver((received, index) => fates.get(label)?.(received, index) ?? 200),
        );
      }
      [main, second] = receivers;
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-webhooks-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.PUBLIC_BASE_URL = "https://studio.example.com";
      process.env.WEBHOOK_URLS = `${main.url},${second.url}`;
      process.env.WEBHOOK_SECRET = SECRET;
      process.env.WEBHOOK_TIMEOUT_MS = String(TIMEOUT_MS);
      process.env.SWEEP_INTERVAL_MS = "0";
      finish = await import("@/lib/tasks/finish");
      deliver = await import("./deliver");
      outbox = await import("./outbox");
      admin = await import("./admin");
      schema = await import("@/lib/db/schema");
      db = await (await import("@/lib/db/client")).getDb();
    });

    afterAll(async () => {
      for (const receiver of receivers) await receiver.close();
    });

    beforeEach(() => {
      fates.clear();
      for (const receiver of receivers) receiver.received.length = 0;
    });

    /** A running task, as a Generate leaves it once the gateway took it. */
    async function runningTask(prompt: string, extra: Record<string, unknown> = {}) {
      const id = `t${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      await db.insert(schema.tasks).values({
        id,
        status: "in_progress",
        ownerId: "ann@studio.test",
        ownerName: "Ann",
        seconds: 5,
        size: "720P",
        prompt,
        media: [],
        combination: "first_frame",
        seed: 42,
        ...extra,
      });
      return id;
    }

    /** Finishes a task as refresh.ts does, keeping the after-work (deliveries) for the test. */
    async function finishTask(id: string, changes: Partial<TaskRow>) {
      const later: (() => Promise<unknown>)[] = [];
      const row = await finish.updateTask(id, changes, (work) => {
        later.push(work);
      });
      return { row, later };
    }

    const completed: Partial<TaskRow> = {
      status: "completed",
      progress: 100,
      completedAt: new Date(),
      posterKey: "posters/x.jpg",
    };

    async function eventsOf(taskId: string) {
      return db.select().from(schema.outboxEvents).where(eq(schema.outboxEvents.taskId, taskId));
    }

    async function deliveriesOf(eventId: string) {
      return db
        .select()
        .from(schema.webhookDeliveries)
        .where(eq(schema.webhookDeliveries.eventId, eventId));
    }

    /** Makes every pending delivery due now (the test's clock instead of the back-off). */
    async function dueNow() {
      await db
        .update(schema.webhookDeliveries)
        .set({ nextAttemptAt: sql`now()` })
        .where(eq(schema.webhookDeliveries.status, "pending"));
    }

    it("writes one event with the finishing change, and none when it rolls back", async () => {
      const id = await runningTask("A lighthouse at dusk");
      const { row, later } = await finishTask(id, completed);
      expect(row?.status).toBe("completed");
      const events = await eventsOf(id);
      expect(events).toHaveLength(1);
      expect(events[0].type).toBe("completed");
      expect(await deliveriesOf(events[0].id)).toHaveLength(2);
      expect(later).toHaveLength(1);
      // A task that was already finished announces nothing more.
      await finishTask(id, { status: "failed", errorMessage: "late" });
      expect(await eventsOf(id)).toHaveLength(1);

      const other = await runningTask("Rolled back");
      await expect(
        db.transaction(async (tx) => {
          const [updated] = await tx
            .update(schema.tasks)
            .set({ status: "failed", errorMessage: "x" })
            .where(eq(schema.tasks.id, other))
            .returning();
          await outbox.recordTaskEvent(tx, updated);
          throw new Error("the state change fails after the event was written");
        }),
      ).rejects.toThrow(/fails/);
      expect(await eventsOf(other)).toHaveLength(0);
      await deliver.deliverDue();
    });

    it("posts a signed event that an independent implementation of the spec verifies", async () => {
      const id = await runningTask("A red kite over the hills");
      await finishTask(id, completed);
      const result = await deliver.deliverDue();
      expect(result.delivered).toBe(2);
      expect(main.received).toHaveLength(1);
      const [got] = main.received;
      expect(verifiesBySpec(got, SECRET)).toBe(true);
      // Tampered body, or another secret: refused.
      expect(verifiesBySpec({ ...got, body: got.body.replace("kite", "kote") }, SECRET)).toBe(
        false,
      );
      const otherSecret = `whsec_${Buffer.from("another-secret-of-32-bytes-long!!").toString("base64")}`;
      expect(verifiesBySpec(got, otherSecret)).toBe(false);
      const event = JSON.parse(got.body);
      expect(got.headers["webhook-id"]).toBe(event.id);
      expect(got.headers["content-type"]).toBe("application/json");
      expect(event).toMatchObject({
        type: "completed",
        data: {
          task: {
            id,
            status: "completed",
            prompt: "A red kite over the hills",
            seconds: 5,
            size: "720P",
            seed: 42,
          },
          maker: { id: "ann@studio.test", name: "Ann" },
          links: { task: `https://studio.example.com/videos/${id}`, share: null },
        },
      });
      expect(event.data.links.poster).toMatch(
        new RegExp(`^https://studio\\.example\\.com/api/posters/${id}\\?exp=\\d+&sig=`),
      );
      expect(Date.parse(event.timestamp)).toBeGreaterThan(Date.now() - 60_000);
      const [row] = (await deliveriesOf(event.id)).filter((entry) => entry.url === main.url);
      expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200 });
    });

    it("a failure says why; the same event id on every try", async () => {
      const id = await runningTask("Storm");
      await finishTask(id, {
        status: "failed",
        completedAt: new Date(),
        errorCode: "DataInspectionFailed",
        errorMessage: "The provider refused the content.",
      });
      await deliver.deliverDue();
      const event = JSON.parse(main.received[0].body);
      expect(event.type).toBe("failed");
      expect(event.data.task.error).toEqual({
        code: "DataInspectionFailed",
        message: "The provider refused the content.",
      });
      expect(event.data.links.poster).toBeNull();
    });

    it("retries after two 500s with back-off, then delivers once", async () => {
      fates.set("main", (_received, index) => (index < 2 ? 500 : 204));
      const id = await runningTask("Retry me");
      await finishTask(id, completed);
      const [event] = await eventsOf(id);
      const row = async () =>
        (await deliveriesOf(event.id)).find((entry) => entry.url === main.url);

      await deliver.deliverDue();
      const afterFirst = await row();
      expect(afterFirst).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
      expect(afterFirst?.lastError).toContain("HTTP 500");
      // Backed off: not due again at once.
      expect(afterFirst?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3000);
      expect((await deliver.deliverDue()).claimed).toBe(0);

      await dueNow();
      await deliver.deliverDue();
      const afterSecond = await row();
      expect(afterSecond).toMatchObject({ status: "pending", attempts: 2, lastStatus: 500 });
      expect(afterSecond?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 10_000);

      await dueNow();
      await deliver.deliverDue();
      expect(await row()).toMatchObject({
        status: "delivered",
        attempts: 3,
        lastStatus: 204,
        lastError: null,
      });
      expect(main.received).toHaveLength(3);
      expect(new Set(main.received.map((entry) => entry.headers["webhook-id"]))).toEqual(
        new Set([event.id]),
      );
      expect(main.received.every((entry) => verifiesBySpec(entry, SECRET))).toBe(true);
      // The other receiver had it at the first try.
      expect(second.received).toHaveLength(1);
    });

    it("stops after 24 h of tries; a refusal fails at once; Send again posts it anew", async () => {
      fates.set("main", () => 503);
      fates.set("second", () => 410);
      const id = await runningTask("Give up");
      await finishTask(id, completed);
      const [event] = await eventsOf(id);
      await deliver.deliverDue();
      let rows = await deliveriesOf(event.id);
      const refused = rows.find((entry) => entry.url === second.url);
      expect(refused).toMatchObject({ status: "failed", lastStatus: 410 });
      expect(refused?.lastError).toContain("refused");
      // A day later, the next 503 is the last.
      await db
        .update(schema.webhookDeliveries)
        .set({ windowStartedAt: sql`now() - interval '25 hours'`, nextAttemptAt: sql`now()` })
        .where(eq(schema.webhookDeliveries.eventId, event.id));
      await deliver.deliverDue();
      rows = await deliveriesOf(event.id);
      const gaveUp = rows.find((entry) => entry.url === main.url);
      expect(gaveUp).toMatchObject({ status: "failed", lastStatus: 503 });
      expect(gaveUp?.lastError).toContain("Gave up after 24 hours");

      fates.set("second", () => 200);
      const listed = await admin.listDeliveries({ status: "failed" });
      const entry = listed.find(
        (item) => item.eventId === event.id && item.target === deliver.maskUrl(second.url),
      );
      expect(entry).toBeDefined();
      expect(entry?.lastError).toContain("refused");
      expect(JSON.stringify(listed)).not.toContain(second.url);
      expect(await admin.sendAgain(event.id, entry?.key ?? "")).toBe(true);
      await deliver.deliverDue();
      rows = await deliveriesOf(event.id);
      expect(rows.find((item) => item.url === second.url)).toMatchObject({ status: "delivered" });
      expect(second.received.map((item) => item.headers["webhook-id"])).toEqual([
        event.id,
        event.id,
      ]);
    });

    it("a finished video's event waits for its poster frame, then goes", async () => {
      const id = await runningTask("Poster please");
      await finishTask(id, { status: "completed", progress: 100, completedAt: new Date() });
      const [event] = await eventsOf(id);
      await deliver.deliverDue();
      expect(main.received).toHaveLength(0);
      const [waiting] = await deliveriesOf(event.id);
      expect(waiting).toMatchObject({ status: "pending", attempts: 0 });
      await db
        .update(schema.tasks)
        .set({ posterKey: "posters/p.jpg", resultKey: "results/p.mp4" })
        .where(eq(schema.tasks.id, id));
      await dueNow();
      await deliver.deliverDue();
      expect(main.received).toHaveLength(1);
    });

    it("a receiver that hangs delays neither another receiver nor the request", async () => {
      fates.set("main", () => "hang");
      const id = await runningTask("Hang on");
      const started = Date.now();
      // As a request finishing a task would (no defer: the deliveries go on their own).
      await finish.updateTask(id, completed);
      const finishedIn = Date.now() - started;
      const got = await until("the second receiver's post", () => second.received[0]);
      // Both well inside the hanging try's timeout: neither waited for it.
      expect(finishedIn).toBeLessThan(TIMEOUT_MS / 2);
      expect(got.at - started).toBeLessThan(TIMEOUT_MS - 1000);
      expect(main.received).toHaveLength(1);

      // While the first still hangs, another event reaches the second receiver at once.
      const next = await runningTask("Another one");
      const again = Date.now();
      await finish.updateTask(next, completed);
      const gotNext = await until("the next event", () => second.received[1]);
      expect(gotNext.at - again).toBeLessThan(TIMEOUT_MS - 1000);
      expect(JSON.parse(gotNext.body).data.task.id).toBe(next);

      // The hanging try ends at its timeout and is scheduled again. Waited for, not slept on:
      // on a busy machine the try's closing write can land after the timeout plus a margin
      // (then the test used to end under it, and read no error yet).
      const [event] = await eventsOf(id);
      let row: Awaited<ReturnType<typeof deliveriesOf>>[number] | undefined;
      const deadline = Date.now() + TIMEOUT_MS + 8000;
      while (Date.now() < deadline) {
        row = (await deliveriesOf(event.id)).find((entry) => entry.url === main.url);
        if (row?.lastError) break;
        await sleep(50);
      }
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row?.lastError).toContain("No answer within 3 s");
    });

    it("a hanging receiver does not hold up an event waiting for its poster", async () => {
      fates.set("main", () => "hang");
      const id = await runningTask("Poster while one hangs");
      const started = Date.now();
      await finish.updateTask(id, { status: "completed", progress: 100, completedAt: new Date() });
      await sleep(200);
      await db
        .update(schema.tasks)
        .set({ posterKey: "posters/h.jpg", resultKey: "results/h.mp4" })
        .where(eq(schema.tasks.id, id));
      const got = await until("the post after the poster", () =>
        second.received.find((entry) => JSON.parse(entry.body).data.task.id === id),
      );
      // The poster is looked for again every 250 ms, not after the hanging try ends.
      expect(got.at - started).toBeLessThan(TIMEOUT_MS - 500);
    });

    it("delivers each event once to each receiver, across two sweepers", async () => {
      fates.set("main", () => 200);
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
      // Clear what earlier tests left pending (the hanging one).
      await db.delete(schema.webhookDeliveries);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const id = await runningTask(`Race ${i}`);
        await finishTask(id, completed);
        ids.push(id);
      }
      try {
        await Promise.all([
          deliver.deliverDue({ limit: 7 }),
          deliver.deliverDue({ db: other, limit: 5 }),
          deliver.deliverDue({ db: other, limit: 3 }),
          deliver.deliverDue({ limit: 4 }),
        ]);
      } finally {
        await closeOther();
      }
      for (const receiver of [main, second]) {
        const taskIds = receiver.received.map((entry) => JSON.parse(entry.body).data.task.id);
        expect(taskIds.sort()).toEqual([...ids].sort());
      }
      // Tries a timer of this process started (the pump) may still be recording their answer.
      await expect
        .poll(async () => {
          const [{ pending }] = await db
            .select({ pending: sql<number>`count(*)::int` })
            .from(schema.webhookDeliveries)
            .where(eq(schema.webhookDeliveries.status, "pending"));
          return pending;
        })
        .toBe(0);
    });

    const ann = { id: "ann@studio.test", email: "ann@studio.test", name: "Ann", isAdmin: false };
    const bob = { id: "bob@studio.test", email: "bob@studio.test", name: "Bob", isAdmin: false };

    /** A finished video whose copy is kept: what a share link may open. */
    async function keptTask(prompt: string) {
      return runningTask(prompt, {
        status: "completed",
        completedAt: new Date(),
        resultKey: `results/${prompt.length}.mp4`,
        posterKey: `posters/${prompt.length}.jpg`,
      });
    }

    async function commentEvents(taskId: string) {
      return (await eventsOf(taskId))
        .filter((row) => row.type === "comment_added")
        .sort((a, b) => a.seq - b.seq)
        .map((row) => ({ row, event: JSON.parse(row.body) }));
    }

    it("posts each new comment as comment_added, with the video's live share link", async () => {
      const review = await import("@/lib/review");
      const comments = await import("./comment-events");
      comments.connectCommentEvents();
      try {
        const id = await keptTask("Notes on the turn");
        const made = await review.createShareLink(id, { days: 7, allowComments: true }, ann);
        const body = `Slow the turn down. ${"More light on the left. ".repeat(30)}`.trim();
        await review.addComment({ kind: "task", id }, { body, atSeconds: 3.54 }, bob);
        // Delivered after the commit, by the pump the hook starts (no sweep here).
        const got = await until("the comment's post", () =>
          main.received.find((entry) => JSON.parse(entry.body).type === "comment_added"),
        );
        expect(verifiesBySpec(got, SECRET)).toBe(true);
        const event = JSON.parse(got.body);
        expect(event.data).toMatchObject({
          comment: { clipped: true, atSeconds: 3.5 },
          author: { id: bob.id, name: "Bob", viaShareLink: false },
          target: { kind: "task", id },
          task: { id, prompt: "Notes on the turn" },
          maker: { id: "ann@studio.test", name: "Ann" },
          links: {
            task: `https://studio.example.com/videos/${id}`,
            share: `https://studio.example.com/s/${made.token}`,
          },
        });
        expect(event.data.comment.text).toHaveLength(500);
        expect(body.startsWith(event.data.comment.text.slice(0, -1))).toBe(true);
        expect(event.data.links.poster).toMatch(/\/api\/posters\/.+\?exp=\d+&sig=/);
        const [written] = await commentEvents(id);
        // The maker is the one it concerns (the outbox row's owner), whoever wrote it.
        expect(written.row.ownerId).toBe("ann@studio.test");

        // A viewer's comment, through the link, under the name they typed.
        const opened = await review.openShare(made.token, "viewer-client");
        if (!opened.found) throw new Error("the share link did not open");
        await review.addViewerComment(opened.shared, { body: "Love the light", name: "Pat" });
        // The maker's own comment goes to the team too (a reply is part of the conversation).
        await review.addComment({ kind: "task", id }, { body: "Will do" }, ann);
        const later = (await commentEvents(id)).slice(1).map((entry) => entry.event.data);
        expect(later).toMatchObject([
          {
            author: { id: null, name: "Pat", viaShareLink: true },
            comment: { text: "Love the light", clipped: false, atSeconds: null },
            links: { share: `https://studio.example.com/s/${made.token}` },
          },
          { author: { id: ann.id, name: "Ann" }, comment: { text: "Will do" } },
        ]);
        // None of them is a done notice in the browser.
        const feed = await import("./feed");
        expect(
          (await feed.doneNotices("ann@studio.test", 0)).filter((n) => n.url.endsWith(id)),
        ).toHaveLength(0);
      } finally {
        review.onCommentAdded(undefined);
      }
    });

    it("names no share link once it is revoked or expired, nor one whose token is not derived", async () => {
      const review = await import("@/lib/review");
      const comments = await import("./comment-events");
      const tokens = await import("@/lib/review/tokens");
      // Only written here: deliveries are not this test's business.
      review.onCommentAdded(async (tx, added) => {
        await comments.recordCommentEvent(tx, added);
      });
      try {
        const id = await keptTask("Links that died");
        const target = { kind: "task", id } as const;
        const shareOf = async () => (await commentEvents(id)).at(-1)?.event.data.links.share;

        const older = await review.createShareLink(id, { days: 30 }, ann);
        const newer = await review.createShareLink(id, { days: 7 }, ann);
        await review.addComment(target, { body: "one" }, bob);
        expect(await shareOf()).toBe(`https://studio.example.com/s/${newer.token}`);
        await review.revokeShareLink(newer.link.id, ann);
        await review.addComment(target, { body: "two" }, bob);
        expect(await shareOf()).toBe(`https://studio.example.com/s/${older.token}`);
        await review.revokeShareLink(older.link.id, ann);
        await review.addComment(target, { body: "three" }, bob);
        expect(await shareOf()).toBeNull();

        // Expired: made two days ago for one day.
        await review.createShareLink(id, { days: 1 }, ann, new Date(Date.now() - 2 * 86_400_000));
        await review.addComment(target, { body: "four" }, bob);
        expect(await shareOf()).toBeNull();

        // A link from before tokens were derived (32 random bytes): it still opens, but its URL
        // is nowhere to be had, so the event has none.
        const random = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "").slice(0, 11);
        expect(tokens.isShareTokenShape(random)).toBe(true);
        await db.insert(schema.shareLinks).values({
          id: "sl_before_derived_tokens",
          tokenHash: tokens.hashShareToken(random),
          targetId: id,
          createdBy: ann.id,
          expiresAt: new Date(Date.now() + 86_400_000),
        });
        expect((await review.openShare(random, "old-link-client")).found).toBe(true);
        await review.addComment(target, { body: "five" }, bob);
        expect(await shareOf()).toBeNull();
      } finally {
        review.onCommentAdded(undefined);
      }
    });

    it("a comment on a take set names the set, not a video", async () => {
      const review = await import("@/lib/review");
      const comments = await import("./comment-events");
      const setId = `set${randomUUID().slice(0, 8)}`;
      await db
        .insert(schema.takeSets)
        .values({ id: setId, ownerId: "ann@studio.test", ownerName: "Ann", takes: 2 });
      review.onCommentAdded(async (tx, added) => {
        await comments.recordCommentEvent(tx, added);
      });
      try {
        await review.addComment({ kind: "take_set", id: setId }, { body: "Take 2" }, bob);
      } finally {
        review.onCommentAdded(undefined);
      }
      const [row] = await db
        .select()
        .from(schema.outboxEvents)
        .where(eq(schema.outboxEvents.takeSetId, setId));
      expect(JSON.parse(row.body).data).toMatchObject({
        task: null,
        takeSet: { id: setId },
        target: { kind: "take_set", id: setId },
        maker: { id: "ann@studio.test", name: "Ann" },
        links: { takeSet: `https://studio.example.com/takes/${setId}`, share: null },
      });
    });

    it("prunes events past WEBHOOK_RETENTION_DAYS in bounded batches; failed ones twice as long", async () => {
      const prune = await import("./prune");
      const day = 86_400_000;
      const ago = (days: number) => new Date(Date.now() - days * day);
      const url = main.url;
      const made: Record<string, string> = {};
      /** An event `age` days old, with deliveries as given. */
      async function event(name: string, age: number, deliveries: Record<string, unknown>[]) {
        const id = `evt_prune_${name}_${randomUUID().slice(0, 8)}`;
        made[name] = id;
        await db.insert(schema.outboxEvents).values({
          id,
          type: "failed",
          ownerId: "ann@studio.test",
          body: "{}",
          createdAt: ago(age),
        });
        for (const [index, delivery] of deliveries.entries()) {
          await db
            .insert(schema.webhookDeliveries)
            .values({ eventId: id, url: `${url}/${index}`, ...delivery });
        }
      }
      await event("delivered", 20, [
        { status: "delivered", deliveredAt: ago(20), lastAttemptAt: ago(20) },
        { status: "delivered", deliveredAt: ago(19), lastAttemptAt: ago(19) },
      ]);
      await event("nowhere", 15, []);
      await event("young", 13, [{ status: "delivered", deliveredAt: ago(13) }]);
      // Sent again last week (an admin), so its last delivery is recent.
      await event("resent", 40, [{ status: "delivered", deliveredAt: ago(7) }]);
      await event("pending", 60, [{ status: "pending", nextAttemptAt: ago(0) }]);
      await event("mixed", 20, [
        { status: "delivered", deliveredAt: ago(20) },
        { status: "failed", lastAttemptAt: ago(19) },
      ]);
      await event("failedLongAgo", 30, [{ status: "failed", lastAttemptAt: ago(29) }]);

      const result = await prune.pruneOutbox();
      const left = new Set(
        (
          await db
            .select({ id: schema.outboxEvents.id })
            .from(schema.outboxEvents)
            .where(sql`${schema.outboxEvents.id} like 'evt_prune_%'`)
        ).map((row) => row.id),
      );
      const kept = Object.keys(made).filter((name) => left.has(made[name]));
      expect(kept.sort()).toEqual(["mixed", "pending", "resent", "young"]);
      expect(result).toEqual({ deleted: 3, more: false });
      // Their deliveries went with them.
      expect(await deliveriesOf(made.delivered)).toHaveLength(0);

      // A backlog goes a bounded batch at a time.
      for (let i = 4; i >= 0; i--) await event(`backlog${i}`, 15 + i, []);
      expect(await prune.pruneOutbox({ batch: 2, maxBatches: 2 })).toEqual({
        deleted: 4,
        more: true,
      });
      // The oldest went first: the youngest of the backlog is what is left.
      expect(await eventsOfId(made.backlog0)).toHaveLength(1);
      expect(await eventsOfId(made.backlog1)).toHaveLength(0);
      expect(await prune.pruneOutbox({ batch: 2, maxBatches: 2 })).toEqual({
        deleted: 1,
        more: false,
      });
      expect(await eventsOfId(made.backlog0)).toHaveLength(0);
    });

    async function eventsOfId(id: string) {
      return db.select().from(schema.outboxEvents).where(eq(schema.outboxEvents.id, id));
    }
  });
}
