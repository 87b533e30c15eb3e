import { readFile } from "node:fs/promises";
import path from "node:path";
import type { VideoSize } from "@/lib/video-request";

/**
 * The finished "video": a real, playable H.264 MP4 per size tier, made with ffmpeg and kept
 * in ./assets (traced into the build by next.config.mjs), served with byte ranges so a
 * `<video>` can seek and a copier can resume.
 */

const ASSETS = path.join(process.cwd(), "lib/gateway/demo/assets");
const FILES: Record<VideoSize, string> = { "720P": "demo-720P.mp4", "1080P": "demo-1080P.mp4" };
const cache = new Map<VideoSize, Promise<Buffer>>();

export function loadSampleVideo(size: VideoSize): Promise<Buffer> {
  let file = cache.get(size);
  if (!file) {
    file = readFile(path.join(ASSETS, FILES[size] ?? FILES["720P"]));
    // A failed read is not cached: the next request tries again.
    file.catch(() => cache.delete(size));
    cache.set(size, file);
  }
  return file;
}

export type ByteRange = { start: number; end: number } | "unsatisfiable" | undefined;

/**
 * One `bytes=` range (RFC 9110 § 14.1.2). Undefined means "send it all": no header, a syntax
 * we ignore, or several ranges (allowed to be answered in full).
 */
export function parseRange(header: string | null, size: number): ByteRange {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

export function videoResponse(bytes: Buffer, rangeHeader: string | null): Response {
  const headers: Record<string, string> = {
    "Content-Type": "video/mp4",
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, no-store",
  };
  const range = parseRange(rangeHeader, bytes.length);
  if (range === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...headers, "Content-Range": `bytes */${bytes.length}` },
    });
  }
  const { start, end } = range ?? { start: 0, end: bytes.length - 1 };
  const body = new Uint8Array(bytes.subarray(start, end + 1));
  headers["Content-Length"] = String(body.byteLength);
  if (!range) return new Response(body, { status: 200, headers });
  headers["Content-Range"] = `bytes ${start}-${end}/${bytes.length}`;
  return new Response(body, { status: 206, headers });
}
