import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { media } from "@/lib/db/schema";
import { filesUnder, fixture, withFreshDataDir } from "@/lib/media/test-media.mock";
import { POST } from "./route";

const dataDir = withFreshDataDir("wan-uploads-route-");
const storageDir = path.join(dataDir, "media");

beforeAll(async () => {
  await getDb();
}, 120_000);

async function rowCount(): Promise<number> {
  const db = await getDb();
  return (await db.select({ id: media.id }).from(media)).length;
}

function upload(
  kind: string,
  body: BodyInit | null,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Request {
  return new Request(`http://127.0.0.1:3000/api/uploads?kind=${kind}`, {
    method: "POST",
    body,
    headers,
    signal,
    // Node's fetch needs this for a streamed body.
    duplex: "half",
  } as RequestInit);
}

function streamOf(bytes: Buffer): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 8192) {
        controller.enqueue(new Uint8Array(bytes.subarray(i, i + 8192)));
      }
      controller.close();
    },
  });
}

describe("POST /api/uploads", () => {
  const stored: string[] = [];
  afterAll(() => stored.splice(0));

  it("stores a first frame and answers 201 with its probe", async () => {
    const bytes = fixture("portrait.png");
    const response = await POST(
      upload("first_frame", streamOf(bytes), {
        "Content-Type": "image/png",
        "Content-Length": String(bytes.length),
        "X-File-Name": encodeURIComponent("my portrait ✓.png"),
      }),
    );
    expect(response.status).toBe(201);
    const { media: body } = await response.json();
    stored.push(body.id);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: "first_frame",
      mimeType: "image/png",
      bytes: bytes.length,
      name: "my portrait ✓.png",
      probe: { width: 480, height: 640, hasAlpha: false },
    });
    expect(filesUnder(storageDir)).toContain(path.join("media", body.id));
  });

  it("stores driving audio and a first clip", async () => {
    const wav = await POST(upload("driving_audio", streamOf(fixture("voice.wav"))));
    expect(wav.status).toBe(201);
    expect((await wav.json()).media.probe.durationSeconds).toBeCloseTo(3, 2);
    const clip = await POST(upload("first_clip", streamOf(fixture("clip.mp4"))));
    expect(clip.status).toBe(201);
    expect((await clip.json()).media.probe).toEqual({
      durationSeconds: 3,
      width: 480,
      height: 480,
    });
  });

  it("answers 400 for an unknown kind", async () => {
    const response = await POST(upload("poster", streamOf(fixture("portrait.png"))));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("unknown_kind");
  });

  it("answers 413 for a Content-Length over the limit, before reading the body", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(65536));
      },
    });
    const before = filesUnder(storageDir).length;
    const response = await POST(
      upload("first_frame", body, { "Content-Length": String(21 * 1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    const { error } = await response.json();
    expect(error.code).toBe("file_too_large");
    expect(error.message).toBe(
      "The first frame is 21 MB; the limit is 20 MB. Use a smaller or shorter file.",
    );
    expect(pulled).toBeLessThanOrEqual(1);
    expect(filesUnder(storageDir)).toHaveLength(before);
  });

  it("answers 415 with a sentence for the wrong bytes, and keeps nothing", async () => {
    const before = { files: filesUnder(storageDir).length, rows: await rowCount() };
    const response = await POST(upload("first_frame", streamOf(fixture("not-an-image.png"))));
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: {
        code: "unsupported_type",
        message:
          "This file is not an image in a format we recognise. First frame takes JPEG, PNG, BMP or WEBP.",
      },
    });
    expect(filesUnder(storageDir)).toHaveLength(before.files);
    expect(await rowCount()).toBe(before.rows);
  });

  it("answers 422 for limits: alpha PNG, tiny picture, short audio, empty body", async () => {
    for (const [kind, name, code] of [
      ["first_frame", "transparent.png", "transparency"],
      ["last_frame", "tiny.png", "too_small"],
      ["driving_audio", "short.wav", "too_short"],
    ] as const) {
      const response = await POST(upload(kind, streamOf(fixture(name))));
      expect(response.status, name).toBe(422);
      expect((await response.json()).error.code, name).toBe(code);
    }
    const empty = await POST(upload("first_frame", null));
    expect(empty.status).toBe(422);
    expect((await empty.json()).error.code).toBe("empty_file");
  });

  it("leaves nothing behind when the client aborts mid-upload", async () => {
    const before = { files: filesUnder(storageDir).length, rows: await rowCount() };
    const controller = new AbortController();
    const bytes = fixture("clip.mp4");
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(stream) {
        if (sent >= 40_000) {
          controller.abort();
          stream.error(new Error("client went away"));
          return;
        }
        stream.enqueue(new Uint8Array(bytes.subarray(sent, sent + 8192)));
        sent += 8192;
      },
    });
    const response = await POST(
      upload("first_clip", body, { "Content-Length": String(bytes.length) }, controller.signal),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("upload_aborted");
    expect(filesUnder(storageDir)).toHaveLength(before.files);
    expect(await rowCount()).toBe(before.rows);
  });
});
