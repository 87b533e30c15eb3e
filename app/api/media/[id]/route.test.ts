import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { MediaRow } from "@/lib/db/schema";
import { ingestUpload } from "@/lib/media";
import { chunked, fixture, withFreshDataDir } from "@/lib/media/test-media.mock";
import { mediaUrlFor } from "@/lib/media/urls";
import { signMediaUrl } from "@/lib/storage/signing";
import { GET, HEAD } from "./route";

withFreshDataDir("wan-media-route-");

const clipBytes = fixture("clip.mp4");
let clip: MediaRow;

beforeAll(async () => {
  await getDb();
  clip = await ingestUpload({
    kind: "first_clip",
    body: chunked(clipBytes),
    declaredName: "clip.mp4",
  });
}, 120_000);

function call(
  handler: typeof GET,
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Response> {
  const id = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  return handler(new Request(url, { method, headers }), { params: Promise.resolve({ id }) });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

describe("GET /api/media/[id]", () => {
  it("serves the stored bytes with safe headers", async () => {
    const url = mediaUrlFor(clip.id);
    expect(url.startsWith(`http://127.0.0.1:3000/api/media/${clip.id}?exp=`)).toBe(true);
    const response = await call(GET, url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-length")).toBe(String(clipBytes.length));
    expect(response.headers.get("cache-control")).toMatch(/^private, max-age=\d+, no-transform$/);
    expect((await bytesOf(response)).equals(clipBytes)).toBe(true);
  });

  it("serves single ranges: a-b, a-, -n", async () => {
    const url = mediaUrlFor(clip.id);
    const first = await call(GET, url, { Range: "bytes=0-99" });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${clipBytes.length}`);
    expect(first.headers.get("content-length")).toBe("100");
    expect((await bytesOf(first)).equals(clipBytes.subarray(0, 100))).toBe(true);

    const tail = await call(GET, url, { Range: "bytes=90000-" });
    expect(tail.status).toBe(206);
    expect((await bytesOf(tail)).equals(clipBytes.subarray(90000))).toBe(true);

    const suffix = await call(GET, url, { Range: "bytes=-10" });
    expect(suffix.headers.get("content-range")).toBe(
      `bytes ${clipBytes.length - 10}-${clipBytes.length - 1}/${clipBytes.length}`,
    );
    expect((await bytesOf(suffix)).equals(clipBytes.subarray(-10))).toBe(true);
  });

  it("answers 416 for an unsatisfiable range", async () => {
    const response = await call(GET, mediaUrlFor(clip.id), {
      Range: `bytes=${clipBytes.length}-`,
    });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${clipBytes.length}`);
  });

  it("answers HEAD with the headers and no body", async () => {
    const url = mediaUrlFor(clip.id);
    const whole = await call(HEAD, url, {}, "HEAD");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(clipBytes.length));
    expect(whole.body).toBeNull();
    const part = await call(HEAD, url, { Range: "bytes=10-19" }, "HEAD");
    expect(part.status).toBe(206);
    expect(part.headers.get("content-length")).toBe("10");
  });

  it("answers 403 for a bad, expired or borrowed signature", async () => {
    const good = new URL(mediaUrlFor(clip.id));
    const tampered = new URL(good);
    tampered.searchParams.set("sig", `A${good.searchParams.get("sig")?.slice(1)}`);
    if (tampered.searchParams.get("sig") === good.searchParams.get("sig")) {
      tampered.searchParams.set("sig", `B${good.searchParams.get("sig")?.slice(1)}`);
    }
    const unsigned = `http://x/api/media/${clip.id}`;
    const expired = signMediaUrl("http://x", clip.id, {
      ttlSeconds: 60,
      now: Date.now() - 120_000,
    });
    const otherId = "0f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b";
    const borrowed = `http://x/api/media/${otherId}${good.search}`;
    for (const url of [tampered.toString(), unsigned, expired, borrowed]) {
      const response = await call(GET, url);
      expect(response.status, url).toBe(403);
      expect((await response.json()).error.code).toBe("bad_signature");
    }
  });

  it("answers 404 for an unknown id and for ids that are not ids", async () => {
    const unknown = "0f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b";
    const response = await call(GET, signMediaUrl("http://x", unknown));
    expect(response.status).toBe(404);
    for (const id of ["..%2F..%2Fdb", "../media-url-secret", `${clip.id}.mp4`, ""]) {
      const traversal = await GET(new Request(`http://x/api/media/x?exp=1&sig=x`), {
        params: Promise.resolve({ id: decodeURIComponent(id) }),
      });
      expect(traversal.status, id).toBe(404);
    }
  });
});
