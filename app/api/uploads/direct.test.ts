import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { media } from "@/lib/db/schema";
import { completeDirectUpload, startDirectUpload } from "@/lib/media/direct";
import { fixture, withFreshDataDir } from "@/lib/media/test-media.mock";
import { getStorage } from "@/lib/storage";
import { LocalStorage } from "@/lib/storage/local";
import { type RunningS3rver, startS3rver } from "@/lib/storage/s3rver.mock";
import { POST as complete } from "./complete/route";
import { POST as presign } from "./presign/route";

const dataDir = withFreshDataDir("wan-direct-uploads-");
let s3: RunningS3rver;

beforeAll(async () => {
  s3 = await startS3rver("wan-direct");
  // Before anything reads the settings: this suite runs the app with S3 storage.
  Object.assign(process.env, {
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  });
  await getDb();
}, 120_000);
afterAll(() => s3?.close());

function post(body: unknown): Request {
  return new Request("http://127.0.0.1:3000/api/uploads/x", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface Started {
  mode: string;
  uploadId: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  key: string;
}

async function start(kind: string, name: string, bytes: Buffer, type: string): Promise<Started> {
  const response = await presign(post({ kind, name, size: bytes.length, type }));
  expect(response.status).toBe(200);
  return response.json();
}

/** What the browser does: PUT the bytes to the presigned URL, as it is. */
async function putTo(started: Started, bytes: Buffer): Promise<void> {
  const answer = await fetch(started.url, {
    method: started.method,
    headers: started.headers,
    body: new Uint8Array(bytes),
  });
  expect(answer.status).toBe(200);
}

async function rowIds(): Promise<string[]> {
  const db = await getDb();
  return (await db.select({ id: media.id }).from(media)).map((row) => row.id);
}

const idOf = (key: string) => key.replace(/^pending\//, "");

describe("direct uploads to S3: presign → PUT → complete", () => {
  it("accepts a first frame PUT straight into the bucket, and records it once", async () => {
    expect(getStorage().constructor.name).toBe("S3Storage");
    const bytes = fixture("portrait.png");
    const started = await start("first_frame", "my portrait ✓.png", bytes, "image/png");
    expect(started).toMatchObject({ mode: "presigned", method: "PUT" });
    expect(started.key).toMatch(/^pending\/[0-9a-f-]{36}$/);
    expect(new URL(started.url).origin).toBe(s3.endpoint);
    expect(started.headers).toEqual({ "Content-Type": "image/png" });
    await putTo(started, bytes);

    const response = await complete(post({ uploadId: started.uploadId }));
    expect(response.status).toBe(201);
    const { media: body } = await response.json();
    expect(body).toEqual({
      id: idOf(started.key),
      kind: "first_frame",
      mimeType: "image/png",
      bytes: bytes.length,
      name: "my portrait ✓.png",
      probe: { width: 480, height: 640, hasAlpha: false },
    });
    const storage = getStorage();
    expect(await storage.stat(`media/${body.id}`)).toEqual({ size: bytes.length });
    expect(await storage.stat(started.key)).toBeNull();

    // Completing again answers the same media and stores nothing new.
    const again = await complete(post({ uploadId: started.uploadId }));
    expect(again.status).toBe(201);
    expect((await again.json()).media.id).toBe(body.id);
    expect((await rowIds()).filter((id) => id === body.id)).toHaveLength(1);
  });

  it("accepts an MP3 as driving audio and a clip as the first clip", async () => {
    const mp3 = fixture("voice.mp3");
    const audio = await start("driving_audio", "voice.mp3", mp3, "audio/mpeg");
    await putTo(audio, mp3);
    const audioAnswer = await complete(post({ uploadId: audio.uploadId }));
    expect(audioAnswer.status).toBe(201);
    const audioMedia = (await audioAnswer.json()).media;
    expect(audioMedia.mimeType).toBe("audio/mpeg");
    expect(audioMedia.probe.durationSeconds).toBeGreaterThan(2);

    const mp4 = fixture("clip.mp4");
    const clip = await start("first_clip", "clip.mp4", mp4, "");
    expect(clip.headers).toEqual({ "Content-Type": "application/octet-stream" });
    await putTo(clip, mp4);
    const clipAnswer = await complete(post({ uploadId: clip.uploadId }));
    expect(clipAnswer.status).toBe(201);
    expect((await clipAnswer.json()).media.probe).toEqual({
      durationSeconds: 3,
      width: 480,
      height: 480,
    });
  });

  it("refuses the wrong bytes for the slot with a sentence, and deletes the object", async () => {
    const bytes = fixture("not-an-image.png");
    const started = await start("first_frame", "not-an-image.png", bytes, "image/png");
    await putTo(started, bytes);
    const before = await rowIds();
    const response = await complete(post({ uploadId: started.uploadId }));
    expect(response.status).toBe(415);
    const { error } = await response.json();
    expect(error.code).toBe("unsupported_type");
    expect(error.message).toMatch(/^This file is /);
    expect(await getStorage().stat(started.key)).toBeNull();
    expect(await getStorage().stat(`media/${idOf(started.key)}`)).toBeNull();
    expect(await rowIds()).toEqual(before);
  });

  it("refuses a transparent PNG after probing the stored object", async () => {
    const bytes = fixture("transparent.png");
    const started = await start("first_frame", "transparent.png", bytes, "image/png");
    await putTo(started, bytes);
    const response = await complete(post({ uploadId: started.uploadId }));
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("transparency");
    expect(await getStorage().stat(started.key)).toBeNull();
  });

  it("refuses an over-size file at presign, and an over-size object at completion", async () => {
    const tooBig = await presign(
      post({ kind: "first_frame", name: "huge.png", size: 21 * 1024 * 1024, type: "image/png" }),
    );
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error).toEqual({
      code: "file_too_large",
      message: "The first frame is 21 MB; the limit is 20 MB. Use a smaller or shorter file.",
    });

    // A client that declares a small file and PUTs a big one (real S3 refuses the PUT, as the
    // length is signed; s3rver does not check signatures, so completion must).
    const png = fixture("portrait.png");
    const started = await start("first_frame", "liar.png", png, "image/png");
    const big = Buffer.concat([png, Buffer.alloc(21 * 1024 * 1024)]);
    await putTo(started, big);
    const response = await complete(post({ uploadId: started.uploadId }));
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("file_too_large");
    expect(await getStorage().stat(started.key)).toBeNull();
  });

  it("refuses a forged, tampered or unknown upload id", async () => {
    const bytes = fixture("portrait.png");
    const started = await start("first_frame", "a.png", bytes, "image/png");
    await putTo(started, bytes);
    const [payload, sig] = started.uploadId.split(".");
    const ticket = JSON.parse(Buffer.from(payload, "base64url").toString());
    // Same signature, another kind (or another object): the HMAC no longer matches.
    const asClip = Buffer.from(JSON.stringify({ ...ticket, kind: "first_clip" })).toString(
      "base64url",
    );
    const other = Buffer.from(
      JSON.stringify({ ...ticket, id: "3f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b" }),
    ).toString("base64url");
    for (const uploadId of [`${asClip}.${sig}`, `${other}.${sig}`, "nonsense", 42, undefined]) {
      const response = await complete(post({ uploadId }));
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe("bad_upload_id");
    }
    expect(await getStorage().stat(started.key)).toEqual({ size: bytes.length });
    const bad = await complete(post("{not json"));
    expect(bad.status).toBe(403);
  });

  it("answers 409 when nothing was PUT, and 410 for an expired upload id", async () => {
    const bytes = fixture("portrait.png");
    const started = await start("first_frame", "never-sent.png", bytes, "image/png");
    const response = await complete(post({ uploadId: started.uploadId }));
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("upload_missing");

    await putTo(started, bytes);
    await expect(
      completeDirectUpload(started.uploadId, { now: Date.now() + 7 * 3600 * 1000 }),
    ).rejects.toMatchObject({ code: "upload_expired", status: 410 });
  });

  it("answers 400 for an unknown kind or a missing size", async () => {
    const kind = await presign(post({ kind: "poster", name: "x", size: 10, type: "image/png" }));
    expect(kind.status).toBe(400);
    const size = await presign(post({ kind: "first_frame", name: "x", type: "image/png" }));
    expect(size.status).toBe(400);
    const empty = await presign(post({ kind: "first_frame", name: "x", size: 0 }));
    expect(empty.status).toBe(422);
  });

  it("says 'stream' when storage is local, so the browser uploads through /api/uploads", async () => {
    const local = new LocalStorage(`${dataDir}/local-media`);
    await expect(
      startDirectUpload({ kind: "first_frame", size: 10 }, { storage: local }),
    ).rejects.toMatchObject({ code: "direct_upload_unavailable", status: 409 });
  });
});
