import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Running the ffmpeg of @ffmpeg-installer (a static binary inside an npm package, so it works
 * on a fresh machine and on Vercel without a system ffmpeg), bounded: a deadline after which
 * the process is killed, a thread count, and only the tail of its stderr kept. No
 * `server-only` here: the bench bundles these modules to time them outside Next.
 *
 * That binary is a 2018 build (ffmpeg 4.1): no `xfade`, no `-update` on every muxer; it has
 * libx264, aac, zoompan, and drawtext with libfreetype (which needs a font file: we ship one).
 */

/**
 * The installer's binary. Required from the project root at run time rather than imported:
 * the bundler traces an import (even a dynamic one) into every function whose code can reach
 * this file, and through the instrumentation hook, whose trace Vercel adds to every function,
 * that put the 65 MB binary into all of them. next.config.mjs traces it into the routes that
 * run it.
 */
export function ffmpegBinary(): string {
  const require = createRequire(path.join(process.cwd(), "package.json"));
  const installer = require(FFMPEG_INSTALLER) as { path: string };
  return installer.path;
}
const FFMPEG_INSTALLER = "@ffmpeg-installer/ffmpeg";

export async function ffmpegPath(): Promise<string> {
  return ffmpegBinary();
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    /** The last lines ffmpeg wrote (for logs; never shown to a browser as is). */
    readonly stderr: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export interface FfmpegRun {
  /** The tail of what ffmpeg wrote to stderr. */
  stderr: string;
  /** Its peak resident memory in KiB (Linux, sampled from /proc; 0 elsewhere). */
  peakRssKb: number;
  wallMs: number;
}

export interface FfmpegOptions {
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  cwd?: string;
  signal?: AbortSignal;
  /** Accept these exit codes too (`ffmpeg -i file` with no output exits 1 by design). */
  okCodes?: number[];
  /** How often to sample its memory (0: not at all). */
  rssSampleMs?: number;
  /** Called with the output's time reached so far (ffmpeg's `-progress`), in seconds. */
  onProgress?: (seconds: number) => void;
}

const STDERR_KEEP = 16 * 1024;

/** VmHWM (peak RSS) of a live process, in KiB, or 0. */
async function peakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "latin1");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function runFfmpeg(args: string[], options: FfmpegOptions): Promise<FfmpegRun> {
  const bin = await ffmpegPath();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const progress = options.onProgress;
    const child = spawn(
      bin,
      ["-hide_banner", "-nostdin", ...(progress ? ["-progress", "pipe:1"] : []), ...args],
      { cwd: options.cwd, stdio: ["ignore", progress ? "pipe" : "ignore", "pipe"] },
    );
    if (progress && child.stdout) {
      // key=value lines; out_time_ms is in microseconds despite its name.
      let pending = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          const match = /^out_time_ms=(\d+)/.exec(line);
          if (match) progress(Number(match[1]) / 1e6);
        }
      });
    }
    let stderr = "";
    let peak = 0;
    let timedOut = false;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    const sampleMs = options.rssSampleMs ?? 100;
    const sampler =
      sampleMs > 0 && child.pid !== undefined && process.platform === "linux"
        ? setInterval(async () => {
            peak = Math.max(peak, await peakRss(child.pid as number));
          }, sampleMs)
        : undefined;
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", kill, { once: true });
    const done = () => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      options.signal?.removeEventListener("abort", kill);
    };
    child.on("error", (error) => {
      done();
      reject(new FfmpegError(`ffmpeg could not start: ${error.message}`, stderr));
    });
    child.on("close", (code, signal) => {
      done();
      const wallMs = Date.now() - started;
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
        return resolve({ stderr, peakRssKb: peak, wallMs });
      }
      if (timedOut) {
        return reject(
          new FfmpegError(`ffmpeg took longer than ${options.timeoutMs} ms`, stderr, true),
        );
      }
      const why = signal ? `was stopped (${signal})` : `failed (exit ${code})`;
      const last = stderr.trim().split("\n").at(-1) ?? "";
      reject(new FfmpegError(`ffmpeg ${why}: ${last}`, stderr));
    });
  });
}

export interface MediaFacts {
  width?: number;
  height?: number;
  /** The container's duration, when it states one. */
  seconds?: number;
  /** The first video stream's frame rate, when it states one. */
  fps?: number;
  hasVideo: boolean;
  hasAudio: boolean;
}

/**
 * What ffmpeg itself reads from a file's header (`ffmpeg -i file`): the first video stream's
 * size, the duration, and which kinds of stream there are. Used on files the app already
 * checked (lib/media/probe.ts), to plan a render, not to judge them.
 */
export async function readMediaFacts(file: string, timeoutMs = 15_000): Promise<MediaFacts> {
  const { stderr } = await runFfmpeg(["-i", file], { timeoutMs, okCodes: [1], rssSampleMs: 0 });
  const video = /Stream #[^\n]*?: Video: [^\n]*?(\d{2,5})x(\d{2,5})/.exec(stderr);
  const duration = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  const rotation = /rotate\s*:\s*(-?\d+)/.exec(stderr);
  const fps = video
    ? /, (\d+(?:\.\d+)?) fps/.exec(video.input.slice(video.index).split("\n")[0])
    : null;
  let width = video ? Number(video[1]) : undefined;
  let height = video ? Number(video[2]) : undefined;
  // ffmpeg turns a rotated phone video upright when it decodes it (autorotate).
  if (rotation && Math.abs(Number(rotation[1])) % 180 === 90) [width, height] = [height, width];
  return {
    width,
    height,
    seconds: duration
      ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
      : undefined,
    fps: fps ? Number(fps[1]) : undefined,
    hasVideo: video !== null,
    hasAudio: /Stream #[^\n]*?: Audio: /.test(stderr),
  };
}
