import path from "node:path";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { media } from "@/lib/db/schema";
import { getStorage } from "@/lib/storage";
import type { MediaKind } from "@/lib/video-request";
import { MediaRejectedError } from "./errors";
import { getMediaRow, getMediaRows, ingestUpload } from "./ingest";
import {
  chunked,
  filesUnder,
  fixture,
  generatedUpload,
  makePng,
  makeWav,
  wavHeader,
  withFreshDataDir,
} from "./test-media.mock";

const dataDir = withFreshDataDir("wan-ingest-");
const storageDir = path.join(dataDir, "media");

async function rowCount(): Promise<number> {
  const db = await getDb();
  return (await db.select({ id: media.id }).from(media)).length;
}

/** Uploads `body` as `kind` and returns the refusal, failing the test if it was accepted. */
async function refusal(
  kind: MediaKind,
  body: Buffer | Readable,
  extra: { declaredSize?: number; maxBytes?: number } = {},
): Promise<MediaRejectedError> {
  const before = await rowCount();
  const error = await ingestUpload(
    {
      kind,
      body: Buffer.isBuffer(body) ? chunked(body) : body,
      declaredName: "x",
      declaredSize: extra.declaredSize,
    },
    { maxBytes: extra.maxBytes },
  ).then(
    () => {
      throw new Error("accepted, expected a refusal");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaRejectedError);
  // Nothing left behind: no stored object, no temp file, no row.
  expect(filesUnder(storageDir)).toEqual([]);
  expect(await rowCount()).toBe(before);
  return error as MediaRejectedError;
}

const accepted: string[] = [];

// The first open of an embedded database runs initdb and the migrations: slow on a busy CI box.
beforeAll(async () => {
  await getDb();
}, 120_000);

afterEach(async () => {
  // Keep each test's storage check exact: remove what the accepting tests stored.
  const db = await getDb();
  for (const id of accepted.splice(0)) {
    const row = await getMediaRow(id);
    if (row) await getStorage().delete(row.storageKey);
    await db.delete(media).where(eq(media.id, id));
  }
});

async function accept(kind: MediaKind, name: string) {
  const bytes = fixture(name);
  const row = await ingestUpload({
    kind,
    body: chunked(bytes),
    declaredName: `C:\\Users\\me\\${name}`,
    declaredSize: bytes.length,
  });
  accepted.push(row.id);
  expect(row.kind).toBe(kind);
  expect(row.bytes).toBe(bytes.length);
  expect(row.originalName).toBe(name);
  expect(row.storageKey).toBe(`media/${row.id}`);
  expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(filesUnder(storageDir)).toContain(path.join("media", row.id));
  expect(filesUnder(storageDir)).toHaveLength(accepted.length);
  const stored = await getStorage().get(row.storageKey);
  const chunks: Buffer[] = [];
  for await (const chunk of stored?.body ?? []) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  return row;
}

describe("ingestUpload: accepted media", () => {
  it("takes an opaque PNG as the first frame, with its size", async () => {
    const row = await accept("first_frame", "portrait.png");
    expect(row.mimeType).toBe("image/png");
    expect(row.probe).toEqual({ width: 480, height: 640, hasAlpha: false });
    expect(await getMediaRows([row.id, "not-an-id", row.id])).toEqual([row]);
  });

  it("takes a JPEG and a second PNG as the last frame", async () => {
    const jpeg = await accept("last_frame", "landscape.jpg");
    expect(jpeg.mimeType).toBe("image/jpeg");
    expect(jpeg.probe).toEqual({ width: 1280, height: 720 });
    const png = await accept("last_frame", "ending.png");
    expect(png.probe).toEqual({ width: 480, height: 640, hasAlpha: false });
  });

  it("takes WAV and MP3 driving audio, with its duration", async () => {
    const wav = await accept("driving_audio", "voice.wav");
    expect(wav.mimeType).toBe("audio/wav");
    expect(wav.probe.durationSeconds).toBeCloseTo(3, 2);
    const mp3 = await accept("driving_audio", "voice.mp3");
    expect(mp3.mimeType).toBe("audio/mpeg");
    expect(mp3.probe.durationSeconds).toBeGreaterThan(2.9);
    expect(mp3.probe.durationSeconds).toBeLessThan(3.3);
  });

  it("takes an MP4 first clip, with duration and size", async () => {
    const row = await accept("first_clip", "clip.mp4");
    expect(row.mimeType).toBe("video/mp4");
    expect(row.probe).toEqual({ durationSeconds: 3, width: 480, height: 480 });
  });

  it("accepts a web ReadableStream body and a file name with control characters", async () => {
    const bytes = fixture("portrait.png");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    });
    const row = await ingestUpload({ kind: "first_frame", body, declaredName: "a\u0000b\n.png" });
    accepted.push(row.id);
    expect(row.originalName).toBe("ab.png");
  });
});

describe("ingestUpload: refusals leave nothing behind", () => {
  it("refuses a text file named .png (415)", async () => {
    const error = await refusal("first_frame", fixture("not-an-image.png"));
    expect(error.status).toBe(415);
    expect(error.code).toBe("unsupported_type");
    expect(error.message).toBe(
      "This file is not an image in a format we recognise. First frame takes JPEG, PNG, BMP or WEBP.",
    );
  });

  it("names the wrong type: audio in an image slot, an image as audio, a PDF", async () => {
    expect((await refusal("first_frame", fixture("voice.wav"))).message).toBe(
      "This file is a WAV, not an image. First frame takes JPEG, PNG, BMP or WEBP.",
    );
    expect((await refusal("driving_audio", fixture("portrait.png"))).message).toBe(
      "This file is a PNG, not an audio file. Driving audio takes WAV or MP3.",
    );
    expect((await refusal("first_clip", fixture("voice.mp3"))).message).toBe(
      "This file is an MP3, not a video. First clip takes MP4 or MOV.",
    );
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), Buffer.alloc(5000, 32)]);
    expect((await refusal("last_frame", pdf)).message).toBe(
      "This file is a PDF, not an image. Last frame takes JPEG, PNG, BMP or WEBP.",
    );
  });

  it("refuses a wrong type after the first bytes, without reading the rest", async () => {
    const upload = generatedUpload(Buffer.from("%PDF-1.7\n"), 50 * 1024 * 1024);
    const error = await refusal("first_frame", upload.stream);
    expect(error.status).toBe(415);
    expect(upload.pulled()).toBeLessThan(256 * 1024);
  });

  it("refuses a picture under 240 px a side (422)", async () => {
    const error = await refusal("first_frame", fixture("tiny.png"));
    expect(error.status).toBe(422);
    expect(error.code).toBe("too_small");
    expect(error.message).toBe("The first frame is 100×100 px; each side must be at least 240 px.");
  });

  it("refuses a PNG with transparency: alpha channel or tRNS", async () => {
    const error = await refusal("first_frame", fixture("transparent.png"));
    expect(error.code).toBe("transparency");
    expect(error.message).toMatch(/^The first frame is a PNG with transparency/);
    const palette = await refusal("last_frame", makePng(480, 640, { colourType: 3, trns: true }));
    expect(palette.code).toBe("transparency");
  });

  it("refuses pictures too long a side or too narrow", async () => {
    expect((await refusal("first_frame", makePng(8001, 2000))).message).toBe(
      "The first frame is 8001×2000 px; each side must be at most 8000 px.",
    );
    const narrow = await refusal("first_frame", makePng(2000, 240));
    expect(narrow.code).toBe("aspect_ratio");
    expect(narrow.message).toMatch(/^The first frame is 2000×240 px, 8\.3 times longer than wide/);
  });

  it("refuses audio shorter than 2 s or longer than 30 s", async () => {
    const short = await refusal("driving_audio", fixture("short.wav"));
    expect(short.code).toBe("too_short");
    expect(short.message).toBe("Driving audio is 1.0 s long; use 2–30 s.");
    const long = await refusal("driving_audio", makeWav(45.2));
    expect(long.message).toBe("Driving audio is 45.2 s long; use 2–30 s.");
  });

  it("refuses zero bytes", async () => {
    const error = await refusal("first_frame", Readable.from([]));
    expect(error.code).toBe("empty_file");
    expect(error.status).toBe(422);
  });

  it("refuses a declared size over the limit before reading anything (413)", async () => {
    const upload = generatedUpload(wavHeader(10), 16 * 1024 * 1024);
    const error = await refusal("driving_audio", upload.stream, { declaredSize: 16 * 1024 * 1024 });
    expect(error.status).toBe(413);
    expect(error.message).toBe(
      "Driving audio is 16 MB; the limit is 15 MB. Use a smaller or shorter file.",
    );
    expect(upload.pulled()).toBe(0);
  });

  it("aborts as soon as the bytes pass the limit, whatever was declared", async () => {
    const limit = 256 * 1024;
    const upload = generatedUpload(wavHeader(600), 100 * 1024 * 1024);
    const error = await refusal("driving_audio", upload.stream, { maxBytes: limit });
    expect(error.status).toBe(413);
    expect(error.code).toBe("file_too_large");
    expect(error.message).toBe(
      "This file is larger than 0.3 MB, the limit for driving audio. Use a smaller or shorter file.",
    );
    expect(upload.pulled()).toBeLessThan(limit + 3 * 64 * 1024);
  });

  it("refuses an upload that ends before its declared size", async () => {
    const bytes = fixture("portrait.png");
    const error = await refusal("first_frame", bytes, { declaredSize: bytes.length + 10 });
    expect(error.code).toBe("upload_incomplete");
  });

  it("refuses a cut-short MP4 and a damaged one, without crashing", async () => {
    const clip = fixture("clip.mp4");
    const cut = await refusal("first_clip", clip.subarray(0, Math.floor(clip.length / 2)));
    expect(cut.code).toBe("unreadable");
    expect(cut.message).toBe("First clip: this video is damaged or cut short; export it again.");
    const damaged = Buffer.from(clip);
    const moov = damaged.indexOf("moov");
    damaged.fill(0xff, moov + 8, moov + 400);
    expect((await refusal("first_clip", damaged)).code).toBe("unreadable");
    const headerOnly = clip.subarray(0, 40);
    expect((await refusal("first_clip", headerOnly)).code).toBe("unreadable");
  });

  it("refuses a damaged WAV and a damaged PNG", async () => {
    const png = fixture("portrait.png").subarray(0, 20);
    expect((await refusal("first_frame", png)).code).toBe("unreadable");
    const wav = Buffer.from(fixture("voice.wav").subarray(0, 44));
    wav.writeUInt32LE(0, 28); // byte rate 0: no duration can be computed
    const error = await refusal("driving_audio", wav);
    expect(error.status).toBe(422);
  });

  it("stops reading the client's stream when it refuses", async () => {
    let destroyed = false;
    const body = generatedUpload(Buffer.from("GIF89a"), 10 * 1024 * 1024).stream;
    body.on("close", () => {
      destroyed = true;
    });
    await refusal("first_frame", body);
    expect(destroyed).toBe(true);
  });

  it("a body that fails midway (client gone) leaves nothing and rethrows", async () => {
    const bytes = fixture("clip.mp4");
    const body = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 50_000);
        throw new Error("aborted");
      })(),
    );
    const before = await rowCount();
    await expect(
      ingestUpload({ kind: "first_clip", body, declaredName: "clip.mp4" }),
    ).rejects.toThrow("aborted");
    expect(filesUnder(storageDir)).toEqual([]);
    expect(await rowCount()).toBe(before);
  });
});
