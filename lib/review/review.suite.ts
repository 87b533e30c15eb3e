import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";
import type { TaskRow } from "@/lib/db/schema";
import { closeServers, loadApp, sleep } from "@/lib/tasks/faults.harness";

/**
 * Share links and review with real parts: the database (embedded, or the Postgres server
 * `databaseUrl` names), the demo gateway making and keeping real videos, and the public video
 * route called as Next calls it. Run by review.*.test.ts.
 */
export function describeReview(name: string, databaseUrl: () => string | undefined) {
  describe(`share links and review (${name})`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let review: typeof import("@/lib/review");
    let schema: typeof import("@/lib/db/schema");
    let db: Awaited<ReturnType<typeof import("@/lib/db/client").getDb>>;
    let route: typeof import("@/app/s/[token]/video/route");
    let client: typeof import("@/lib/http/client");
    let list: typeof import("@/lib/tasks/list");
    let kept: TaskRow;
    let other: TaskRow;
    const run = Date.now().toString(36);

    const alice: CurrentUser = {
      id: `alice-${run}@team.test`,
      email: `alice-${run}@team.test`,
      name: "Alice",
      isAdmin: false,
    };
    const bob: CurrentUser = {
      id: `bob-${run}@team.test`,
      email: `bob-${run}@team.test`,
      name: null,
      isAdmin: false,
    };
    const admin: CurrentUser = {
      id: `admin-${run}@team.test`,
      email: `admin-${run}@team.test`,
      name: "Admin",
      isAdmin: true,
    };

    async function keptVideo(prompt: string): Promise<TaskRow> {
      const row = await harness.submit(`${prompt} ${run}`);
      for (let attempt = 0; attempt < 200; attempt++) {
        await harness.poll(row.id);
        const stored = await harness.tasks.getTaskRow(row.id);
        if (stored?.status === "failed") throw new Error("the demo video failed");
        if (stored?.resultKey) return stored;
        await sleep(100);
      }
      throw new Error("the demo video was not kept in time");
    }

    /** The public video route, as Next calls it, from one client address (behind one proxy). */
    function fetchShared(
      token: string,
      init: { range?: string; download?: boolean; from?: string } = {},
    ) {
      const url = `http://studio.test/s/${token}/video${init.download ? "?download" : ""}`;
      const headers = new Headers({ "x-forwarded-for": init.from ?? "198.51.100.1" });
      if (init.range) headers.set("range", init.range);
      return route.GET(new Request(url, { headers }), { params: Promise.resolve({ token }) });
    }

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-review-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = "200";
      process.env.DEMO_STEP_MS = "60";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      process.env.SUBMIT_RATE_PER_MINUTE = "1000";
      process.env.MAX_CONCURRENT_TASKS = "50";
      // One proxy of ours in front: the last X-Forwarded-For entry is the client.
      process.env.TRUST_PROXY_HOPS = "1";
      process.env.SHARE_MISSES_PER_CLIENT = "20";
      process.env.SHARE_MISSES_TOTAL = "100000";
      harness = await loadApp();
      review = await import("@/lib/review");
      schema = await import("@/lib/db/schema");
      db = await (await import("@/lib/db/client")).getDb();
      route = await import("@/app/s/[token]/video/route");
      client = await import("@/lib/http/client");
      list = await import("@/lib/tasks/list");
      [kept, other] = await Promise.all([keptVideo("shared shot"), keptVideo("private shot")]);
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
    });

    it("makes a 256-bit base64url token, keeps only its SHA-256, and finds it by that hash", async () => {
      const { token, link } = await review.createShareLink(kept.id, { days: 7 }, alice);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      const [row] = await db
        .select()
        .from(schema.shareLinks)
        .where(eq(schema.shareLinks.id, link.id));
      expect(row?.tokenHash).toBe(createHash("sha256").update(token).digest("base64url"));
      expect(Object.values(row ?? {})).not.toContain(token);
      expect(link).toMatchObject({
        allowDownload: true,
        showSettings: false,
        allowComments: false,
        state: "active",
      });
      const again = await review.createShareLink(kept.id, { days: 7 }, alice);
      expect(again.token).not.toBe(token);
      const opened = await review.openShare(token, "client-a");
      expect(opened.found && opened.shared.task?.id).toBe(kept.id);
    });

    it("offers 1, 7 or 30 days only, and shares only a finished, kept video", async () => {
      const now = new Date("2026-12-01T12:00:00Z");
      for (const days of [1, 7, 30] as const) {
        const { link } = await review.createShareLink(kept.id, { days }, alice, now);
        expect(link.expiresAt.getTime() - now.getTime()).toBe(days * 86_400_000);
      }
      await expect(review.createShareLink(kept.id, { days: 3 }, alice)).rejects.toThrow();
      await expect(
        review.createShareLink("no-such-task", { days: 1 }, alice),
      ).rejects.toMatchObject({ code: "task_not_found" });
      const running = await harness.submit(`still running ${run}`);
      await expect(review.createShareLink(running.id, { days: 1 }, alice)).rejects.toMatchObject({
        code: "not_shareable",
      });
    });

    it("dies at its expiry, on revoke, and with its video; and only its makers or an admin revoke", async () => {
      const made = new Date(Date.now() - 2 * 86_400_000);
      const expired = await review.createShareLink(kept.id, { days: 1 }, alice, made);
      expect(await review.openShare(expired.token, "c-expiry")).toEqual({
        found: false,
        limitedUntil: null,
      });
      const live = await review.createShareLink(kept.id, { days: 1 }, alice);
      const justBefore = new Date(live.link.expiresAt.getTime() - 1);
      expect((await review.openShare(live.token, "c-expiry", { now: justBefore })).found).toBe(
        true,
      );
      expect(
        (await review.openShare(live.token, "c-expiry", { now: live.link.expiresAt })).found,
      ).toBe(false);

      await expect(review.revokeShareLink(live.link.id, bob)).rejects.toMatchObject({
        code: "forbidden",
      });
      const revoked = await review.revokeShareLink(live.link.id, admin);
      expect(revoked.state).toBe("revoked");
      expect((await review.openShare(live.token, "c-expiry")).found).toBe(false);

      const doomed = await keptVideo("doomed shot");
      const link = await review.createShareLink(doomed.id, { days: 30 }, bob);
      await harness.tasks.deleteTask(doomed.id, admin);
      expect((await review.openShare(link.token, "c-expiry")).found).toBe(false);
    });

    it("answers a wrong, an expired and a revoked token with one and the same 404", async () => {
      const expired = await review.createShareLink(
        kept.id,
        { days: 1 },
        alice,
        new Date(Date.now() - 3 * 86_400_000),
      );
      const revoked = await review.createShareLink(kept.id, { days: 1 }, alice);
      await review.revokeShareLink(revoked.link.id, alice);
      const wrong = Buffer.alloc(32, 7).toString("base64url");
      const answers = [];
      for (const token of [wrong, expired.token, revoked.token, "short"]) {
        const response = await fetchShared(token, { from: "203.0.113.50" });
        answers.push({
          status: response.status,
          body: await response.text(),
          headers: [...response.headers].filter(([key]) => key !== "date"),
        });
      }
      expect(answers[0]?.status).toBe(404);
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(answers[0]?.headers).toContainEqual(["x-robots-tag", "noindex, nofollow"]);
      expect(answers[0]?.headers).toContainEqual(["referrer-policy", "no-referrer"]);
    });

    it("serves its one video in ranges (206, nosniff), named for download, or not at all when off", async () => {
      const open = await review.createShareLink(kept.id, { days: 1 }, alice);
      const ranged = await fetchShared(open.token, { range: "bytes=0-99", from: "203.0.113.60" });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get("content-range")).toBe(`bytes 0-99/${kept.resultBytes}`);
      expect(ranged.headers.get("x-content-type-options")).toBe("nosniff");
      expect(ranged.headers.get("x-robots-tag")).toBe("noindex, nofollow");
      expect(ranged.headers.get("referrer-policy")).toBe("no-referrer");
      expect(ranged.headers.get("etag")).toContain(kept.id);
      expect((await ranged.arrayBuffer()).byteLength).toBe(100);
      const download = await fetchShared(open.token, { download: true, from: "203.0.113.60" });
      expect(download.status).toBe(200);
      expect(download.headers.get("content-disposition")).toMatch(
        /^attachment; filename="wan-.*\.mp4"$/,
      );
      await download.body?.cancel();

      const viewOnly = await review.createShareLink(
        kept.id,
        { days: 1, allowDownload: false },
        alice,
      );
      expect(
        (await fetchShared(viewOnly.token, { download: true, from: "203.0.113.60" })).status,
      ).toBe(404);
      const inline = await fetchShared(viewOnly.token, {
        range: "bytes=0-9",
        from: "203.0.113.60",
      });
      expect(inline.status).toBe(206);
      expect(inline.headers.get("content-disposition")).toBe("inline");
      await inline.body?.cancel();
    });

    it("never reveals another task: the link opens its own video, and shows settings only if allowed", async () => {
      const hidden = await review.createShareLink(kept.id, { days: 1 }, alice);
      const opened = await review.openShare(hidden.token, "c-reveal");
      expect(opened.found && opened.shared.task?.id).toBe(kept.id);
      expect(opened.found && opened.shared.settings).toBeNull();
      const shown = await review.createShareLink(kept.id, { days: 1, showSettings: true }, alice);
      const withSettings = await review.openShare(shown.token, "c-reveal");
      expect(withSettings.found && withSettings.shared.settings?.prompt).toBe(kept.prompt);
      // Whatever else the request says, the video is the link's.
      const response = await route.GET(
        new Request(`http://studio.test/s/${hidden.token}/video?task=${other.id}&id=${other.id}`, {
          headers: { "x-forwarded-for": "203.0.113.70", range: "bytes=0-0" },
        }),
        { params: Promise.resolve({ token: hidden.token }) },
      );
      expect(response.headers.get("etag")).toBe(`"${kept.id}-${kept.resultBytes}"`);
      await response.body?.cancel();
    });

    it("rate-limits a loop of 1,000 wrong tokens per client; none finds anything; others still get in", async () => {
      const valid = await review.createShareLink(kept.id, { days: 1 }, alice);
      const statuses = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        const guess = Buffer.from(`${i}`.padStart(32, "g")).toString("base64url");
        const response = await fetchShared(guess, { from: "192.0.2.99" });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.body?.cancel();
      }
      expect(statuses.get(200) ?? 0).toBe(0);
      expect(statuses.get(206) ?? 0).toBe(0);
      expect(statuses.get(404)).toBe(20);
      expect(statuses.get(429)).toBe(980);
      // While limited, even a right token finds nothing from there (no lookup at all)...
      const limited = await fetchShared(valid.token, { from: "192.0.2.99", range: "bytes=0-0" });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // ...and a forged X-Forwarded-For before our proxy's entry changes nothing.
      const forged = await fetchShared(valid.token, {
        from: "10.9.9.9, 192.0.2.99",
        range: "bytes=0-0",
      });
      expect(forged.status).toBe(429);
      const elsewhere = await fetchShared(valid.token, { from: "192.0.2.100", range: "bytes=0-0" });
      expect(elsewhere.status).toBe(206);
      await elsewhere.body?.cancel();
    }, 120_000);

    it("tells clients apart only by what a trusted party wrote", () => {
      const forged = new Headers({ "x-forwarded-for": "1.2.3.4" });
      expect(client.clientAddress(forged, { TRUST_PROXY_HOPS: 0 })).toBe(client.UNKNOWN_CLIENT);
      expect(
        client.clientAddress(new Headers({ "x-forwarded-for": "5.6.7.8" }), {
          TRUST_PROXY_HOPS: 0,
        }),
      ).toBe(client.UNKNOWN_CLIENT);
      const chain = new Headers({ "x-forwarded-for": "1.2.3.4, 9.9.9.9" });
      expect(client.clientAddress(chain, { TRUST_PROXY_HOPS: 1 })).toBe("9.9.9.9");
      expect(client.clientAddress(chain, { TRUST_PROXY_HOPS: 2 })).toBe("1.2.3.4");
      expect(
        client.clientAddress(new Headers({ "x-forwarded-for": "7.7.7.7" }), {
          VERCEL: "1",
          TRUST_PROXY_HOPS: 0,
        }),
      ).toBe("7.7.7.7");
      expect(client.clientKey("9.9.9.9")).not.toContain("9.9.9.9");
    });

    it("keeps comments as plain text up to 2,000 characters, pinned to the tenth of a second", async () => {
      const target = { kind: "task", id: kept.id } as const;
      const html = await review.addComment(
        target,
        { body: "<img src=x onerror=alert(1)> look", atSeconds: 1.234 },
        alice,
      );
      expect(html.body).toBe("<img src=x onerror=alert(1)> look");
      expect(html.atSeconds).toBe(1.2);
      await review.addComment(target, { body: "x".repeat(2000) }, alice);
      await expect(
        review.addComment(target, { body: "x".repeat(2001) }, alice),
      ).rejects.toMatchObject({ code: "invalid_comment" });
      await expect(review.addComment(target, { body: "   " }, alice)).rejects.toMatchObject({
        code: "invalid_comment",
      });
      await expect(
        review.addComment(target, { body: "ok", atSeconds: -1 }, alice),
      ).rejects.toMatchObject({ code: "invalid_comment" });
      await expect(
        review.addComment({ kind: "task", id: "nope-nope" }, { body: "ok" }, alice),
      ).rejects.toMatchObject({ code: "task_not_found" });
      const listed = await review.commentsOn(target, bob);
      expect(listed.map((comment) => comment.body)).toContain(html.body);
    });

    it("lets only a comment's author or an admin delete it", async () => {
      const target = { kind: "task", id: other.id } as const;
      const mine = await review.addComment(target, { body: "Alice's note" }, alice);
      expect(
        (await review.commentsOn(target, alice)).find((c) => c.id === mine.id)?.canDelete,
      ).toBe(true);
      expect((await review.commentsOn(target, bob)).find((c) => c.id === mine.id)?.canDelete).toBe(
        false,
      );
      await expect(review.deleteComment(mine.id, bob)).rejects.toMatchObject({ code: "forbidden" });
      await review.deleteComment(mine.id, alice);
      const second = await review.addComment(target, { body: "again" }, alice);
      await review.deleteComment(second.id, admin);
      expect(await review.commentsOn(target, alice)).toEqual([]);
    });

    it("takes viewers' comments only when the link allows, under the name they type, hiding emails", async () => {
      const closed = await review.createShareLink(kept.id, { days: 1 }, alice);
      const closedOpen = await review.openShare(closed.token, "c-viewer");
      if (!closedOpen.found) throw new Error("link did not open");
      await expect(
        review.addViewerComment(closedOpen.shared, { body: "hi", name: "Vic" }),
      ).rejects.toMatchObject({ code: "comments_closed" });
      const open = await review.createShareLink(kept.id, { days: 1, allowComments: true }, alice);
      const opened = await review.openShare(open.token, "c-viewer");
      if (!opened.found) throw new Error("link did not open");
      await expect(
        review.addViewerComment(opened.shared, { body: "hi", name: " " }),
      ).rejects.toMatchObject({ code: "invalid_comment" });
      const viewer = await review.addViewerComment(opened.shared, {
        body: "Lovely at 2 s",
        name: "Vic",
        atSeconds: 2,
      });
      expect(viewer).toMatchObject({ authorName: "Vic", viaShareLink: true, canDelete: false });
      await review.addComment({ kind: "task", id: kept.id }, { body: "from bob" }, bob);
      const publicList = await review.commentsOn({ kind: "task", id: kept.id }, null);
      expect(publicList.map((comment) => comment.authorName)).not.toContain(bob.email);
      expect(publicList.map((comment) => comment.authorName)).toContain("Team member");
    });

    it("counts others' new comments on my work until I read them", async () => {
      const mine = await keptVideo("alice's own");
      await db.update(schema.tasks).set({ ownerId: alice.id }).where(eq(schema.tasks.id, mine.id));
      const before = await review.newCommentsFor(alice);
      // My own comment is not news to me (and writing one reads what came before it).
      await review.addComment({ kind: "task", id: mine.id }, { body: "my own" }, alice);
      await review.addComment({ kind: "task", id: mine.id }, { body: "one" }, bob);
      await review.addComment({ kind: "task", id: mine.id }, { body: "two" }, bob);
      const after = await review.newCommentsFor(alice);
      expect(after.count - before.count).toBe(2);
      expect(after.latest).toEqual({ kind: "task", id: mine.id });
      await review.markCommentsRead({ kind: "task", id: mine.id }, alice);
      expect((await review.newCommentsFor(alice)).count).toBe(before.count);
    });

    it("keeps the latest review decision, and the history shows and filters it with the comment count", async () => {
      await review.decideReview(kept.id, "approved", alice);
      const latest = await review.decideReview(kept.id, "changes_requested", bob);
      expect(latest.byName).toBe(bob.email);
      expect((await review.reviewStateOf(kept.id))?.decision).toBe("changes_requested");
      await review.decideReview(kept.id, "approved", alice, new Date(Date.now() + 1000));
      expect(await review.reviewStateOf(kept.id)).toMatchObject({
        decision: "approved",
        byName: "Alice",
      });

      const approved = await list.listTasks({ review: "approved", search: run, limit: 100 });
      expect(approved.rows.map((row) => row.id)).toContain(kept.id);
      expect(approved.rows.every((row) => row.review === "approved")).toBe(true);
      const row = approved.rows.find((candidate) => candidate.id === kept.id);
      expect(row?.commentCount).toBe(
        (await review.commentsOn({ kind: "task", id: kept.id }, alice)).length,
      );
      const none = await list.listTasks({ review: "none", search: run, limit: 100 });
      expect(none.rows.map((candidate) => candidate.id)).toContain(other.id);
      expect(none.rows.map((candidate) => candidate.id)).not.toContain(kept.id);
      await expect(review.decideReview("nope-nope", "approved", alice)).rejects.toMatchObject({
        code: "task_not_found",
      });
    });

    it("runs a connected comment hook inside the comment's transaction: a failing hook keeps nothing", async () => {
      const target = { kind: "task", id: other.id } as const;
      const seen: string[] = [];
      review.onCommentAdded(async (tx, event) => {
        const [row] = await tx
          .select()
          .from(schema.comments)
          .where(eq(schema.comments.id, event.comment.id));
        seen.push(`${row?.body} for ${event.ownerId}`);
      });
      try {
        await review.addComment(target, { body: "hooked" }, bob);
        expect(seen).toEqual([`hooked for ${other.ownerId}`]);
        review.onCommentAdded(async () => {
          throw new Error("outbox down");
        });
        await expect(review.addComment(target, { body: "lost" }, bob)).rejects.toThrow(
          "outbox down",
        );
        expect((await review.commentsOn(target, bob)).map((c) => c.body)).not.toContain("lost");
      } finally {
        review.onCommentAdded(undefined);
      }
    });

    it("names a video's active share link (never a dead one) for the webhooks", async () => {
      const fresh = await keptVideo("webhook shot");
      expect(await review.activeShareFor(fresh.id)).toBeNull();
      const made = await review.createShareLink(fresh.id, { days: 7 }, alice);
      expect((await review.activeShareFor(fresh.id))?.id).toBe(made.link.id);
      await review.revokeShareLink(made.link.id, alice);
      expect(await review.activeShareFor(fresh.id)).toBeNull();
    });

    it("derives each token from its link id under the server's secret: no secret, no token", async () => {
      const { token, link } = await review.createShareLink(kept.id, { days: 7 }, alice);
      // The server's secret, where lib/storage/signing.ts keeps it (generated once here).
      const secret = process.env.MEDIA_URL_SECRET
        ? Buffer.from(process.env.MEDIA_URL_SECRET, "utf8")
        : Buffer.from(
            readFileSync(path.join(process.env.DATA_DIR ?? "", "media-url-secret"), "utf8").trim(),
            "hex",
          );
      const hmac = (key: Buffer) =>
        createHmac("sha256", key).update(`share-link-token\n${link.id}`).digest("base64url");
      expect(token).toBe(hmac(secret));
      // Anyone with the id but another key, or none, gets something else.
      expect(hmac(randomBytes(32))).not.toBe(token);
      expect(hmac(Buffer.alloc(0))).not.toBe(token);
      expect(createHash("sha256").update(link.id).digest("base64url")).not.toBe(token);
      // The server makes it again for the webhooks, on the public base URL from settings.
      expect(await review.liveShareUrl(db, kept.id, "https://studio.example.com")).toBe(
        `https://studio.example.com/s/${token}`,
      );
      await review.revokeShareLink(link.id, alice);
      const url = await review.liveShareUrl(db, kept.id, "https://studio.example.com");
      expect(url).not.toBe(`https://studio.example.com/s/${token}`);
    });
  });
}
