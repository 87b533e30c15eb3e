import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskRow } from "@/lib/db/schema";

/**
 * Keeping a finished video when the gateway's `/content` does not deliver it: against a
 * scripted gateway on a real node:http server (set as VIDEO_API_BASE_URL), the real database
 * (embedded, or the Postgres server `databaseUrl` names) and files on disk. What must hold:
 * bytes that are not an MP4 are a handled, worded, retried failure (never an uncaught
 * exception); a copy cut short is kept through the provider's own link, fetched without our
 * key; a provider link inside our network is refused; a failing copy backs off and gives up.
 * Run by result-copy.pglite.test.ts and result-copy.postgres.test.ts.
 */

const CLIP = readFileSync(path.resolve(__dirname, "../../e2e/media/clip.mp4"));
const POLL_INTERVAL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ContentMode = "mp4" | "not-mp4" | "cut";

interface Script {
  content: ContentMode;
  /** The read's `metadata.url`; `provider` = this server's own key-free file route. */
  link?: "provider" | string;
}

interface Hit {
  path: string;
  auth?: string;
}

export function describeResultCopy(name: string, databaseUrl: () => string | undefined) {
  describe(`keeping results (${name})`, () => {
    const scripts = new Map<string, Script>();
    const hits: Hit[] = [];
    let gateway: Server;
    let base = "";
    let tasksLib: typeof import("./index");
    let resultLib: typeof import("./result");
    let dbLib: typeof import("@/lib/db/client");
    let schema: typeof import("@/lib/db/schema");

    function answer(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(req.url ?? "/", base);
      hits.push({ path: url.pathname, auth: req.headers.authorization });
      const provider = /^\/provider\/([^/]+)\.mp4$/.exec(url.pathname);
      if (provider) {
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": CLIP.length });
        return res.end(CLIP);
      }
      const found = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(url.pathname);
      const script = found && scripts.get(found[1]);
      if (!found || !script) {
        res.writeHead(404, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ error: { message: "task not found" } }));
      }
      const id = found[1];
      if (!found[2]) {
        const link = script.link === "provider" ? `${base}/provider/${id}.mp4` : script.link;
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end(
          JSON.stringify({
            id,
            object: "video",
            status: "completed",
            progress: 100,
            created_at: Math.floor(Date.now() / 1000) - 60,
            completed_at: Math.floor(Date.now() / 1000),
            ...(link ? { metadata: { url: link } } : {}),
          }),
        );
      }
      if (script.content === "not-mp4") {
        // A 200 whose bytes are an HTML page: what a misbehaving proxy sends.
        res.writeHead(200, { "Content-Type": "video/mp4" });
        return res.end(`<html><body>${"not a video ".repeat(50)}</body></html>`);
      }
      res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": CLIP.length });
      if (script.content === "mp4") return res.end(CLIP);
      // Cut mid-way, as mainline new-api cuts every download at 60 s.
      res.write(CLIP.subarray(0, Math.floor(CLIP.length / 2)), () => res.destroy());
    }

    beforeAll(async () => {
      gateway = createServer(answer);
      await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-results-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = String(POLL_INTERVAL_MS);
      process.env.VIDEO_API_TIMEOUT_MS = "2000";
      process.env.VIDEO_API_KEY = "";
      // The scripted gateway, from settings (env() reads them once, on first use).
      process.env.VIDEO_API_BASE_URL = base;
      dbLib = await import("@/lib/db/client");
      await dbLib.getDb();
      schema = await import("@/lib/db/schema");
      tasksLib = await import("./index");
      resultLib = await import("./result");
    }, 120_000);

    afterAll(async () => {
      gateway?.closeAllConnections();
      await new Promise((resolve) => gateway?.close(resolve));
    });

    let count = 0;
    /** A task the gateway runs by `script`, as our row sees it just before it completes. */
    async function runningTask(script: Script): Promise<string> {
      const id = `copy_${++count}_${Date.now()}`;
      const gatewayId = `video_${id}`;
      scripts.set(gatewayId, script);
      const db = await dbLib.getDb();
      await db.insert(schema.tasks).values({
        id,
        gatewayId,
        status: "in_progress",
        progress: 30,
        seconds: 2,
        size: "720P",
        media: [{ type: "first_frame", mediaId: "m" }],
        startedAt: new Date(),
      });
      return id;
    }

    /** One viewer's poll, with the deferred copy run to its end. */
    async function poll(id: string): Promise<TaskRow> {
      const work: Promise<unknown>[] = [];
      // VIDEO_API_BASE_URL points the app at this suite's scripted gateway.
      await tasksLib.refreshTask(id, (job) => {
        work.push(job());
      });
      await Promise.all(work);
      const row = await tasksLib.getTaskRow(id);
      if (!row) throw new Error(`task ${id} vanished`);
      return row;
    }

    const contentHits = (id: string) =>
      hits.filter((hit) => hit.path === `/v1/videos/video_${id}/content`);

    it("a 200 that is not an MP4: handled, worded, retried after a back-off, then kept", async () => {
      const id = await runningTask({ content: "not-mp4" });
      const before = Date.now();
      const failed = await poll(id);
      expect(failed.status).toBe("completed");
      expect(failed.resultKey).toBeNull();
      expect(failed.resultCopyAttempts).toBe(1);
      expect(failed.resultCopyError).toBe(
        "We could not keep a copy of this video yet (the gateway's download sent something that is not an MP4 video; the gateway gave no provider link to fall back on). We will try again shortly; until then it plays from the video service.",
      );
      const view = tasksLib.toTaskView(failed);
      expect(view.notice).toBe(failed.resultCopyError);
      expect(view.error).toBeNull();
      expect(contentHits(id)).toHaveLength(1);

      // The next try waits its back-off, counted from the failure.
      const wait = (failed.resultCopyNextAt?.getTime() ?? 0) - before;
      expect(wait).toBeGreaterThanOrEqual(resultLib.copyBackoffMs(1));
      expect(wait).toBeLessThan(60_000);
      // Inside the back-off (held open here), polls do not copy again.
      const { eq } = await import("drizzle-orm");
      const db = await dbLib.getDb();
      const hold = (until: Date | null) =>
        db.update(schema.tasks).set({ resultCopyNextAt: until }).where(eq(schema.tasks.id, id));
      await hold(new Date(Date.now() + 3_600_000));
      expect((await poll(id)).resultCopyAttempts).toBe(1);
      expect(contentHits(id)).toHaveLength(1);

      // Once it is over (and the poll interval since the last claim), the next poll tries again.
      await hold(new Date(Date.now() - 1000));
      await sleep(POLL_INTERVAL_MS);
      const again = await poll(id);
      expect(again.resultCopyAttempts).toBe(2);
      expect(again.resultKey).toBeNull();
      expect(contentHits(id)).toHaveLength(2);
      scripts.set(`video_${id}`, { content: "mp4" });
      let kept = again;
      for (let i = 0; i < 40 && !kept.resultKey; i++) {
        await sleep(POLL_INTERVAL_MS);
        kept = await poll(id);
      }
      expect(kept.resultKey).toBe(resultLib.resultKeyFor(id));
      expect(kept.resultBytes).toBe(CLIP.length);
      expect(kept.resultCopyError).toBeNull();
      expect(tasksLib.toTaskView(kept).notice).toBeNull();
    });

    it("/content cut mid-way: kept through the provider's link, fetched without our key", async () => {
      const id = await runningTask({ content: "cut", link: "provider" });
      const row = await poll(id);
      expect(row.resultUrl).toBe(`${base}/provider/video_${id}.mp4`);
      expect(row.resultKey).toBe(resultLib.resultKeyFor(id));
      expect(row.resultBytes).toBe(CLIP.length);
      expect(row.resultCopyError).toBeNull();
      expect(row.resultCopyAttempts).toBe(1);
      expect(contentHits(id)).toHaveLength(1);
      expect(contentHits(id)[0].auth).toMatch(/^Bearer /);
      const linkHits = hits.filter((hit) => hit.path === `/provider/video_${id}.mp4`);
      expect(linkHits).toHaveLength(1);
      expect(linkHits[0].auth).toBeUndefined();
    });

    it.each([
      ["a private address", "https://10.255.0.7/v.mp4?Signature=s"],
      ["the cloud metadata address", "https://169.254.169.254/latest/meta-data/"],
      ["plain http to another host", "http://localhost:1/v.mp4"],
    ])("a provider link to %s is refused, in words", async (_name, link) => {
      const id = await runningTask({ content: "cut", link });
      const row = await poll(id);
      expect(row.resultKey).toBeNull();
      expect(row.resultUrl).toBe(link);
      expect(row.resultCopyError).toContain(
        "the provider's link was refused (only public https addresses are fetched)",
      );
      expect(row.resultCopyError).toContain("the gateway's download broke off after");
      expect(row.resultCopyError).not.toContain("Signature");
      // An https link could be shown to the member; nothing else is.
      const view = tasksLib.toTaskView(row);
      expect(view.providerUrl).toBe(link.startsWith("https://") ? link : null);
    });

    it("gives up after the last try, says so, and is no longer swept", async () => {
      const id = await runningTask({ content: "not-mp4" });
      const db = await dbLib.getDb();
      await poll(id);
      const { eq } = await import("drizzle-orm");
      await db
        .update(schema.tasks)
        .set({
          resultCopyAttempts: resultLib.MAX_RESULT_COPY_ATTEMPTS - 1,
          resultCopyNextAt: null,
        })
        .where(eq(schema.tasks.id, id));
      await sleep(POLL_INTERVAL_MS + 50);
      const last = await poll(id);
      expect(last.resultCopyAttempts).toBe(resultLib.MAX_RESULT_COPY_ATTEMPTS);
      expect(last.resultCopyError).toMatch(
        /^We could not keep a copy of this video after 12 tries \(the gateway's download sent something that is not an MP4 video; .*\)\. Download it now/,
      );
      const tries = contentHits(id).length;
      await db
        .update(schema.tasks)
        .set({ resultCopyNextAt: null, refreshedAt: null })
        .where(eq(schema.tasks.id, id));
      await poll(id);
      await (await import("./sweep")).sweepTasks();
      expect(contentHits(id)).toHaveLength(tries);
      // Neither the poll nor the sweep even claimed a refresh of it.
      expect((await tasksLib.getTaskRow(id))?.refreshedAt).toBeNull();
    });
  });
}
