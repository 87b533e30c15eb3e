import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_API_SATURATED } from "./dialects";
import {
  closeHarnessServers,
  type HarnessOptions,
  startGateway,
  startMediaServer,
} from "./gateway.harness";

// The demo gateway in DEMO_GATEWAY_DIALECT=new-api, over real node:http: mainline new-api's
// dialect as docs/upstream-api.md's last section reads it from the code.

let mediaUrl = "";
beforeAll(async () => {
  mediaUrl = await startMediaServer();
});
afterAll(closeHarnessServers);

const newApi = (options: HarnessOptions = {}) => startGateway({ dialect: "new-api", ...options });

const frame = () => [{ type: "first_frame", url: `${mediaUrl}/frame.png` }];

/** What wan-studio's client sends: both forms, so either dialect reads it. */
const body = (extra: Record<string, unknown> = {}) => ({
  model: "wan2.7-i2v",
  prompt: "a calm sea",
  seconds: "5",
  size: "720P",
  metadata: { input: { media: frame() } },
  ...extra,
});

describe("demo gateway, new-api dialect: create", () => {
  it("reads media from metadata.input.media, and answers with task_id and completed_at", async () => {
    const { create } = await newApi();
    const created = await create(body());
    expect(created.status).toBe(200);
    const createdAt = Date.parse("2026-03-01T12:00:00Z") / 1000;
    expect(await created.json()).toEqual({
      id: "task_1",
      task_id: "task_1",
      object: "video",
      model: "wan2.7-i2v",
      status: "queued",
      progress: 0,
      created_at: createdAt,
      completed_at: createdAt,
      seconds: "5",
      size: "720P",
    });
  });

  it("ignores top-level media: without metadata.input.media, image or images it is a 500 build_request_failed", async () => {
    const { create } = await newApi();
    for (const payload of [
      body({ metadata: undefined, media: frame() }),
      body({ metadata: { input: { media: [] } }, media: frame() }),
      body({ metadata: undefined }),
    ]) {
      const response = await create(payload);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        code: "build_request_failed",
        message: expect.stringMatching(/metadata\.input\.media, images or image/),
        data: null,
      });
    }
  });

  it("takes the older image and images fields", async () => {
    const { create, call } = await newApi();
    const image = await create(body({ metadata: undefined, image: `${mediaUrl}/frame.png` }));
    expect(image.status).toBe(200);
    const images = body({
      metadata: undefined,
      images: [`${mediaUrl}/frame.png`, `${mediaUrl}/frame.png`],
    });
    expect((await create(images)).status).toBe(200);
    expect((await call("GET", "/v1/videos/task_2")).status).toBe(200);
  });

  it("carries first_clip and driving_audio only in metadata.input.media", async () => {
    const { create } = await newApi();
    const withAudio = [...frame(), { type: "driving_audio", url: `${mediaUrl}/voice.wav` }];
    expect((await create(body({ metadata: { input: { media: withAudio } } }))).status).toBe(200);
    const clip = [{ type: "first_clip", url: `${mediaUrl}/clip.mp4` }];
    expect((await create(body({ metadata: { input: { media: clip } } }))).status).toBe(200);
  });

  it("requires a prompt: 400 invalid_request 'prompt is required'", async () => {
    const { create } = await newApi();
    for (const prompt of [undefined, ""]) {
      const response = await create(body({ prompt }));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: "invalid_request",
        message: "prompt is required",
        data: null,
      });
    }
  });

  it("refuses a number for seconds, and a body that is not JSON, with 400 invalid_json", async () => {
    const { create } = await newApi();
    const number = await create(body({ seconds: 5 }));
    expect(number.status).toBe(400);
    expect(await number.json()).toEqual({
      code: "invalid_json",
      message: expect.stringMatching(/cannot unmarshal number .*seconds of type string/),
      data: null,
    });
    const broken = await create("{not json");
    expect(broken.status).toBe(400);
    expect((await broken.json()).code).toBe("invalid_json");
  });

  it("drops unknown top-level fields: options count only inside metadata", async () => {
    const { create } = await newApi();
    const long = "x".repeat(501);
    // Top-level: never read, so never refused.
    const ignored = body({ negative_prompt: long, seed: -1, watermark: "yes" });
    expect((await create(ignored)).status).toBe(200);
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ input: { media: frame(), negative_prompt: long } }, /negative_prompt must be at most 500/],
      [{ input: { media: frame() }, parameters: { seed: -1 } }, /seed must be an integer/],
      [
        { input: { media: frame() }, parameters: { watermark: "yes" } },
        /watermark must be true or false/,
      ],
    ];
    for (const [metadata, message] of refusals) {
      const response = await create(body({ metadata }));
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer.code).toBe("fail_to_fetch_task");
      expect(JSON.parse(answer.message)).toEqual({
        code: "InvalidParameter",
        message: expect.stringMatching(message),
        request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    }
    const fine = { input: { media: frame(), negative_prompt: "blur" }, parameters: { seed: 7 } };
    expect((await create(body({ metadata: fine }))).status).toBe(200);
  });

  it("passes the provider's refusal of a media URL on as fail_to_fetch_task with its raw JSON", async () => {
    const { create } = await newApi();
    const response = await create(
      body({
        metadata: { input: { media: [{ type: "first_frame", url: `${mediaUrl}/fake.png` }] } },
      }),
    );
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer).toMatchObject({ code: "fail_to_fetch_task", data: null });
    expect(typeof answer.message).toBe("string");
    const inner = JSON.parse(answer.message);
    expect(inner.code).toBe("InvalidParameter");
    expect(inner.message).toMatch(/^The first frame is not a JPEG, PNG, BMP or WEBP file/);
  });

  it("answers a model it has no channel for with 503 model_not_found", async () => {
    const { create } = await newApi();
    const response = await create(body({ model: "sora-2" }));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "model_not_found" } });
  });

  it("refuses creates the new-api way: 429 in Chinese or empty, 403 flat quota, 503 model_not_found", async () => {
    const { create, call } = await newApi();
    const saturated = await create(body({ prompt: "sea [demo-fail:rate-limit]" }));
    expect(saturated.status).toBe(429);
    expect(await saturated.json()).toEqual({
      code: "fail_to_fetch_task",
      message: NEW_API_SATURATED,
      data: null,
    });
    expect(NEW_API_SATURATED).toBe("当前分组上游负载已饱和，请稍后再试");
    const empty = await create(body({ prompt: "sea [demo-fail:rate-limit-empty]" }));
    expect(empty.status).toBe(429);
    expect(await empty.text()).toBe("");
    const quota = await create(body({ prompt: "sea [demo-fail:quota]" }));
    expect(quota.status).toBe(403);
    // Flat: the code at the top, not inside `error`.
    expect(await quota.json()).toMatchObject({ code: "insufficient_user_quota", data: null });
    const unavailable = await create(body({ prompt: "sea [demo-fail:unavailable]" }));
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { code: "model_not_found" } });
    // None of them made a task.
    expect((await call("GET", "/v1/videos/task_1")).status).toBe(400);
  });

  it("[demo-fail:create-500] makes the task, then answers 500 do_request_failed", async () => {
    const { create, read, advance } = await newApi();
    const response = await create(body({ prompt: "sea [demo-fail:create-500]" }));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "do_request_failed" });
    advance(4000);
    expect((await read()).status).toBe("completed");
  });
});

describe("demo gateway, new-api dialect: reads", () => {
  it("answers progress 0/20/30/100, no task_id, completed_at (the row's update time) always", async () => {
    const { create, read, advance } = await newApi();
    await create(body());
    const createdAt = Date.parse("2026-03-01T12:00:00Z") / 1000;
    const seen: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const video = await read();
      expect(video).not.toHaveProperty("task_id");
      seen.push([video.status, video.progress, video.completed_at - createdAt]);
      advance(1000);
    }
    expect(seen).toEqual([
      ["queued", 0, 0],
      ["queued", 20, 1],
      ["in_progress", 30, 2],
      ["in_progress", 30, 3],
      ["completed", 100, 4],
      ["completed", 100, 4],
    ]);
  });

  it("reports a failure with the provider's code and no prefix", async () => {
    const { create, read, advance } = await newApi();
    await create(body({ prompt: "street [demo-fail:moderation]" }));
    advance(4000);
    const failed = await read();
    expect(failed).toMatchObject({
      status: "failed",
      progress: 100,
      error: {
        code: "DataInspectionFailed",
        message: "Output data may contain inappropriate content.",
      },
    });
    expect(failed.metadata).toBeUndefined();
  });

  it("[demo-fail:moderation@seed=N] fails only the take whose seed (in metadata.parameters) is N", async () => {
    const { create, call, advance } = await newApi();
    const ids: string[] = [];
    for (const seed of [7, 8]) {
      const created = await create(
        body({
          prompt: "street [demo-fail:moderation@seed=8]",
          metadata: { input: { media: frame() }, parameters: { seed } },
        }),
      );
      ids.push((await created.json()).id);
    }
    advance(4000);
    const read = async (id: string) => (await call("GET", `/v1/videos/${id}`)).json();
    expect((await read(ids[0])).status).toBe("completed");
    expect(await read(ids[1])).toMatchObject({
      status: "failed",
      error: { code: "DataInspectionFailed" },
    });
  });

  it("[demo-fail:unknown-transient] reads 'unknown' with Throttling for two minutes, then completes", async () => {
    const { create, read, advance } = await newApi();
    await create(body({ prompt: "harbour [demo-fail:unknown-transient]" }));
    for (const at of [0, 5000, 60_000, 119_999]) {
      advance(at);
      const video = await read();
      expect(video, `at ${at} ms`).toMatchObject({
        status: "unknown",
        error: { code: "Throttling.RateQuota", message: expect.stringMatching(/rate limit/) },
      });
      advance(-at);
    }
    advance(120_000);
    const done = await read();
    expect(done).toMatchObject({ status: "completed", progress: 100 });
    expect(done.error).toBeUndefined();
    expect(done.metadata.url).toMatch(/\/files\/task_1\?/);
  });

  it("takes a window for the transient unknown, e.g. [demo-fail:unknown-transient:3s]", async () => {
    const { create, read, advance } = await newApi();
    await create(body({ prompt: "[demo-fail:unknown-transient:3s]" }));
    advance(2999);
    expect((await read()).status).toBe("unknown");
    advance(1);
    expect(await read()).toMatchObject({ status: "in_progress", progress: 30 });
  });
});

describe("demo gateway, new-api dialect: content", () => {
  it("ignores Range (always a full 200), refuses before completion, 404 for an unknown id", async () => {
    const { create, call, advance } = await newApi();
    await create(body());
    const early = await call("GET", "/v1/videos/task_1/content");
    expect(early.status).toBe(400);
    expect((await early.json()).error.message).toMatch(/^Task is not completed yet/);
    advance(4000);
    const full = await call("GET", "/v1/videos/task_1/content");
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe("ftyp");
    const ranged = await call("GET", "/v1/videos/task_1/content", {
      headers: { Range: "bytes=100-199" },
    });
    expect(ranged.status).toBe(200);
    expect(ranged.headers.get("content-range")).toBeNull();
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes);
    expect((await call("GET", "/v1/videos/nope/content")).status).toBe(404);
  });

  it("cuts a download at its deadline, body included: [demo-fail:content-slow] never arrives whole", async () => {
    const { create, call, advance } = await newApi({ downloadLimitMs: 400 });
    await create(body({ prompt: "slow [demo-fail:content-slow]" }));
    advance(4000);
    const started = Date.now();
    const response = await call("GET", "/v1/videos/task_1/content");
    expect(response.status).toBe(200);
    const total = Number(response.headers.get("content-length"));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.byteLength;
        }
      })(),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(total);
  });

  it("a quick download ends well before the deadline and is whole", async () => {
    const { create, call, advance } = await newApi({ downloadLimitMs: 2000 });
    await create(body());
    advance(4000);
    const response = await call("GET", "/v1/videos/task_1/content");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(response.headers.get("content-length")));
  });
});
