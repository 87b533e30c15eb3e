/**
 * The bad-input corpus: every way a file or a request can be wrong that we know of, each with
 * the sentence the person reads and proof that nothing was left behind (no stored file, no
 * media row, no task row). Files are made at run time (ffmpeg + a few hand-made bytes) in a
 * temp folder; uploads go through the real route handler with the file as a streamed body.
 * Each uploaded file is also put through the browser's drop check (components/studio/
 * inspect-file.ts) with ffprobe standing in for the browser's decoders: where the browser
 * refuses, it must say exactly what the server says.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/media/[id]/route";
import { POST } from "@/app/api/uploads/route";
import { inspectMedia, type LocalProbe } from "@/components/studio/inspect-file";
import { LOCAL_USER } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { media, tasks } from "@/lib/db/schema";
import { signMediaUrl } from "@/lib/storage/signing";
import { submitTask, TaskError } from "@/lib/tasks";
import {
  fieldErrorsOf,
  type MediaKind,
  mediaKinds,
  type VideoRequest,
  videoRequestSchema,
} from "@/lib/video-request";
import { proxy } from "@/proxy";
import { filesUnder, fixture, makePng, wavHeader, withFreshDataDir } from "./test-media.mock";

const dataDir = withFreshDataDir("wan-corpus-");
const storageDir = path.join(dataDir, "media");
const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-corpus-files-"));
const ORIGIN = "http://127.0.0.1:3000";
const MB = 1024 * 1024;

/** Runs ffmpeg quietly and returns the file it wrote. */
function ffmpeg(name: string, args: string[]): Buffer {
  const out = path.join(workDir, name);
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, out]);
  return readFileSync(out);
}

const lavfi = (source: string) => ["-f", "lavfi", "-i", source];
const image = (name: string, w: number, h: number, extra: string[] = []) =>
  ffmpeg(name, [...lavfi(`testsrc2=size=${w}x${h}:duration=1`), "-frames:v", "1", ...extra]);
const tone = (name: string, seconds: number, extra: string[] = []) =>
  ffmpeg(name, [
    ...lavfi(`sine=frequency=440:sample_rate=8000:duration=${seconds}`),
    "-ac",
    "1",
    ...extra,
  ]);
const clip = (name: string, w: number, h: number, seconds: number, extra: string[] = []) =>
  ffmpeg(name, [
    ...lavfi(`testsrc2=size=${w}x${h}:rate=8:duration=${seconds}`),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "40",
    "-pix_fmt",
    "yuv420p",
    "-movflags",
    "+faststart",
    ...extra,
  ]);

/**
 * `bytes` (an MP4 whose moov comes last, as ffmpeg writes it without faststart) with a `free`
 * box of `extra` bytes added inside its moov: still a playable file, with a bloated index.
 */
function withBloatedMoov(bytes: Buffer, extra: number): Buffer {
  let at = 0;
  while (bytes.toString("latin1", at + 4, at + 8) !== "moov") at += bytes.readUInt32BE(at);
  const size = bytes.readUInt32BE(at);
  const free = Buffer.alloc(extra);
  free.writeUInt32BE(extra, 0);
  free.write("free", 4, "latin1");
  const moov = Buffer.concat([bytes.subarray(at, at + size), free]);
  moov.writeUInt32BE(size + extra, 0);
  return Buffer.concat([bytes.subarray(0, at), moov, bytes.subarray(at + size)]);
}

function cut(bytes: Buffer, keep: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * keep)));
}

/** An upload body that never ends by itself: `head`, then zeros, `chunk` bytes at a time. */
function endless(head: Buffer, chunk = 256 * 1024): ReadableStream<Uint8Array> {
  let first = true;
  const zeros = new Uint8Array(chunk);
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(first ? new Uint8Array(head) : zeros);
      first = false;
    },
  });
}

function streamOf(bytes: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + 64 * 1024)));
      offset += 64 * 1024;
    },
  });
}

async function postUpload(
  kind: string,
  body: ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; message: string; id?: string }> {
  const request = new Request(`${ORIGIN}/api/uploads?kind=${kind}`, {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);
  const response = await POST(request);
  const json = await response.json();
  return { status: response.status, message: json.error?.message ?? "", id: json.media?.id };
}

/** What the browser's decoders would report, measured by ffprobe. */
function ffprobe(bytes: Buffer): LocalProbe | null {
  const file = path.join(workDir, "probe.bin");
  writeFileSync(file, bytes);
  try {
    const out = execFileSync(
      "ffprobe",
      ["-v", "error", "-show_streams", "-show_format", "-of", "json", file],
      { encoding: "utf8" },
    );
    const info = JSON.parse(out) as {
      streams?: { codec_type: string; width?: number; height?: number }[];
      format?: { duration?: string };
    };
    const video = info.streams?.find((stream) => stream.codec_type === "video");
    const seconds = Number(info.format?.duration);
    return {
      width: video?.width,
      height: video?.height,
      durationSeconds: Number.isFinite(seconds) ? seconds : undefined,
    };
  } catch {
    return null;
  }
}

function browserVerdict(kind: MediaKind, bytes: Buffer): Promise<string | null> {
  const measured = async () => ffprobe(bytes);
  return inspectMedia(
    kind,
    bytes.length,
    async (start, end) => new Uint8Array(bytes.subarray(start, end)),
    { image: measured, audio: measured, video: measured },
  ).then((inspection) => inspection.problem);
}

type Outcome = { status: number | string; message: string };

interface Row {
  name: string;
  /** How the input is made, for a reader of the table. */
  how: string;
  kind: string;
  expect: { status: number | string; message: RegExp };
  /** The bytes of a file to upload; null: the row builds its own request in `run`. */
  file?: () => Buffer;
  run?: () => Promise<Outcome>;
  /** The browser cannot see this problem at the drop (the server's check stays the guard). */
  serverOnly?: true;
}

// Media stored for the request rows (submitTask), made in beforeAll.
const stored: Partial<Record<"frame" | "clip", string>> = {};

async function submit(input: unknown): Promise<Outcome> {
  // The server action's path: the rulebook first, then the use case (see app/actions.ts).
  const parsed = videoRequestSchema.safeParse(input);
  if (!parsed.success) {
    const errors = Object.values(fieldErrorsOf(parsed.error)).flat();
    return { status: "invalid_request", message: errors.join(" ") };
  }
  try {
    await submitTask(parsed.data as VideoRequest, LOCAL_USER);
    return { status: "submitted", message: "" };
  } catch (error) {
    if (error instanceof TaskError) return { status: error.code, message: error.message };
    throw error;
  }
}

const request = (media: { type: MediaKind; mediaId: string }[], seconds = 5) => ({
  media,
  seconds,
  size: "720P",
});

/**
 * A create sent to the app's own demo gateway (its key is public) asking it to download `url`
 * as a first frame: what an outsider probing with it would get back.
 */
async function demoCreate(url: string): Promise<Outcome> {
  const { demoGateway } = await import("@/lib/gateway/demo");
  const response = await demoGateway.create(
    new Request(`${ORIGIN}/api/demo-gateway/v1/videos`, {
      method: "POST",
      headers: { Authorization: "Bearer wan-studio-demo", "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "wan2.7-i2v",
        media: [{ type: "first_frame", url }],
        seconds: "5",
        size: "720P",
      }),
    }),
  );
  const json = (await response.json()) as { message?: string };
  return { status: response.status, message: json.message ?? "" };
}

const NOT_OURS =
  /^InvalidParameter: The first frame URL is not a media link this gateway may download \(only the studio's own signed links are\)\.$/;

async function getMedia(id: string, query?: string): Promise<Outcome & { type: string | null }> {
  const url = query ?? signMediaUrl(ORIGIN, id);
  const response = await GET(new Request(url.startsWith("http") ? url : `${ORIGIN}${url}`), {
    params: Promise.resolve({ id }),
  });
  const json = await response.json();
  return {
    status: response.status,
    message: json.error?.message ?? "",
    type: response.headers.get("content-type"),
  };
}

/**
 * An address as the server receives it, through proxy.ts (which runs before Next matches a
 * route: where a broken %-escape used to become a 500).
 */
async function getPath(pathname: string): Promise<Outcome> {
  const response = await proxy(new NextRequest(`${ORIGIN}${pathname}`));
  const json = await response.json();
  return { status: response.status, message: json.error?.message ?? json.message ?? "" };
}

const someId = "5b0f3a3e-8c3d-4d7a-9f1e-2a6b7c8d9e0f";
const clipFixture = () => fixture("clip.mp4");

const corpus: Row[] = [
  // ── wrong bytes for the slot ────────────────────────────────────────────────────────
  {
    name: "plain text named .png",
    how: "printf text > x.png",
    kind: "first_frame",
    file: () => fixture("not-an-image.png"),
    expect: { status: 415, message: /^This file is not an image in a format we recognise\./ },
  },
  {
    name: "HTML named .png",
    how: "an HTML page with a script",
    kind: "first_frame",
    file: () => Buffer.from("<!doctype html><html><script>alert(1)</script></html>\n"),
    expect: { status: 415, message: /^This file is not an image in a format we recognise\./ },
  },
  {
    name: "SVG named .png",
    how: "an SVG document (scriptable: never served as an image)",
    kind: "last_frame",
    file: () =>
      Buffer.from(
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="480" height="640"><script>alert(1)</script></svg>',
      ),
    expect: { status: 415, message: /^This file is an XML, not an image\. Last frame takes/ },
  },
  {
    name: "SVG without a prolog, named .png",
    how: "an <svg> element alone",
    kind: "first_frame",
    file: () =>
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="9" height="9"/>',
      ),
    expect: { status: 415, message: /^This file is not an image in a format we recognise\./ },
  },
  {
    name: "MP4 named .mp3",
    how: "ffmpeg testsrc2 → H.264 MP4, as driving audio",
    kind: "driving_audio",
    file: clipFixture,
    expect: { status: 415, message: /^This file is an MP4, not an audio file\. Driving audio/ },
  },
  {
    name: "PDF header",
    how: "%PDF-1.7 and padding",
    kind: "last_frame",
    file: () => Buffer.concat([Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), Buffer.alloc(2000, 32)]),
    expect: { status: 415, message: /^This file is a PDF, not an image\. Last frame takes/ },
  },
  {
    name: "GIF image",
    how: "ffmpeg testsrc2 → GIF",
    kind: "first_frame",
    file: () => image("x.gif", 320, 240),
    expect: { status: 415, message: /^This file is a GIF image\. First frame takes/ },
  },
  {
    name: "WAV in an image slot",
    how: "ffmpeg sine → WAV, as first frame",
    kind: "first_frame",
    file: () => tone("in-image.wav", 3),
    expect: { status: 415, message: /^This file is a WAV, not an image\./ },
  },
  {
    name: "PNG in the clip slot",
    how: "ffmpeg testsrc2 → PNG, as first clip",
    kind: "first_clip",
    file: () => image("as-clip.png", 480, 480),
    expect: { status: 415, message: /^This file is a PNG, not a video\. First clip takes/ },
  },
  {
    name: "MP3 in the clip slot",
    how: "ffmpeg sine → MP3, as first clip",
    kind: "first_clip",
    file: () => tone("as-clip.mp3", 3, ["-c:a", "libmp3lame"]),
    expect: { status: 415, message: /^This file is an MP3, not a video\./ },
  },
  {
    name: "zero bytes",
    how: "an empty body",
    kind: "first_frame",
    file: () => Buffer.alloc(0),
    expect: { status: 422, message: /^This file is empty \(0 bytes\)\./ },
  },
  // ── cut short or damaged ───────────────────────────────────────────────────────────
  {
    name: "truncated PNG",
    how: "the first half of a 480×640 PNG",
    kind: "first_frame",
    file: () => cut(image("whole.png", 480, 640), 0.5),
    expect: { status: 422, message: /^First frame: this picture is damaged or cut short/ },
  },
  {
    name: "PNG cut inside its header",
    how: "the first 20 bytes of a PNG",
    kind: "first_frame",
    file: () => Buffer.from(fixture("portrait.png").subarray(0, 20)),
    expect: { status: 422, message: /^First frame: this picture is damaged or cut short/ },
  },
  {
    name: "truncated JPEG",
    how: "the first half of a 1280×720 JPEG",
    kind: "last_frame",
    file: () => cut(fixture("landscape.jpg"), 0.5),
    expect: { status: 422, message: /^Last frame: this picture is damaged or cut short/ },
  },
  {
    name: "truncated MP4",
    how: "the first half of a 3 s clip (moov first)",
    kind: "first_clip",
    file: () => cut(clipFixture(), 0.5),
    expect: { status: 422, message: /^First clip: this video is damaged or cut short/ },
  },
  {
    name: "MP4 with a damaged moov",
    how: "a clip with 400 bytes of its moov box overwritten",
    kind: "first_clip",
    file: () => {
      const bytes = Buffer.from(clipFixture());
      const moov = bytes.indexOf("moov");
      bytes.fill(0xff, moov + 8, moov + 400);
      return bytes;
    },
    serverOnly: true,
    expect: { status: 422, message: /^First clip: this video is damaged or cut short/ },
  },
  {
    name: "MP4 header only",
    how: "the first 40 bytes of a clip",
    kind: "first_clip",
    file: () => Buffer.from(clipFixture().subarray(0, 40)),
    expect: { status: 422, message: /^First clip: this video is damaged or cut short/ },
  },
  {
    name: "MP4 with an oversized index",
    how: "a 3 s clip (moov last) whose moov box carries 2.5 MB of padding",
    kind: "first_clip",
    file: () =>
      withBloatedMoov(
        ffmpeg("moov-last.mp4", [
          ...lavfi("testsrc2=size=320x240:rate=8:duration=3"),
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-pix_fmt",
          "yuv420p",
        ]),
        2.5 * MB,
      ),
    // Players read such a file fine: only the server bounds what it holds in memory.
    serverOnly: true,
    expect: {
      status: 422,
      message:
        /^First clip: this video's index \(its moov box\) is larger than 2 MB, far more than a 2–10 s clip needs\. Export it again without extra metadata\.$/,
    },
  },
  {
    name: "truncated WAV",
    how: "a 3 s WAV cut to 40% (its header still says 3 s): it plays 1.2 s",
    kind: "driving_audio",
    file: () => cut(tone("whole.wav", 3), 0.4),
    expect: { status: 422, message: /^Driving audio is 1\.1 s long; use 2–30 s\.$/ },
  },
  {
    name: "truncated MP3",
    how: "the first 20% of a 3.1 s MP3 (its Info header still says 3.1 s): 15 frames, 0.54 s",
    kind: "driving_audio",
    file: () => cut(fixture("voice.mp3"), 0.2),
    // Decoders (ffprobe here, browsers too) take the Info header's length: only the server
    // counts the frames that arrived.
    serverOnly: true,
    expect: { status: 422, message: /^Driving audio is 0\.5 s long; use 2–30 s\.$/ },
  },
  {
    name: "audio-only MP4 as a clip",
    how: "ffmpeg sine → AAC in MP4",
    kind: "first_clip",
    file: () => tone("audio-only.mp4", 3, ["-c:a", "aac"]),
    serverOnly: true,
    expect: { status: 422, message: /^First clip: this file has no video track/ },
  },
  // ── outside the model's limits ─────────────────────────────────────────────────────
  {
    name: "100×100 image",
    how: "ffmpeg testsrc2 100×100 PNG",
    kind: "first_frame",
    file: () => image("small.png", 100, 100),
    expect: { status: 422, message: /^The first frame is 100×100 px; each side must be at least/ },
  },
  {
    name: "9000×300 image",
    how: "ffmpeg testsrc2 9000×300 PNG",
    kind: "last_frame",
    file: () => image("wide.png", 9000, 300),
    expect: {
      status: 422,
      message: /^The last frame is 9000×300 px; each side must be at most 8000/,
    },
  },
  {
    name: "1:9 image",
    how: "ffmpeg testsrc2 240×2200 JPEG",
    kind: "first_frame",
    file: () => image("tall.jpg", 240, 2200),
    expect: {
      status: 422,
      message: /^The first frame is 240×2200 px, 9\.2 times longer than wide; .* Crop it closer/,
    },
  },
  {
    name: "PNG with alpha",
    how: "ffmpeg testsrc2 → RGBA PNG",
    kind: "first_frame",
    file: () => image("alpha.png", 480, 640, ["-pix_fmt", "rgba"]),
    expect: { status: 422, message: /^The first frame is a PNG with transparency/ },
  },
  {
    name: "palette PNG with tRNS",
    how: "a palette PNG header with a tRNS chunk",
    kind: "last_frame",
    file: () => makePng(480, 640, { colourType: 3, trns: true }),
    serverOnly: true,
    expect: { status: 422, message: /^The last frame is a PNG with transparency/ },
  },
  {
    name: "1 s audio",
    how: "ffmpeg sine 1 s → WAV",
    kind: "driving_audio",
    file: () => tone("short.wav", 1),
    expect: { status: 422, message: /^Driving audio is 1\.0 s long; use 2–30 s\.$/ },
  },
  {
    name: "35 s audio",
    how: "ffmpeg sine 35 s, 8 kHz mono → MP3 32 kbit/s",
    kind: "driving_audio",
    file: () => tone("long.mp3", 35, ["-c:a", "libmp3lame", "-b:a", "32k"]),
    expect: { status: 422, message: /^Driving audio is 35\.\d s long; use 2–30 s\.$/ },
  },
  {
    name: "1 s clip",
    how: "ffmpeg testsrc2 1 s 320×240",
    kind: "first_clip",
    file: () => clip("short.mp4", 320, 240, 1),
    expect: { status: 422, message: /^The first clip is 1\.0 s long; use 2–10 s\.$/ },
  },
  {
    name: "11 s clip",
    how: "ffmpeg testsrc2 11 s 320×240, 8 fps",
    kind: "first_clip",
    file: () => clip("long.mp4", 320, 240, 11),
    expect: { status: 422, message: /^The first clip is 11\.0 s long; use 2–10 s\.$/ },
  },
  {
    name: "200×200 clip",
    how: "ffmpeg testsrc2 3 s 200×200",
    kind: "first_clip",
    file: () => clip("small.mp4", 200, 200, 3),
    expect: {
      status: 422,
      message: /^The first clip is 200×200 px; each side must be at least 240/,
    },
  },
  // ── too big ────────────────────────────────────────────────────────────────────────
  {
    name: "Content-Length over the limit",
    how: "a 101 MB Content-Length on a body that never ends (refused unread)",
    kind: "first_clip",
    run: () =>
      postUpload("first_clip", endless(clipFixture()), { "Content-Length": String(101 * MB) }),
    expect: { status: 413, message: /^The first clip is 101 MB; the limit is 100 MB\./ },
  },
  {
    name: "streamed body over the limit",
    how: "a WAV header and 15 MB+ of zeros, no Content-Length",
    kind: "driving_audio",
    run: () => postUpload("driving_audio", endless(wavHeader(3000))),
    expect: {
      status: 413,
      message: /^This file is larger than 15 MB, the limit for driving audio/,
    },
  },
  {
    name: "body shorter than its Content-Length",
    how: "a PNG sent with Content-Length 10 bytes too high",
    kind: "first_frame",
    run: () => {
      const bytes = fixture("portrait.png");
      return postUpload("first_frame", streamOf(bytes), {
        "Content-Length": String(bytes.length + 10),
      });
    },
    expect: { status: 422, message: /^The upload ended early/ },
  },
  {
    name: "unknown upload kind",
    how: "?kind=poster",
    kind: "poster",
    file: () => fixture("portrait.png"),
    expect: { status: 400, message: /^Unknown upload kind; use one of first_frame, / },
  },
  // ── requests (the server action's path) ────────────────────────────────────────────
  {
    name: "unknown media id",
    how: "a media id that is not an id",
    kind: "first_frame",
    run: () => submit(request([{ type: "first_frame", mediaId: "not-a-media-id" }])),
    expect: {
      status: "media_not_found",
      message: /^First frame: this file is no longer available/,
    },
  },
  {
    name: "foreign media id",
    how: "a well-formed id this app never stored",
    kind: "first_frame",
    run: () => submit(request([{ type: "first_frame", mediaId: someId }])),
    expect: {
      status: "media_not_found",
      message: /^First frame: this file is no longer available/,
    },
  },
  {
    name: "path in a media id",
    how: "../../etc/passwd as a media id",
    kind: "first_frame",
    run: () => submit(request([{ type: "first_frame", mediaId: "../../etc/passwd" }])),
    expect: { status: "media_not_found", message: /no longer available\. Drop it again\.$/ },
  },
  {
    name: "wrong-kind media id",
    how: "a stored first frame sent as the last frame",
    kind: "last_frame",
    run: () =>
      submit(
        request([
          { type: "first_frame", mediaId: stored.frame as string },
          { type: "last_frame", mediaId: stored.frame as string },
        ]),
      ),
    expect: {
      status: "media_wrong_kind",
      message: /^Last frame: this file was uploaded as first frame\. Drop it into the last frame/,
    },
  },
  {
    name: "duration shorter than the clip",
    how: "a stored 3 s clip with seconds = 2",
    kind: "first_clip",
    run: () => submit(request([{ type: "first_clip", mediaId: stored.clip as string }], 2)),
    expect: {
      status: "invalid_duration",
      message: /^The duration includes the 3\.0 s first clip: choose at least 3 seconds\.$/,
    },
  },
  {
    name: "a combination the model refuses",
    how: "first clip + first frame",
    kind: "first_clip",
    run: () =>
      submit(
        request([
          { type: "first_clip", mediaId: stored.clip as string },
          { type: "first_frame", mediaId: stored.frame as string },
        ]),
      ),
    expect: { status: "invalid_request", message: /^Use a first frame or a first clip, not both/ },
  },
  {
    name: "duration over 15 s",
    how: "seconds = 16",
    kind: "first_frame",
    run: () => submit(request([{ type: "first_frame", mediaId: stored.frame as string }], 16)),
    expect: { status: "invalid_request", message: /^The duration is at most 15 seconds\.$/ },
  },
  // ── the demo gateway: a public key, so it downloads only links this app signed ───────
  {
    name: "demo gateway: a foreign URL",
    how: "create with a first frame at another host (a port scan, a cloud metadata address)",
    kind: "demo_gateway",
    run: () => demoCreate("http://169.254.169.254/latest/meta-data/"),
    expect: { status: 400, message: NOT_OURS },
  },
  {
    name: "demo gateway: our signed link at a forged host",
    how: "a correctly signed /api/media link whose host is not this app's",
    kind: "demo_gateway",
    run: () => {
      const link = new URL(signMediaUrl(ORIGIN, stored.frame as string));
      link.host = "127.0.0.1:1";
      return demoCreate(link.href);
    },
    expect: { status: 400, message: NOT_OURS },
  },
  {
    name: "demo gateway: our link with a bad signature",
    how: "this app's /api/media path for a stored id, signed for another id",
    kind: "demo_gateway",
    run: () => {
      const other = new URL(signMediaUrl(ORIGIN, someId));
      return demoCreate(`${ORIGIN}/api/media/${stored.frame}${other.search}`);
    },
    expect: { status: 400, message: NOT_OURS },
  },
  // ── the media route: ids that are paths, signatures that are not ────────────────────
  {
    name: "encoded path traversal",
    how: "GET /api/media/..%2F..%2Fetc%2Fpasswd",
    kind: "media",
    run: () => getMedia("../../etc/passwd", "/api/media/..%2F..%2Fetc%2Fpasswd?exp=1&sig=x"),
    expect: { status: 404, message: /^No such media\.$/ },
  },
  {
    name: "broken %-escape in a media path",
    how: "GET /api/media/%E0%A4%A (a UTF-8 sequence cut short)",
    kind: "media",
    run: () => getPath("/api/media/%E0%A4%A?exp=1&sig=x"),
    expect: { status: 400, message: /^This address is broken \(a %-escape in it is not valid\)/ },
  },
  {
    name: "broken %-escape in a task path",
    how: "GET /api/tasks/%E0%A4%A/video",
    kind: "media",
    run: () => getPath("/api/tasks/%E0%A4%A/video"),
    expect: { status: 400, message: /^This address is broken \(a %-escape in it is not valid\)/ },
  },
  {
    name: "dot-dot id",
    how: "GET /api/media/.. with a signature made for '..'",
    kind: "media",
    run: () => getMedia("..", signMediaUrl(ORIGIN, "..")),
    expect: { status: 404, message: /^No such media\.$/ },
  },
  {
    name: "id with a slash",
    how: "GET /api/media/<id>%2Fx, signed",
    kind: "media",
    run: () => getMedia(`${stored.frame}/x`, signMediaUrl(ORIGIN, `${stored.frame}/x`)),
    expect: { status: 404, message: /^No such media\.$/ },
  },
  {
    name: "valid id, bad signature",
    how: "a stored id with another id's signature",
    kind: "media",
    run: () => {
      const other = new URL(signMediaUrl(ORIGIN, someId));
      return getMedia(stored.frame as string, `/api/media/${stored.frame}${other.search}`);
    },
    expect: { status: 403, message: /^This media link is invalid or has expired\.$/ },
  },
  {
    name: "expired signature",
    how: "a stored id signed to expire an hour ago",
    kind: "media",
    run: () =>
      getMedia(
        stored.frame as string,
        signMediaUrl(ORIGIN, stored.frame as string, {
          ttlSeconds: 60,
          now: Date.now() - 3600_000,
        }),
      ),
    expect: { status: 403, message: /^This media link is invalid or has expired\.$/ },
  },
  {
    name: "signed but never stored",
    how: "a correctly signed URL for an id this app never stored",
    kind: "media",
    run: () => getMedia(someId),
    expect: { status: 404, message: /^No such media\.$/ },
  },
];

/** Files that are fine: the corpus's controls (they must be stored, then are removed). */
const controls: { name: string; kind: MediaKind; file: () => Buffer; mime: string }[] = [
  { name: "WEBP", kind: "first_frame", file: () => image("ok.webp", 640, 480), mime: "image/webp" },
  { name: "BMP", kind: "last_frame", file: () => image("ok.bmp", 640, 480), mime: "image/bmp" },
  {
    name: "MOV",
    kind: "first_clip",
    file: () => clip("ok.mov", 320, 240, 3, ["-f", "mov"]),
    mime: "video/quicktime",
  },
  { name: "MP3", kind: "driving_audio", file: () => fixture("voice.mp3"), mime: "audio/mpeg" },
];

interface Snapshot {
  files: string[];
  media: string[];
  tasks: string[];
}

async function snapshot(): Promise<Snapshot> {
  const db = await getDb();
  const mediaIds = (await db.select({ id: media.id }).from(media)).map((row) => row.id);
  const taskIds = (await db.select({ id: tasks.id }).from(tasks)).map((row) => row.id);
  return { files: filesUnder(storageDir).sort(), media: mediaIds.sort(), tasks: taskIds.sort() };
}

beforeAll(async () => {
  await getDb();
  for (const [key, kind, bytes] of [
    ["frame", "first_frame", fixture("portrait.png")],
    ["clip", "first_clip", fixture("clip.mp4")],
  ] as const) {
    const result = await postUpload(kind, streamOf(bytes));
    expect(result.status).toBe(201);
    stored[key] = result.id;
  }
}, 120_000);

afterAll(() => {
  expect(corpus.length).toBeGreaterThanOrEqual(30);
});

describe("bad-input corpus: a clear sentence, nothing left behind", () => {
  it.each(corpus.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const before = await snapshot();
    const bytes = row.file?.();
    const outcome = bytes
      ? await postUpload(row.kind, streamOf(bytes), { "Content-Length": String(bytes.length) })
      : await (row.run as () => Promise<Outcome>)();
    expect({ status: outcome.status }, row.how).toEqual({ status: row.expect.status });
    expect(outcome.message, row.how).toMatch(row.expect.message);
    expect(await snapshot(), "nothing stored, no rows").toEqual(before);

    if (bytes && (mediaKinds as readonly string[]).includes(row.kind)) {
      const browser = await browserVerdict(row.kind as MediaKind, bytes);
      if (row.serverOnly) {
        // The browser lets it through (or names it the same way): the server refuses it.
        if (browser !== null) expect(browser).toBe(outcome.message);
      } else {
        expect(browser, "the drop check refuses it in the server's words").toBe(outcome.message);
      }
    }
  });

  it.each(controls.map((control) => [control.name, control] as const))(
    "control: a good %s is stored, served as itself with nosniff, and passes the drop check",
    async (_name, control) => {
      const bytes = control.file();
      expect(await browserVerdict(control.kind, bytes)).toBeNull();
      const before = await snapshot();
      const result = await postUpload(control.kind, streamOf(bytes));
      expect(result).toMatchObject({ status: 201, message: "" });
      const id = result.id as string;
      const response = await GET(new Request(signMediaUrl(ORIGIN, id)), {
        params: Promise.resolve({ id }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(control.mime);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await snapshot()).files).toHaveLength(before.files.length + 1);
    },
  );

  it("never serves stored media as HTML or SVG", async () => {
    const db = await getDb();
    const rows = await db.select().from(media);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const response = await GET(new Request(signMediaUrl(ORIGIN, row.id)), {
        params: Promise.resolve({ id: row.id }),
      });
      const type = response.headers.get("content-type") ?? "";
      expect(type).toBe(row.mimeType);
      expect(type).not.toMatch(/html|svg|xml|text/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      await response.body?.cancel();
    }
  });
});
