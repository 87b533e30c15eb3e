import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_USER } from "@/lib/auth/user";

/**
 * The whole life of a task, with real parts: the database (embedded, or the Postgres server
 * named by `databaseUrl`), files on disk, the media route, and the demo gateway over HTTP.
 * Run by lifecycle.pglite.test.ts and lifecycle.postgres.test.ts.
 */

const MEDIA = path.resolve(__dirname, "../../e2e/media");

function must<T>(value: T | null | undefined): T {
  if (value == null) throw new Error("expected a value");
  return value;
}

type Handler = (request: Request) => Promise<Response>;

/** A node:http server that hands each request to `route` as a web Request, streaming back. */
async function serve(route: (url: URL) => Handler | null, seen: string[], times: number[] = []) {
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    seen.push(`${req.method} ${url.pathname}`);
    times.push(Date.now());
    const handler = route(url);
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      // @ts-expect-error Node's fetch needs this for a streamed body.
      duplex: "half",
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body as never).pipe(res);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

export function describeTaskLifecycle(name: string, databaseUrl: () => string | undefined) {
  describe(`task lifecycle (${name})`, () => {
    let origin = "";
    let hangingOrigin = "";
    const seen: string[] = [];
    const seenAt: number[] = [];
    const hangingSeen: string[] = [];
    const servers: Server[] = [];
    // Loaded after the settings are in place: env() reads process.env once.
    let tasksLib: typeof import("./index");
    let mediaLib: typeof import("@/lib/media");
    let storageLib: typeof import("@/lib/storage");

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-tasks-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.POLL_INTERVAL_MS = "300";
      process.env.DEMO_STEP_MS = "60";
      process.env.VIDEO_API_TIMEOUT_MS = "800";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      // Opening the database (initdb + migrations for PGlite) takes seconds on a busy machine.
      await (await import("@/lib/db/client")).getDb();
      tasksLib = await import("./index");
      mediaLib = await import("@/lib/media");
      storageLib = await import("@/lib/storage");
      const demo = await import("@/lib/gateway/demo");
      const mediaRoute = await import("@/app/api/media/[id]/route");

      const app = await serve(
        (url) => {
          if (url.pathname.startsWith("/api/demo-gateway/")) {
            return (request) => demo.routeDemoRequest(demo.demoGateway, request);
          }
          const media = /^\/api\/media\/([^/]+)$/.exec(url.pathname);
          if (media) {
            return (request) =>
              mediaRoute.GET(request, { params: Promise.resolve({ id: media[1] }) });
          }
          return null;
        },
        seen,
        seenAt,
      );
      origin = app.origin;
      // A gateway that takes the create and never answers: the outcome is unknown.
      const hanging = await serve(() => () => new Promise<Response>(() => {}), hangingSeen);
      hangingOrigin = hanging.origin;
      servers.push(app.server, hanging.server);
    }, 120_000);

    afterAll(async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    });

    async function upload(kind: "first_frame" | "driving_audio" | "last_frame", file: string) {
      return mediaLib.ingestUpload({
        kind,
        body: createReadStream(path.join(MEDIA, file)),
        declaredName: file,
      });
    }

    /** Polls like a viewer would, running deferred work (the result copy) to the end. */
    async function pollUntilKept(id: string) {
      for (let attempt = 0; attempt < 80; attempt++) {
        const work: Promise<unknown>[] = [];
        const row = await tasksLib.refreshTask(id, origin, (job) => work.push(job()));
        await Promise.all(work);
        if (row?.status === "failed") return row;
        if (row?.status === "completed" && (await tasksLib.getTaskRow(id))?.resultKey) {
          return tasksLib.getTaskRow(id);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`task ${id} did not finish`);
    }

    async function rowsWithPrompt(prompt: string) {
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const { eq } = await import("drizzle-orm");
      return (await getDb()).select().from(tasks).where(eq(tasks.prompt, prompt));
    }

    it("submits with signed media URLs, completes, and keeps the MP4 in our storage", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const voice = await upload("driving_audio", "voice.mp3");
      const row = await tasksLib.submitTask(
        {
          media: [
            { type: "first_frame", mediaId: frame.id },
            { type: "driving_audio", mediaId: voice.id },
          ],
          seconds: 4,
          size: "720P",
          prompt: "A portrait that speaks",
        },
        origin,
        LOCAL_USER,
      );
      expect(row.status).toBe("queued");
      expect(row.gatewayId).toMatch(/\S+/);
      // The demo gateway fetched each media file itself, through the signed media route.
      expect(seen).toContain(`GET /api/media/${frame.id}`);
      expect(seen).toContain(`GET /api/media/${voice.id}`);

      const done = await pollUntilKept(row.id);
      expect(done?.status).toBe("completed");
      expect(done?.progress).toBe(100);
      expect(done?.startedAt).toBeInstanceOf(Date);
      expect(done?.completedAt).toBeInstanceOf(Date);
      const kept = await storageLib.getStorage().get(done?.resultKey ?? "", { start: 0, end: 7 });
      const head = Buffer.concat((await kept?.body.toArray()) ?? []);
      expect(head.subarray(4, 8).toString("latin1")).toBe("ftyp");
      expect(done?.resultBytes).toBeGreaterThan(1000);
      // Its length is probed from the kept bytes, and a poster frame is kept for the history.
      expect(done?.resultSeconds).toBeGreaterThan(0.5);
      const poster = await storageLib.getStorage().get(done?.posterKey ?? "", { start: 0, end: 2 });
      const jpeg = Buffer.concat((await poster?.body.toArray()) ?? []);
      expect([...jpeg]).toEqual([0xff, 0xd8, 0xff]);

      const view = tasksLib.toTaskView(must(done));
      expect(view.videoUrl).toBe(`/api/tasks/${row.id}/video`);

      // Kept means independent of the gateway: with the gateway unreachable (a server that
      // never answers), the video route still serves it, ranged, from our storage.
      const videoRoute = await import("@/app/api/tasks/[id]/video/route");
      const response = await videoRoute.GET(
        new Request(`${hangingOrigin}/api/tasks/${row.id}/video`, {
          headers: { range: "bytes=0-7" },
        }),
        { params: Promise.resolve({ id: row.id }) },
      );
      expect(response.status).toBe(206);
      expect(response.headers.get("content-type")).toBe("video/mp4");
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
      expect(hangingSeen.some((line) => line.includes(row.gatewayId ?? "-"))).toBe(false);
      expect(JSON.stringify(view)).not.toContain(row.gatewayId ?? "");
    });

    it("asks the gateway at most once per interval, however many viewers poll", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const row = await tasksLib.submitTask(
        { media: [{ type: "first_frame", mediaId: frame.id }], seconds: 5, size: "1080P" },
        origin,
        LOCAL_USER,
      );
      const path = `GET /api/demo-gateway/v1/videos/${row.gatewayId}`;
      const callTimes = () => seenAt.filter((_, index) => seen[index] === path);
      const before = callTimes().length;
      // Bursts of 30 concurrent viewers, every 100 ms for about 1.5 s.
      const started = Date.now();
      while (Date.now() - started < 1500) {
        await Promise.all(
          Array.from({ length: 30 }, () => tasksLib.refreshTask(row.id, origin, () => {})),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const calls = callTimes().slice(before);
      // Somebody asked (the task moved on)…
      expect(calls.length).toBeGreaterThanOrEqual(1);
      // …but never twice within one interval (300 ms; 30 ms for timer jitter), however many
      // viewers polled: at most 1.5 s / 300 ms + 1 calls instead of hundreds.
      expect(calls.length).toBeLessThanOrEqual(6);
      for (let index = 1; index < calls.length; index++) {
        expect(calls[index] - calls[index - 1]).toBeGreaterThanOrEqual(270);
      }
    });

    it("makes one task of one submission, however often it arrives (double click, two tabs)", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const request = {
        media: [{ type: "first_frame" as const, mediaId: frame.id }],
        seconds: 5,
        size: "720P" as const,
        prompt: "one click, one task",
      };
      const idempotencyKey = crypto.randomUUID();
      const posts = () => seen.filter((line) => line === "POST /api/demo-gateway/v1/videos").length;
      const before = posts();
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          tasksLib.submitTask(request, origin, LOCAL_USER, { idempotencyKey }),
        ),
      );
      expect(new Set(results.map((row) => row.id)).size).toBe(1);
      expect(results.filter((row) => !row.duplicate)).toHaveLength(1);
      // And again later (a retried request): still the same task.
      const again = await tasksLib.submitTask(request, origin, LOCAL_USER, { idempotencyKey });
      expect(again.id).toBe(results[0]?.id);
      expect(again.duplicate).toBe(true);
      expect(posts() - before).toBe(1);
      // The same key with other settings is a client bug, refused rather than guessed at.
      await expect(
        tasksLib.submitTask({ ...request, seconds: 6 }, origin, LOCAL_USER, { idempotencyKey }),
      ).rejects.toMatchObject({ code: "duplicate_mismatch" });
    });

    it("sweeps tasks nobody watches to completion, keeping their videos", async () => {
      const { sweepTasks } = await import("./sweep");
      const frame = await upload("first_frame", "portrait.png");
      const row = await tasksLib.submitTask(
        { media: [{ type: "first_frame", mediaId: frame.id }], seconds: 3, size: "720P" },
        origin,
        LOCAL_USER,
      );
      for (let attempt = 0; attempt < 60; attempt++) {
        await sweepTasks(origin);
        const current = await tasksLib.getTaskRow(row.id);
        if (current?.resultKey) break;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      const kept = await tasksLib.getTaskRow(row.id);
      expect(kept?.status).toBe("completed");
      expect(kept?.resultKey).toBeTruthy();
    });

    it("shows a failed task in words (content moderation)", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const row = await tasksLib.submitTask(
        {
          media: [{ type: "first_frame", mediaId: frame.id }],
          seconds: 5,
          size: "720P",
          prompt: "[demo-fail:moderation]",
        },
        origin,
        LOCAL_USER,
      );
      const done = await pollUntilKept(row.id);
      expect(done?.status).toBe("failed");
      const view = tasksLib.toTaskView(must(done));
      expect(view.error?.message).toMatch(/moderation|inappropriate/i);
      expect(view.videoUrl).toBeNull();
    });

    it("refuses media ids it did not store, or stored for another slot, leaving no task", async () => {
      const audio = await upload("driving_audio", "voice.wav");
      const before = seen.length;
      await expect(
        tasksLib.submitTask(
          { media: [{ type: "first_frame", mediaId: "not-ours-0000" }], seconds: 5, size: "720P" },
          origin,
          LOCAL_USER,
        ),
      ).rejects.toMatchObject({ code: "media_not_found", field: "first_frame" });
      await expect(
        tasksLib.submitTask(
          { media: [{ type: "first_frame", mediaId: audio.id }], seconds: 5, size: "720P" },
          origin,
          LOCAL_USER,
        ),
      ).rejects.toMatchObject({ code: "media_wrong_kind", field: "first_frame" });
      // Nothing reached the gateway.
      expect(seen.slice(before).some((line) => line.startsWith("POST"))).toBe(false);
    });

    it("keeps a refused create (quota) as 'refused', says why, and takes the same form again", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const prompt = `[demo-fail:quota] ${crypto.randomUUID()}`;
      const request = {
        media: [{ type: "first_frame" as const, mediaId: frame.id }],
        seconds: 5,
        size: "720P" as const,
        prompt,
      };
      const idempotencyKey = crypto.randomUUID();
      const posts = () => seen.filter((line) => line === "POST /api/demo-gateway/v1/videos").length;
      const before = posts();
      const error = await tasksLib
        .submitTask(request, origin, LOCAL_USER, { idempotencyKey })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(tasksLib.TaskError);
      expect((error as Error).message).toMatch(/quota|credit|balance/i);
      const [row] = await rowsWithPrompt(prompt);
      expect(row).toMatchObject({ status: "refused", errorMessage: (error as Error).message });
      expect(tasksLib.toTaskView(must(row)).error?.message).toBe((error as Error).message);
      // The same form sent again (after a top-up, say) is a new try, not "already submitted".
      await expect(
        tasksLib.submitTask(request, origin, LOCAL_USER, { idempotencyKey }),
      ).rejects.toBeInstanceOf(tasksLib.TaskError);
      expect(posts() - before).toBe(2);
      expect(await rowsWithPrompt(prompt)).toHaveLength(2);
    });

    it("never resubmits a create whose outcome is unknown", async () => {
      const frame = await upload("first_frame", "portrait.png");
      const row = await tasksLib.submitTask(
        { media: [{ type: "first_frame", mediaId: frame.id }], seconds: 5, size: "720P" },
        hangingOrigin,
        LOCAL_USER,
      );
      expect(row.status).toBe("submit_unknown");
      expect(hangingSeen.filter((line) => line.startsWith("POST"))).toHaveLength(1);
      const again = await tasksLib.refreshTask(row.id, hangingOrigin, () => {});
      expect(again?.status).toBe("submit_unknown");
      expect(hangingSeen.filter((line) => line.startsWith("POST"))).toHaveLength(1);
      expect(tasksLib.toTaskView(must(again)).error?.message).toMatch(/not sent again/);
    });

    // Last: what it learns applies to every later submission on this gateway.
    it("learns from a 'prompt is required' refusal, and asks for a prompt before paying next time", async () => {
      const { promptRequired } = await import("./gateway-facts");
      const { PROMPT_REQUIRED_MESSAGE } = await import("@/lib/video-request");
      // Every new-api build answers a create without a prompt like this.
      const strictSeen: string[] = [];
      const strict = await serve(
        () => async () =>
          Response.json(
            { code: "invalid_request", message: "prompt is required", data: null },
            { status: 400 },
          ),
        strictSeen,
      );
      servers.push(strict.server);
      const frame = await upload("first_frame", "portrait.png");
      const request = {
        media: [{ type: "first_frame" as const, mediaId: frame.id }],
        seconds: 3,
        size: "720P" as const,
      };
      expect(await promptRequired()).toBe(false);

      const error = await tasksLib
        .submitTask(request, strict.origin, LOCAL_USER)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(tasksLib.TaskError);
      expect(error).toMatchObject({
        code: "prompt_required",
        field: "prompt",
        message: "This video service needs a prompt: describe the motion.",
      });
      expect(strictSeen.filter((line) => line.startsWith("POST"))).toHaveLength(1);
      const { getDb } = await import("@/lib/db/client");
      const { tasks } = await import("@/lib/db/schema");
      const { and, eq, isNull } = await import("drizzle-orm");
      const db = await getDb();
      const [refused] = await db
        .select()
        .from(tasks)
        .where(and(eq(tasks.status, "refused"), isNull(tasks.prompt), eq(tasks.seconds, 3)));
      expect(refused).toMatchObject({
        errorCode: "prompt_required:gateway",
        errorMessage: PROMPT_REQUIRED_MESSAGE,
      });

      // Remembered in the database: the page tells the form, and the server refuses a second
      // try without a prompt before it reaches the gateway or takes a row.
      expect(await promptRequired()).toBe(true);
      const rowsBefore = (await db.select({ id: tasks.id }).from(tasks)).length;
      await expect(tasksLib.submitTask(request, strict.origin, LOCAL_USER)).rejects.toMatchObject({
        code: "prompt_required",
        field: "prompt",
      });
      expect(strictSeen.filter((line) => line.startsWith("POST"))).toHaveLength(1);
      expect((await db.select({ id: tasks.id }).from(tasks)).length).toBe(rowsBefore);

      // With a prompt, the second try goes through.
      const row = await tasksLib.submitTask(
        { ...request, prompt: "The portrait turns to the window" },
        origin,
        LOCAL_USER,
      );
      expect(row.status).toBe("queued");
    });
  });
}
