import { createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type MediaKind, mediaLimits } from "@/lib/video-request";
import { allowedMediaUrl, type MediaCheckOptions } from "./media-check";
import { type RenderInputs, renderDemoVideo } from "./render";
import type { DemoRequest } from "./validate";

/**
 * The demo's render queue: one render per task, started when the task is created and run in
 * the background while the task says "in progress" (handler.ts holds a task at its last stage
 * until its render is done). Finished renders are files under `dir` (DATA_DIR/demo-gateway/
 * renders/<id>.mp4), so they survive a restart; a render lost with its process is started
 * again by the next read. A render that fails leaves `<id>.failed` with the reason, and the
 * task fails with it, as the provider's would.
 *
 * Bounded: `concurrency` renders at a time (one per two cores by default; each gets two
 * ffmpeg threads), each killed after its deadline, its downloads and temporary files in a
 * folder removed on every path (and, for a process that died mid-render, at the next start).
 */

export type RenderStatus =
  | { state: "done"; finishedAt: Date }
  | { state: "rendering" }
  | { state: "failed"; message: string }
  | { state: "missing" };

export interface DemoRenderer {
  /** Queues the task's render unless it is done, failed or already on its way. */
  start(id: string, request: DemoRequest): void;
  status(id: string): RenderStatus;
  /** The finished video, or undefined. */
  read(id: string): Promise<Buffer | undefined>;
  /** Resolves when nothing is rendering or queued (tests, benches). */
  idle(): Promise<void>;
}

/** Runs work after the answer has gone (Next's `after()`); default: at once, not awaited. */
export type Schedule = (work: () => Promise<unknown>) => void;

export interface DemoRendererOptions {
  dir: string;
  fontFile: string;
  /** How media URLs are downloaded: the same allow-list as the create's checks. */
  media?: MediaCheckOptions;
  concurrency?: number;
  threads?: number;
  /** Per download (default 30 s). */
  downloadTimeoutMs?: number;
  /** Per render, on top of its downloads (default: renderDemoVideo's, from the length). */
  renderTimeoutMs?: number;
  /** Renders older than this are removed (the demo's result links die with them). */
  keepMs?: number;
  schedule?: Schedule;
  log?: (event: string, fields: Record<string, string | number | undefined>) => void;
}

const ID = /^[A-Za-z0-9_-]{1,80}$/;
const PRUNE_EVERY_MS = 3600 * 1000;

/** Why a render failed, in words safe to show (no paths, no ffmpeg output). */
export class RenderFailure extends Error {}

export function createDemoRenderer(options: DemoRendererOptions): DemoRenderer {
  const { dir } = options;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const schedule: Schedule = options.schedule ?? ((work) => void work());
  const running = new Set<string>();
  const queued: (() => void)[] = [];
  const finished = new Map<string, Date>();
  let active = 0;
  let waiters: (() => void)[] = [];
  let swept: Promise<void> | undefined;
  let prunedAt = 0;

  const videoFile = (id: string) => path.join(dir, `${id}.mp4`);
  const failureFile = (id: string) => path.join(dir, `${id}.failed`);

  /** Once per process: the folders of renders that died with an earlier process. */
  function sweepLeftovers(): Promise<void> {
    swept ??= (async () => {
      await mkdir(dir, { recursive: true });
      for (const name of await readdir(dir)) {
        if (name.startsWith(".job-"))
          await rm(path.join(dir, name), { recursive: true, force: true });
      }
    })().catch(() => undefined);
    return swept;
  }

  async function prune(): Promise<void> {
    if (!options.keepMs || Date.now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    const cutoff = Date.now() - options.keepMs;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!/\.(mp4|failed)$/.test(name)) continue;
      const file = path.join(dir, name);
      const seen = await stat(file).catch(() => undefined);
      if (seen && seen.mtimeMs < cutoff) {
        await rm(file, { force: true });
        finished.delete(name.replace(/\.(mp4|failed)$/, ""));
      }
    }
  }

  async function download(kind: MediaKind, url: string, to: string): Promise<void> {
    if (!(await allowedMediaUrl(url, options.media?.allow))) {
      throw new RenderFailure(`the ${kind.replace("_", " ")} URL may not be downloaded`);
    }
    const fetchImpl = options.media?.fetch ?? globalThis.fetch;
    const response = await fetchImpl(url, {
      signal: AbortSignal.timeout(options.downloadTimeoutMs ?? 30_000),
      redirect: "manual",
    }).catch(() => undefined);
    if (!response?.ok || !response.body) {
      await response?.body?.cancel().catch(() => {});
      throw new RenderFailure(`the ${kind.replace("_", " ")} could not be downloaded again`);
    }
    let total = 0;
    const cap = mediaLimits[kind].maxBytes;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap)
        body.destroy(new RenderFailure(`the ${kind.replace("_", " ")} is too large`));
    });
    await pipeline(body, createWriteStream(to));
  }

  async function render(id: string, request: DemoRequest): Promise<void> {
    await sweepLeftovers();
    const work = await mkdtemp(path.join(dir, `.job-${id}-`));
    const started = Date.now();
    try {
      const inputs: RenderInputs = {};
      const names: Record<MediaKind, keyof RenderInputs> = {
        first_frame: "firstFrame",
        last_frame: "lastFrame",
        first_clip: "firstClip",
        driving_audio: "drivingAudio",
      };
      for (const item of request.media) {
        const file = path.join(work, item.type);
        await download(item.type, item.url, file);
        inputs[names[item.type]] = file;
      }
      const output = path.join(work, "result.mp4");
      const result = await renderDemoVideo(
        inputs,
        {
          seconds: Number(request.seconds),
          size: request.size,
          prompt: request.prompt,
          seed: request.seed,
        },
        output,
        {
          fontFile: options.fontFile,
          threads: options.threads,
          timeoutMs: options.renderTimeoutMs,
        },
      );
      await rename(output, videoFile(id));
      finished.set(id, new Date());
      options.log?.("demo.render_done", {
        id,
        ms: Date.now() - started,
        ffmpegMs: result.wallMs,
        peakRssKb: result.peakRssKb,
        width: result.width,
        height: result.height,
      });
    } catch (error) {
      const reason =
        error instanceof RenderFailure
          ? error.message
          : "ffmpeg could not make a video from these inputs";
      options.log?.("demo.render_failed", {
        id,
        ms: Date.now() - started,
        error: error instanceof Error ? error.message.slice(0, 300) : "unknown",
      });
      await writeFile(failureFile(id), reason).catch(() => undefined);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Waits for a free slot (at most `concurrency` renders at once), in order of arrival. */
  function slot(): Promise<void> {
    if (active < concurrency) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => queued.push(resolve));
  }

  function release(): void {
    const next = queued.shift();
    if (next) next();
    else active--;
  }

  function status(id: string): RenderStatus {
    if (!ID.test(id)) return { state: "missing" };
    const known = finished.get(id);
    if (known) return { state: "done", finishedAt: known };
    if (running.has(id)) return { state: "rendering" };
    try {
      const seen = statSync(videoFile(id));
      finished.set(id, seen.mtime);
      return { state: "done", finishedAt: seen.mtime };
    } catch {}
    if (existsSync(failureFile(id))) {
      return { state: "failed", message: readFileSync(failureFile(id), "utf8").slice(0, 200) };
    }
    return { state: "missing" };
  }

  return {
    start(id, request) {
      if (!ID.test(id) || status(id).state !== "missing") return;
      running.add(id);
      // The whole wait is scheduled at once, inside the request that started it: under
      // Vercel's `after()` the function lives until its render is done.
      schedule(async () => {
        await slot();
        try {
          await prune().catch(() => undefined);
          await render(id, request);
        } finally {
          running.delete(id);
          release();
          if (running.size === 0) {
            for (const wake of waiters) wake();
            waiters = [];
          }
        }
      });
    },
    status,
    async read(id) {
      if (!ID.test(id)) return undefined;
      return readFile(videoFile(id)).catch(() => undefined);
    },
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
