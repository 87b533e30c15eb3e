import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoGateway, routeDemoRequest } from "./handler";
import { memoryDemoStore } from "./store";

// The demo gateway's answers, checked through its Web Request/Response surface with a fake
// clock, against a real media server on 127.0.0.1 (it downloads and sniffs what it is given).

const KEY = "demo-key";
const ROOT = "http://app.test/api/demo-gateway";
const png = readFileSync(path.join(__dirname, "test-media/first-frame.png"));
const media = path.join(process.cwd(), "e2e/media");

const files: Record<string, { type: string; bytes: Buffer }> = {
  "/frame.png": { type: "image/png", bytes: png },
  "/fake.png": { type: "image/png", bytes: Buffer.from("this is not an image at all, just text") },
  "/voice.wav": { type: "audio/wav", bytes: readFileSync(path.join(media, "voice.wav")) },
  "/voice.mp3": { type: "audio/mpeg", bytes: readFileSync(path.join(media, "voice.mp3")) },
  "/clip.mp4": { type: "video/mp4", bytes: readFileSync(path.join(media, "clip.mp4")) },
};
/** What the media server was asked for, in order. */
const mediaRequests: string[] = [];

let mediaServer: http.Server;
let mediaUrl = "";

beforeAll(async () => {
  mediaServer = http.createServer((req, res) => {
    mediaRequests.push(req.url ?? "");
    if (req.url === "/moved.png") {
      res.writeHead(302, { Location: "/frame.png" });
      return res.end();
    }
    const file = files[req.url ?? ""];
    if (!file) {
      res.writeHead(404);
      return res.end("missing");
    }
    res.writeHead(200, { "Content-Type": file.type });
    res.end(file.bytes);
  });
  await new Promise<void>((resolve) => mediaServer.listen(0, "127.0.0.1", resolve));
  mediaUrl = `http://127.0.0.1:${(mediaServer.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => mediaServer.close(() => resolve())));

function setup(stepMs = 1000, maxHangMs?: number) {
  let clock = new Date("2026-03-01T12:00:00Z").getTime();
  let ids = 0;
  const gateway = createDemoGateway({
    store: memoryDemoStore(),
    apiKey: KEY,
    stepMs,
    now: () => new Date(clock),
    newId: () => `task_${++ids}`,
    // The app allows its own signed links (media-policy.ts); here, this test's media server
    // and one closed port.
    media: {
      timeoutMs: 2000,
      allow: (url) => url.origin === mediaUrl || url.origin === "http://127.0.0.1:1",
    },
    maxHangMs,
  });
  const call = (
    method: string,
    pathname: string,
    init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ) =>
    routeDemoRequest(
      gateway,
      new Request(`${ROOT}${pathname}`, {
        method,
        headers: { Authorization: `Bearer ${KEY}`, ...init.headers },
        signal: init.signal,
        body:
          init.body === undefined
            ? undefined
            : typeof init.body === "string"
              ? init.body
              : JSON.stringify(init.body),
      }),
    );
  return {
    call,
    create: (body: unknown) => call("POST", "/v1/videos", { body }),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const body = (extra: Record<string, unknown> = {}) => ({
  model: "wan2.7-i2v",
  media: [{ type: "first_frame", url: `${mediaUrl}/frame.png` }],
  seconds: "5",
  size: "720P",
  ...extra,
});

describe("demo gateway", () => {
  it("refuses a missing or wrong key with shape 1", async () => {
    const { call } = setup();
    for (const headers of [{ Authorization: "" }, { Authorization: "Bearer nope" }]) {
      const response = await call("POST", "/v1/videos", { body: body(), headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { type: "new_api_error", code: "invalid_api_key" },
      });
    }
    expect((await call("GET", "/v1/videos/x", { headers: { Authorization: "" } })).status).toBe(
      401,
    );
  });

  it("creates a queued task and moves it through the stages to completed", async () => {
    const { create, call, advance } = setup();
    const created = await create(body({ prompt: "a calm sea" }));
    expect(created.status).toBe(200);
    const video = await created.json();
    expect(video).toEqual({
      id: "task_1",
      task_id: "task_1",
      object: "video",
      model: "wan2.7-i2v",
      status: "queued",
      progress: 0,
      created_at: Date.parse("2026-03-01T12:00:00Z") / 1000,
      seconds: "5",
      size: "720P",
    });
    const seen: [string, number][] = [];
    for (let i = 0; i < 5; i++) {
      const current = await (await call("GET", "/v1/videos/task_1")).json();
      seen.push([current.status, current.progress]);
      advance(1000);
    }
    expect(seen).toEqual([
      ["queued", 0],
      ["in_progress", 10],
      ["in_progress", 20],
      ["in_progress", 30],
      ["completed", 100],
    ]);
    const done = await (await call("GET", "/v1/videos/task_1")).json();
    expect(done.completed_at).toBe(video.created_at + 4);
    // A key-free, signed link (like the provider's), not the keyed /content.
    expect(done.metadata.url).toMatch(
      /^http:\/\/app\.test\/api\/demo-gateway\/files\/task_1\?expires=\d+&signature=[0-9a-f]{64}$/,
    );
    expect(done.error).toBeUndefined();
  });

  it("answers task_not_exist for an unknown id, on retrieve and on content", async () => {
    const { call } = setup();
    for (const pathname of ["/v1/videos/nope", "/v1/videos/nope/content"]) {
      const response = await call("GET", pathname);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: "task_not_exist",
        message: "task_not_exist",
        data: null,
      });
    }
  });

  it("refuses invalid bodies with 400 invalid_request (shape 2)", async () => {
    const { create } = setup();
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [body({ seconds: 5 }), /seconds must be a string/],
      [body({ seconds: "20" }), /from "2" to "15"/],
      [body({ size: "4K" }), /size must be one of/],
      [body({ model: "sora-2" }), /model must be/],
      [body({ prompt: "x".repeat(801) }), /at most 800/],
      [
        body({
          media: [
            { type: "first_clip", url: `${mediaUrl}/clip.mp4` },
            { type: "driving_audio", url: `${mediaUrl}/voice.wav` },
          ],
        }),
        /not supported/,
      ],
      [body({ prompt: "[demo-fail:nonsense]" }), /Unknown demo fault/],
    ];
    for (const [payload, message] of cases) {
      const response = await create(payload);
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer.code).toBe("invalid_request");
      expect(answer.data).toBeNull();
      expect(answer.message).toMatch(message);
    }
  });

  it("downloads every media URL and refuses what it cannot fetch or does not recognise", async () => {
    const { create } = setup();
    const cases: [unknown, RegExp][] = [
      [
        body({ media: [{ type: "first_frame", url: `${mediaUrl}/missing.png` }] }),
        /first frame could not be downloaded.*HTTP 404/,
      ],
      [
        body({ media: [{ type: "first_frame", url: "http://127.0.0.1:1/x.png" }] }),
        /first frame could not be downloaded.*connection failed/,
      ],
      [
        body({ media: [{ type: "first_frame", url: `${mediaUrl}/fake.png` }] }),
        /first frame is not a JPEG, PNG, BMP or WEBP file/,
      ],
      [
        body({
          media: [
            { type: "first_frame", url: `${mediaUrl}/frame.png` },
            { type: "driving_audio", url: `${mediaUrl}/frame.png` },
          ],
        }),
        /driving audio is not a WAV or MP3 file \(its bytes look like image\/png\)/,
      ],
      [
        body({ media: [{ type: "first_clip", url: `${mediaUrl}/voice.mp3` }] }),
        /first clip is not a MP4 or MOV file/,
      ],
    ];
    for (const [payload, message] of cases) {
      const response = await create(payload);
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer.code).toBe("ali_api_error");
      expect(answer.message).toMatch(/^InvalidParameter: /);
      expect(answer.message).toMatch(message);
    }
  });

  it("downloads only allowed media URLs, before connecting anywhere, and follows no redirect", async () => {
    const trap = http.createServer((_req, res) => {
      trapped++;
      res.end();
    });
    let trapped = 0;
    await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    try {
      const { create } = setup();
      const foreign = [
        `${trapUrl}/frame.png`,
        `http://localhost:${new URL(trapUrl).port}/frame.png`,
        `http://user:pass@127.0.0.1:${new URL(mediaUrl).port}/frame.png`,
        "http://169.254.169.254/latest/meta-data/",
      ];
      for (const url of foreign) {
        const response = await create(body({ media: [{ type: "first_frame", url }] }));
        expect(response.status).toBe(400);
        const answer = await response.json();
        expect(answer).toMatchObject({ code: "ali_api_error", data: null });
        expect(answer.message).toBe(
          "InvalidParameter: The first frame URL is not a media link this gateway may download (only the studio's own signed links are).",
        );
      }
      // Other schemes never get that far: the request itself is invalid.
      for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/frame.png"]) {
        const response = await create(body({ media: [{ type: "first_frame", url }] }));
        expect(response.status).toBe(400);
      }
      expect(trapped).toBe(0);

      // An allowed URL that redirects is not followed, even to an allowed file.
      mediaRequests.length = 0;
      const moved = await create(
        body({ media: [{ type: "first_frame", url: `${mediaUrl}/moved.png` }] }),
      );
      expect(moved.status).toBe(400);
      expect((await moved.json()).message).toMatch(/first frame URL redirects elsewhere/);
      expect(mediaRequests).toEqual(["/moved.png"]);
    } finally {
      await new Promise<void>((resolve) => trap.close(() => resolve()));
    }
  });

  it("accepts real WAV, MP3 and MP4 bytes in their slots", async () => {
    const { create } = setup();
    const withAudio = (file: string) =>
      body({
        media: [
          { type: "first_frame", url: `${mediaUrl}/frame.png` },
          { type: "driving_audio", url: `${mediaUrl}/${file}` },
        ],
      });
    expect((await create(withAudio("voice.wav"))).status).toBe(200);
    expect((await create(withAudio("voice.mp3"))).status).toBe(200);
    const clip = body({
      media: [
        { type: "first_clip", url: `${mediaUrl}/clip.mp4` },
        { type: "last_frame", url: `${mediaUrl}/frame.png` },
      ],
    });
    expect((await create(clip)).status).toBe(200);
    expect((await create({ model: "wan2.7-i2v", image: `${mediaUrl}/frame.png` })).status).toBe(
      200,
    );
  });

  it.each([
    ["quota", 402, "insufficient_user_quota", undefined],
    ["rate-limit", 429, "rate_limit_exceeded", "2"],
    ["unavailable", 503, "service_unavailable", undefined],
  ])(
    "[demo-fail:%s] refuses the create with %i (shape 1)",
    async (fault, status, code, retryAfter) => {
      const { create, call } = setup();
      const response = await create(body({ prompt: `sunset [demo-fail:${fault}]` }));
      expect(response.status).toBe(status);
      expect(response.headers.get("retry-after") ?? undefined).toBe(retryAfter);
      expect(await response.json()).toMatchObject({ error: { code, type: "new_api_error" } });
      expect((await call("GET", "/v1/videos/task_1")).status).toBe(400);
    },
  );

  it.each([
    ["moderation", "DataInspectionFailed: Output data may contain inappropriate content."],
    ["invalid", "InvalidParameter: The first frame could not be used to generate a video."],
  ])("[demo-fail:%s] runs, then fails with ali_api_error", async (fault, message) => {
    const { create, call, advance } = setup();
    await create(body({ prompt: `[demo-fail:${fault}] sunset` }));
    advance(2000);
    expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("in_progress");
    advance(2000);
    const failed = await (await call("GET", "/v1/videos/task_1")).json();
    expect(failed).toMatchObject({ status: "failed", error: { code: "ali_api_error", message } });
    expect(failed.metadata).toBeUndefined();
    const content = await call("GET", "/v1/videos/task_1/content");
    expect(content.status).toBe(400);
  });

  it("[demo-fail:moderation@seed=N] fails only the create sent with seed N", async () => {
    const { create, call, advance } = setup();
    for (const seed of [1000, 1001, 1002, 1003]) {
      const response = await create(
        body({ prompt: "sunset [demo-fail:moderation@seed=1002]", seed }),
      );
      expect(response.status).toBe(200);
    }
    // No seed at all: the fault is for seed 1002 only.
    expect((await create(body({ prompt: "sunset [demo-fail:moderation@seed=1002]" }))).status).toBe(
      200,
    );
    advance(4000);
    const statuses = [];
    for (const id of [1, 2, 3, 4, 5]) {
      statuses.push((await (await call("GET", `/v1/videos/task_${id}`)).json()).status);
    }
    expect(statuses).toEqual(["completed", "completed", "failed", "completed", "completed"]);
    const failed = await (await call("GET", "/v1/videos/task_3")).json();
    expect(failed.error).toEqual({
      code: "ali_api_error",
      message: "DataInspectionFailed: Output data may contain inappropriate content.",
    });
  });

  it("refuses @seed on a create refusal, and a seed out of range, with 400", async () => {
    const { create } = setup();
    for (const marker of ["[demo-fail:quota@seed=1]", "[demo-fail:moderation@seed=2147483648]"]) {
      const response = await create(body({ prompt: marker, seed: 1 }));
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(/Unknown demo fault/);
    }
  });

  it("serves the finished MP4 with ranges, refuses it before completion", async () => {
    const { create, call, advance } = setup();
    await create(body({ size: "1080P" }));
    const early = await call("GET", "/v1/videos/task_1/content");
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({
      error: { message: expect.stringMatching(/not ready/) },
    });
    advance(4000);
    const full = await call("GET", "/v1/videos/task_1/content");
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe("ftyp");
    const part = await call("GET", "/v1/videos/task_1/content", {
      headers: { Range: "bytes=100-199" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const beyond = await call("GET", "/v1/videos/task_1/content", {
      headers: { Range: `bytes=${bytes.length}-` },
    });
    expect(beyond.status).toBe(416);
  });

  it("[demo-fail:content] completes, but the content answers 502 (shape 3)", async () => {
    const { create, call, advance } = setup();
    await create(body({ prompt: "[demo-fail:content]" }));
    advance(4000);
    expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("completed");
    const content = await call("GET", "/v1/videos/task_1/content");
    expect(content.status).toBe(502);
    expect(await content.json()).toEqual({
      error: {
        message: "The result link has expired; the video can no longer be downloaded.",
        type: "upstream_error",
      },
    });
  });

  it("refuses an unknown marker, and a window on a fault that has none, with 400", async () => {
    const { create } = setup();
    for (const marker of ["[demo-fail:typo]", "[demo-fail:quota:3s]", "[demo-fail:poll-500:x]"]) {
      const response = await create(body({ prompt: marker }));
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(/Unknown demo fault/);
    }
  });

  it("passing retrieve faults answer 429/500/502/503/malformed inside the window only", async () => {
    const cases: [string, number, (response: Response) => Promise<void>][] = [
      [
        "poll-429",
        429,
        async (r) => {
          expect(r.headers.get("retry-after")).toBe("1");
          expect(await r.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });
        },
      ],
      ["poll-429-bare", 429, async (r) => expect(r.headers.get("retry-after")).toBeNull()],
      [
        "poll-500",
        500,
        async (r) => expect(await r.json()).toMatchObject({ error: { code: "server_error" } }),
      ],
      [
        "poll-502",
        502,
        async (r) => {
          expect(r.headers.get("content-type")).toMatch(/text\/html/);
          expect(await r.text()).toMatch(/<h1>502 Bad Gateway<\/h1>/);
        },
      ],
      [
        "poll-503",
        503,
        async (r) => {
          expect(r.headers.get("retry-after")).toBeNull();
          expect(await r.json()).toMatchObject({ error: { code: "service_unavailable" } });
        },
      ],
      [
        "poll-malformed",
        200,
        async (r) => {
          expect(r.headers.get("content-type")).toBe("application/json");
          const text = await r.text();
          expect(text.startsWith('{"id":"task_1"')).toBe(true);
          expect(() => JSON.parse(text)).toThrow();
        },
      ],
    ];
    for (const [fault, status, check] of cases) {
      const { create, call, advance } = setup();
      const created = await create(body({ prompt: `[demo-fail:${fault}:3s]` }));
      // The create itself is untouched.
      expect(created.status).toBe(200);
      const failing = await call("GET", "/v1/videos/task_1");
      expect(failing.status, fault).toBe(status);
      await check(failing);
      advance(2999);
      expect((await call("GET", "/v1/videos/task_1")).status, fault).toBe(status);
      advance(1);
      const healed = await call("GET", "/v1/videos/task_1");
      expect(healed.status, fault).toBe(200);
      expect(await healed.json()).toMatchObject({ id: "task_1", status: "in_progress" });
      advance(1000);
      expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("completed");
    }
  });

  it("[demo-fail:poll-hang] holds the retrieve until the caller hangs up, or its cap", async () => {
    const { create, call, advance } = setup(1000, 150);
    await create(body({ prompt: "[demo-fail:poll-hang:5s]" }));
    const caller = new AbortController();
    let answered = false;
    const pending = call("GET", "/v1/videos/task_1", { signal: caller.signal }).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    caller.abort();
    // Hung up: the handler lets go at once instead of holding the socket.
    await pending;
    // Without a hang-up it answers when its cap runs out (150 ms here, 60 s by default).
    const started = Date.now();
    const capped = await call("GET", "/v1/videos/task_1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(capped.status).toBe(200);
    advance(5000);
    const started2 = Date.now();
    expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("completed");
    expect(Date.now() - started2).toBeLessThan(100);
  });

  it("[demo-fail:create-500] makes the task, then answers 500", async () => {
    const { create, call, advance } = setup();
    const response = await create(body({ prompt: "[demo-fail:create-500]" }));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "server_error" } });
    // The task exists and runs: exactly why a create like this must never be sent again.
    advance(4000);
    expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("completed");
  });

  it("[demo-fail:create-hang] makes the task and answers only when the caller gives up", async () => {
    const { create, call } = setup(1000, 10_000);
    const caller = new AbortController();
    const started = Date.now();
    setTimeout(() => caller.abort(), 100);
    const response = await call("POST", "/v1/videos", {
      body: body({ prompt: "[demo-fail:create-hang]" }),
      signal: caller.signal,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response.status).toBe(504);
    expect((await call("GET", "/v1/videos/task_1")).status).toBe(200);
    // With a window, the hang lasts that long at most.
    const short = Date.now();
    expect((await create(body({ prompt: "[demo-fail:create-hang:200ms]" }))).status).toBe(504);
    expect(Date.now() - short).toBeGreaterThanOrEqual(180);
  });

  it("[demo-fail:content-midstream] sends half an MP4 then breaks, until the window ends", async () => {
    const { create, call, advance } = setup();
    await create(body({ prompt: "[demo-fail:content-midstream:6s]" }));
    advance(4000);
    expect((await (await call("GET", "/v1/videos/task_1")).json()).status).toBe("completed");
    const broken = await call("GET", "/v1/videos/task_1/content");
    expect(broken.status).toBe(200);
    const total = Number(broken.headers.get("content-length"));
    expect(total).toBeGreaterThan(1000);
    const reader = (broken.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBe(Math.floor(total / 2));
    expect(
      Buffer.from(first.value ?? [])
        .subarray(4, 8)
        .toString(),
    ).toBe("ftyp");
    await expect(reader.read()).rejects.toThrow(/mid-stream/);
    advance(2000);
    const whole = await call("GET", "/v1/videos/task_1/content");
    expect(Buffer.from(await whole.arrayBuffer()).byteLength).toBe(total);
  });

  it("[demo-fail:unknown-forever] and [demo-fail:stuck] never settle", async () => {
    const unknown = setup();
    await unknown.create(body({ prompt: "[demo-fail:unknown-forever]" }));
    const stuck = setup();
    await stuck.create(body({ prompt: "[demo-fail:stuck]" }));
    for (const hours of [0, 1, 5]) {
      unknown.advance(hours * 3_600_000);
      stuck.advance(hours * 3_600_000 + 4000);
      expect(await (await unknown.call("GET", "/v1/videos/task_1")).json()).toMatchObject({
        status: "unknown",
      });
      expect(await (await stuck.call("GET", "/v1/videos/task_1")).json()).toMatchObject({
        status: "in_progress",
        progress: 30,
      });
    }
  });
});
