import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildCreateBody,
  type CreateVideoBody,
  createGatewayClient,
  describeFailure,
  GatewayError,
  type GatewayErrorCode,
  styleCreateBody,
} from "@/lib/gateway";

// Real HTTP on 127.0.0.1: the client's fetch, timeouts, redirects and retries all run for real.

const KEY = "sk-test-4f1c9a7e2b8d4e6f";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen[]) => void;

interface TestServer {
  url: string;
  port: number;
  seen: Seen[];
}

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Handler, host = "127.0.0.1"): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res, seen);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port, seen };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function client(baseUrl: string, extra: Partial<Parameters<typeof createGatewayClient>[0]> = {}) {
  return createGatewayClient({
    baseUrl,
    apiKey: KEY,
    timeoutMs: 2000,
    retries: 3,
    retryBaseMs: 5,
    ...extra,
  });
}

const body: CreateVideoBody = buildCreateBody({ seconds: 5, size: "1080P", prompt: " waves " }, [
  { type: "first_frame", url: "https://media.example/a.png" },
  { type: "driving_audio", url: "https://media.example/a.mp3" },
]);

const queued = { id: "task_1", task_id: "task_1", object: "video", status: "queued", progress: 0 };

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gatewayError = error as GatewayError;
    // The key never reaches a message, whatever the upstream echoed.
    expect(gatewayError.message).not.toContain(KEY);
    expect(gatewayError.userMessage).not.toContain(KEY);
    expect(gatewayError.stack ?? "").not.toContain(KEY);
    return gatewayError;
  }
  throw new Error("expected a GatewayError");
}

describe("buildCreateBody", () => {
  const media = [
    { type: "first_frame", url: "https://media.example/a.png" },
    { type: "driving_audio", url: "https://media.example/a.mp3" },
  ];

  it("sends the media top-level and in metadata.input, seconds as a string, the size", () => {
    expect(body).toEqual({
      model: "wan2.7-i2v",
      media,
      seconds: "5",
      size: "1080P",
      prompt: "waves",
      metadata: { input: { media } },
    });
    const bare = buildCreateBody({ seconds: 2, size: "720P", prompt: "  " }, []);
    expect(bare).toEqual({
      model: "wan2.7-i2v",
      media: [],
      seconds: "2",
      size: "720P",
      metadata: { input: { media: [] } },
    });
    expect(() => buildCreateBody({ seconds: 2.5, size: "720P" }, [])).toThrow(RangeError);
  });

  it("puts the optional settings in both places, with the documented types, only when set", () => {
    const full = buildCreateBody(
      {
        seconds: 5,
        size: "720P",
        prompt: "waves",
        negativePrompt: " blur ",
        seed: 0,
        promptExtend: false,
        watermark: true,
      },
      [media[0]] as never,
    );
    expect(full).toMatchObject({
      negative_prompt: "blur",
      seed: 0,
      prompt_extend: false,
      watermark: true,
      metadata: {
        input: { media: [media[0]], negative_prompt: "blur" },
        parameters: { seed: 0, prompt_extend: false, watermark: true },
      },
    });
    const some = buildCreateBody({ seconds: 5, size: "720P", seed: 2_147_483_647 }, []);
    expect(some.metadata?.parameters).toEqual({ seed: 2_147_483_647 });
    expect(Object.keys(some)).not.toContain("watermark");
    expect(Object.keys(some)).not.toContain("negative_prompt");
    for (const seed of [-1, 2 ** 31, 1.5]) {
      expect(() => buildCreateBody({ seconds: 5, size: "720P", seed }, [])).toThrow(RangeError);
    }
  });

  it("narrows to one form for a gateway build that reads only that one", () => {
    const full = buildCreateBody(
      { seconds: 5, size: "720P", prompt: "p", negativePrompt: "n", seed: 7 },
      [media[0]] as never,
    );
    expect(styleCreateBody(full, "both")).toEqual(full);
    expect(styleCreateBody(full, "top")).toEqual({
      model: "wan2.7-i2v",
      seconds: "5",
      size: "720P",
      prompt: "p",
      media: [media[0]],
      negative_prompt: "n",
      seed: 7,
    });
    expect(styleCreateBody(full, "metadata")).toEqual({
      model: "wan2.7-i2v",
      seconds: "5",
      size: "720P",
      prompt: "p",
      metadata: {
        input: { media: [media[0]], negative_prompt: "n" },
        parameters: { seed: 7 },
      },
    });
  });
});

describe("createVideo", () => {
  it("posts the body with the bearer key to /v1/videos and reshapes the answer", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { ...queued, model: "wan2.7-i2v", created_at: 1_700_000_000, extra: 1 }),
    );
    const video = await client(`${server.url}/`).createVideo(body);
    expect(video).toEqual({
      id: "task_1",
      status: "queued",
      progress: 0,
      createdAt: new Date(1_700_000_000_000),
    });
    expect(server.seen).toHaveLength(1);
    const [request] = server.seen;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/videos");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers["content-type"]).toBe("application/json");
    const sent = JSON.parse(request.body);
    expect(sent).toEqual(body);
    expect(typeof sent.seconds).toBe("string");
  });

  it.each([
    ["top", ["media"], ["metadata"]],
    ["metadata", ["metadata"], ["media"]],
  ] as const)("with bodyStyle %s, sends only that form", async (bodyStyle, sent, absent) => {
    const server = await serve((_req, res) => json(res, 200, queued));
    await client(server.url, { bodyStyle }).createVideo(body);
    const wire = JSON.parse(server.seen[0].body);
    for (const key of sent) expect(wire).toHaveProperty(key);
    for (const key of absent) expect(wire).not.toHaveProperty(key);
    expect(wire.seconds).toBe("5");
  });

  it("accepts task_id alone and maps another channel's status", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { task_id: "abc", status: "pending", created_at: "1700000000" }),
    );
    const video = await client(server.url).createVideo(body);
    expect(video.id).toBe("abc");
    expect(video.status).toBe("queued");
    expect(video.createdAt.getTime()).toBe(1_700_000_000_000);
  });

  const errorCases: {
    name: string;
    status: number;
    reply: unknown;
    headers?: Record<string, string>;
    code: GatewayErrorCode;
    upstreamCode?: string;
    outcomeUnknown: boolean;
    retryAfterMs?: number;
    user: RegExp;
  }[] = [
    {
      name: "401 bad key (shape 1)",
      status: 401,
      reply: {
        error: { message: "invalid token", type: "new_api_error", code: "invalid_api_key" },
      },
      code: "unauthorized:gateway",
      upstreamCode: "invalid_api_key",
      outcomeUnknown: false,
      user: /API key/,
    },
    {
      name: "402 quota (shape 1)",
      status: 402,
      reply: {
        error: { message: "quota exceeded", type: "new_api_error", code: "insufficient_quota" },
      },
      code: "quota:gateway",
      upstreamCode: "insufficient_quota",
      outcomeUnknown: false,
      user: /out of credit/,
    },
    {
      name: "403 model not allowed (shape 1)",
      status: 403,
      reply: {
        error: { message: "model not allowed", type: "new_api_error", code: "access_denied" },
      },
      code: "unauthorized:gateway",
      upstreamCode: "access_denied",
      outcomeUnknown: false,
      user: /API key/,
    },
    {
      name: "403 with a quota code",
      status: 403,
      reply: {
        error: { message: "no balance", type: "new_api_error", code: "insufficient_user_quota" },
      },
      code: "quota:gateway",
      upstreamCode: "insufficient_user_quota",
      outcomeUnknown: false,
      user: /out of credit/,
    },
    {
      name: "429 with Retry-After seconds",
      status: 429,
      reply: {
        error: { message: "rate limited", type: "rate_limit", code: "rate_limit_exceeded" },
      },
      headers: { "Retry-After": "7" },
      code: "rate_limited:gateway",
      upstreamCode: "rate_limit_exceeded",
      outcomeUnknown: false,
      retryAfterMs: 7000,
      user: /busy/,
    },
    {
      name: "429 without Retry-After",
      status: 429,
      reply: { error: { message: "rate limited", type: "rate_limit" } },
      code: "rate_limited:gateway",
      outcomeUnknown: false,
      user: /busy/,
    },
    {
      name: "500 (outcome unknown)",
      status: 500,
      reply: { error: { message: "internal error", type: "server_error" } },
      code: "unavailable:gateway",
      outcomeUnknown: true,
      user: /unavailable/,
    },
    {
      name: "503 (shape 1)",
      status: 503,
      reply: { error: { message: "no channel", type: "new_api_error", code: "model_not_found" } },
      code: "unavailable:gateway",
      upstreamCode: "model_not_found",
      // new-api found no channel for the model: nothing reached the provider.
      outcomeUnknown: false,
      user: /unavailable/,
    },
    {
      name: "400 task error (shape 2)",
      status: 400,
      reply: { code: "invalid_request", message: "seconds must be 2..15", data: null },
      code: "rejected:gateway",
      upstreamCode: "invalid_request",
      outcomeUnknown: false,
      user: /refused the inputs/,
    },
    {
      name: "ali_api_error moderation",
      status: 400,
      reply: {
        code: "ali_api_error",
        message: "DataInspectionFailed: Input data may contain inappropriate content.",
        data: null,
      },
      code: "moderation:gateway",
      upstreamCode: "ali_api_error",
      outcomeUnknown: false,
      user: /content check/,
    },
    {
      name: "ali_api_error invalid parameter",
      status: 400,
      reply: {
        code: "ali_api_error",
        message: "InvalidParameter: The image resolution is too small",
        data: null,
      },
      code: "rejected:gateway",
      upstreamCode: "ali_api_error",
      outcomeUnknown: false,
      user: /The image resolution is too small\./,
    },
  ];

  it.each(errorCases)("$name → $code", async (c) => {
    const server = await serve((_req, res) => json(res, c.status, c.reply, c.headers));
    const error = await failure(client(server.url).createVideo(body));
    expect(error.code).toBe(c.code);
    expect(error.status).toBe(c.status);
    expect(error.upstreamCode).toBe(c.upstreamCode);
    expect(error.outcomeUnknown).toBe(c.outcomeUnknown);
    expect(error.retryAfterMs).toBe(c.retryAfterMs);
    expect(error.userMessage).toMatch(c.user);
    // A create is never retried, whatever the answer.
    expect(server.seen.filter((s) => s.method === "POST")).toHaveLength(1);
  });

  it("502 HTML page from a proxy → unavailable, outcome unknown, no HTML in the message", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const error = await failure(client(server.url).createVideo(body));
    expect(error.code).toBe("unavailable:gateway");
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).not.toContain("<html>");
    expect(server.seen).toHaveLength(1);
  });

  it("malformed JSON on 200 → bad_response with the outcome unknown", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"id": "task_1", "status": ');
    });
    const error = await failure(client(server.url).createVideo(body));
    expect(error.code).toBe("bad_response:gateway");
    expect(error.outcomeUnknown).toBe(true);
  });

  it("a JSON object without an id → bad_response", async () => {
    const server = await serve((_req, res) => json(res, 200, { status: "queued" }));
    const error = await failure(client(server.url).createVideo(body));
    expect(error.code).toBe("bad_response:gateway");
  });

  it("times out a hanging create once, outcome unknown, never resubmitted", async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const started = Date.now();
    const error = await failure(client(server.url, { timeoutMs: 150 }).createVideo(body));
    expect(error.code).toBe("timeout:gateway");
    expect(error.outcomeUnknown).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.seen).toHaveLength(1);
  });

  it("a connection dropped after sending → network error, outcome unknown, one POST", async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await failure(client(server.url).createVideo(body));
    expect(error.code).toBe("network:gateway");
    expect(error.outcomeUnknown).toBe(true);
    expect(server.seen).toHaveLength(1);
  });

  it("a refused connection → network error, definitely not sent", async () => {
    const server = await serve(() => {});
    const url = server.url;
    await new Promise<void>((resolve) => {
      const s = servers.pop() as http.Server;
      s.close(() => resolve());
    });
    const error = await failure(client(url).createVideo(body));
    expect(error.code).toBe("network:gateway");
    expect(error.outcomeUnknown).toBe(false);
  });

  it("never puts the key in an error, even when the gateway echoes it", async () => {
    const server = await serve((req, res) =>
      json(res, 401, {
        error: { message: `bad header ${req.headers.authorization}`, type: "x", code: "invalid" },
      }),
    );
    const error = await failure(client(server.url).createVideo(body));
    expect(error.message).toContain("[redacted]");
    expect(JSON.stringify({ ...error })).not.toContain(KEY);
  });
});

describe("getVideo", () => {
  it("GETs /v1/videos/{id} with the key and reads a completed task", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, {
        ...queued,
        status: "completed",
        progress: 100,
        created_at: 1_700_000_000,
        completed_at: 1_700_000_090,
        metadata: { url: "https://oss.example/v.mp4?Expires=1" },
      }),
    );
    const video = await client(server.url).getVideo("task_1");
    expect(server.seen[0].url).toBe("/v1/videos/task_1");
    expect(server.seen[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(video).toMatchObject({ status: "completed", progress: 100 });
    expect(video.completedAt?.getTime()).toBe(1_700_000_090_000);
    expect(video.error).toBeUndefined();
  });

  it.each([
    ["queued", "queued"],
    ["pending", "queued"],
    ["in_progress", "in_progress"],
    ["running", "in_progress"],
    ["processing", "in_progress"],
    ["completed", "completed"],
    ["succeeded", "completed"],
    ["success", "completed"],
    ["failed", "failed"],
    ["cancelled", "failed"],
    ["canceled", "failed"],
    ["expired", "failed"],
    ["error", "failed"],
    ["unknown", "unknown"],
    ["something_new", "unknown"],
    [42, "unknown"],
  ])("maps status %s → %s", async (wire, ours) => {
    const server = await serve((_req, res) => json(res, 200, { id: "t", status: wire }));
    expect((await client(server.url).getVideo("t")).status).toBe(ours);
  });

  it("returns a failed task with its error instead of throwing", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, {
        ...queued,
        status: "failed",
        progress: 100,
        error: {
          code: "ali_api_error",
          message: "DataInspectionFailed: Output data may contain inappropriate content.",
        },
      }),
    );
    const video = await client(server.url).getVideo("task_1");
    expect(video.status).toBe("failed");
    expect(video.error).toEqual({
      code: "ali_api_error",
      message: "DataInspectionFailed: Output data may contain inappropriate content.",
    });
    expect(describeFailure(video.error?.code ?? "", video.error?.message)).toMatch(/content check/);
  });

  it("gives a failed task without a reason an error all the same", async () => {
    const server = await serve((_req, res) => json(res, 200, { id: "t", status: "cancelled" }));
    const video = await client(server.url).getVideo("t");
    expect(video.error?.code).toBe("cancelled");
  });

  it.each([
    [{ code: "Code: InvalidParameter", message: "bad size" }, "InvalidParameter", "bad size"],
    [
      { message: "Code: DataInspectionFailed, Message: flagged" },
      "DataInspectionFailed",
      "flagged",
    ],
    [{ code: "InvalidParameter", message: "bad size" }, "InvalidParameter", "bad size"],
  ])('reads a failure\'s code with or without a "Code: " prefix', async (error, code, message) => {
    const server = await serve((_req, res) => json(res, 200, { id: "t", status: "failed", error }));
    expect((await client(server.url).getVideo("t")).error).toEqual({ code, message });
  });

  it("ignores a result link that is not an http(s) URL", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { id: "t", status: "completed", metadata: { url: "javascript:alert(1)" } }),
    );
    const video = await client(server.url).getVideo("t");
    expect(video.status).toBe("completed");
    expect(video.resultUrl).toBeUndefined();
  });

  it("task_not_exist → not_found, not retried", async () => {
    const server = await serve((_req, res) =>
      json(res, 400, { code: "task_not_exist", message: "task_not_exist", data: null }),
    );
    const error = await failure(client(server.url).getVideo("nope"));
    expect(error.code).toBe("not_found:gateway");
    expect(error.userMessage).toMatch(/no longer knows/);
    expect(server.seen).toHaveLength(1);
  });

  it("401 on a read is not retried", async () => {
    const server = await serve((_req, res) =>
      json(res, 401, { error: { message: "no", type: "x", code: "invalid_api_key" } }),
    );
    const error = await failure(client(server.url).getVideo("t"));
    expect(error.code).toBe("unauthorized:gateway");
    expect(server.seen).toHaveLength(1);
  });

  it("retries 5xx and network errors, then succeeds", async () => {
    const server = await serve((req, res, seen) => {
      if (seen.length === 1) return json(res, 503, { error: { message: "busy", type: "x" } });
      if (seen.length === 2) return req.socket.destroy();
      if (seen.length === 3) {
        res.writeHead(502, { "Content-Type": "text/html" });
        return res.end("<html>502</html>");
      }
      json(res, 200, { ...queued, status: "running", progress: 20 });
    });
    const video = await client(server.url).getVideo("task_1");
    expect(video).toMatchObject({ status: "in_progress", progress: 20 });
    expect(server.seen).toHaveLength(4);
  });

  it("gives up after the configured retries", async () => {
    const server = await serve((_req, res) =>
      json(res, 500, { error: { message: "x", type: "y" } }),
    );
    const error = await failure(client(server.url, { retries: 2 }).getVideo("t"));
    expect(error.code).toBe("unavailable:gateway");
    expect(error.outcomeUnknown).toBe(false);
    expect(server.seen).toHaveLength(3);
  });

  it("honours Retry-After on 429 (capped), then retries", async () => {
    const server = await serve((_req, res, seen) =>
      seen.length === 1
        ? json(res, 429, { error: { message: "slow down", type: "x" } }, { "Retry-After": "30" })
        : json(res, 200, queued),
    );
    const started = Date.now();
    await client(server.url, { maxRetryAfterMs: 120, retryBaseMs: 0 }).getVideo("task_1");
    const elapsed = Date.now() - started;
    expect(server.seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(2000);
  });

  it("reads Retry-After as an HTTP date", async () => {
    const when = new Date(Date.now() + 5000).toUTCString();
    const server = await serve((_req, res) =>
      json(res, 429, { error: { message: "slow", type: "x" } }, { "Retry-After": when }),
    );
    const error = await failure(client(server.url, { retries: 0 }).getVideo("t"));
    expect(error.retryAfterMs).toBeGreaterThan(3000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it("retries 429 without Retry-After with back-off", async () => {
    const server = await serve((_req, res, seen) =>
      seen.length < 3
        ? json(res, 429, { error: { message: "slow", type: "x" } })
        : json(res, 200, queued),
    );
    await client(server.url).getVideo("task_1");
    expect(server.seen).toHaveLength(3);
  });

  it("times out a hanging read and retries it a bounded number of times", async () => {
    const server = await serve(() => {});
    const started = Date.now();
    const error = await failure(client(server.url, { timeoutMs: 100, retries: 1 }).getVideo("t"));
    expect(error.code).toBe("timeout:gateway");
    expect(error.outcomeUnknown).toBe(false);
    expect(server.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("malformed JSON on a read → bad_response", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("not json");
    });
    const error = await failure(client(server.url).getVideo("t"));
    expect(error.code).toBe("bad_response:gateway");
    expect(error.outcomeUnknown).toBe(false);
  });

  it("encodes the id into the path", async () => {
    const server = await serve((_req, res) => json(res, 200, { id: "a/b", status: "queued" }));
    await client(server.url).getVideo("a/b");
    expect(server.seen[0].url).toBe("/v1/videos/a%2Fb");
  });
});

describe("downloadVideoContent", () => {
  const bytes = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from("ftypisom"),
    Buffer.alloc(100, 7),
  ]);

  function mp4(req: http.IncomingMessage, res: http.ServerResponse) {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": bytes.length });
      return res.end(bytes);
    }
    const start = Number(range[1]);
    const end = range[2] ? Number(range[2]) : bytes.length - 1;
    res.writeHead(206, {
      "Content-Type": "video/mp4",
      "Content-Range": `bytes ${start}-${end}/${bytes.length}`,
    });
    res.end(bytes.subarray(start, end + 1));
  }

  it("streams the content with the key and forwards Range", async () => {
    const server = await serve(mp4);
    const full = await client(server.url).downloadVideoContent("task_1");
    expect(full.status).toBe(200);
    expect(
      Buffer.from(await full.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe("ftyp");
    const part = await client(server.url).downloadVideoContent("task_1", { range: "bytes=4-11" });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).toString()).toBe("ftypisom");
    expect(server.seen[1].url).toBe("/v1/videos/task_1/content");
    expect(server.seen[1].headers.range).toBe("bytes=4-11");
    expect(server.seen[1].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("follows a redirect to another origin without the Authorization header", async () => {
    // The gateway's own scheme and host (another port): plain http is allowed there.
    const storage = await serve(mp4);
    const gateway = await serve((_req, res) => {
      res.writeHead(302, { Location: `${storage.url}/bucket/v.mp4?sig=abc` });
      res.end();
    });
    const response = await client(gateway.url).downloadVideoContent("task_1", {
      range: "bytes=0-",
    });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(gateway.seen[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0].url).toBe("/bucket/v.mp4?sig=abc");
    expect(storage.seen[0].headers.authorization).toBeUndefined();
    expect(storage.seen[0].headers.range).toBe("bytes=0-");
  });

  it.each([
    ["plain http to another host", (port: number) => `http://localhost:${port}/v.mp4`],
    ["the cloud metadata address", () => "https://169.254.169.254/latest/meta-data/"],
    ["a private address", () => "https://10.1.2.3/v.mp4"],
    ["an IPv4-mapped private address", () => "https://[::ffff:192.168.0.9]/v.mp4"],
    ["a link-local IPv6 address", () => "https://[fe80::1]/v.mp4"],
    ["a non-http scheme", () => "file:///etc/passwd"],
  ])("refuses a redirect to %s, connecting to nothing", async (_name, target) => {
    const elsewhere = await serve(mp4);
    const gateway = await serve((_req, res) => {
      res.writeHead(302, { Location: target(elsewhere.port) });
      res.end();
    });
    const error = await failure(client(gateway.url).downloadVideoContent("task_1"));
    expect(error.code).toBe("bad_response:gateway");
    expect(error.message).toMatch(/redirect refused/);
    expect(error.outcomeUnknown).toBe(false);
    expect(elsewhere.seen).toHaveLength(0);
    // A refusal is not a passing fault: not retried.
    expect(gateway.seen).toHaveLength(1);
  });

  it("keeps the Authorization header on a same-host redirect", async () => {
    const server = await serve((req, res) => {
      if (req.url?.endsWith("/content")) {
        res.writeHead(307, { Location: "/files/v.mp4" });
        return res.end();
      }
      mp4(req, res);
    });
    const response = await client(server.url).downloadVideoContent("task_1");
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(server.seen[1].url).toBe("/files/v.mp4");
    expect(server.seen[1].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("400 before completion → rejected, not retried", async () => {
    const server = await serve((_req, res) =>
      json(res, 400, { error: { message: "video not ready", type: "invalid_request_error" } }),
    );
    const error = await failure(client(server.url).downloadVideoContent("t"));
    expect(error.code).toBe("rejected:gateway");
    expect(error.status).toBe(400);
    expect(server.seen).toHaveLength(1);
  });

  it("502 expired link (shape 3) → retried, then unavailable", async () => {
    const server = await serve((_req, res) =>
      json(res, 502, { error: { message: "result link expired", type: "upstream_error" } }),
    );
    const error = await failure(client(server.url, { retries: 1 }).downloadVideoContent("t"));
    expect(error.code).toBe("unavailable:gateway");
    expect(error.status).toBe(502);
    expect(server.seen).toHaveLength(2);
  });

  it("stops when the caller aborts", async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(
      client(server.url).downloadVideoContent("t", { signal: controller.signal }),
    );
    expect(error.code).toBe("aborted:gateway");
    expect(server.seen).toHaveLength(1);
  });
});

describe("describeFailure", () => {
  it.each([
    [
      "ali_api_error",
      "DataInspectionFailed: Output data may contain inappropriate content.",
      /content check/,
    ],
    ["ali_api_error", "InvalidParameter: Seconds out of range", /Seconds out of range\./],
    ["invalid_request", "bad", /refused the inputs/],
    ["402", "", /out of credit/],
    ["insufficient_quota", "", /out of credit/],
    ["429", "", /busy/],
    ["503", "", /unavailable/],
    ["timeout:gateway", "", /in time/],
    ["network:gateway", "", /could not be reached/],
    ["401", "", /API key/],
    ["task_not_exist", "", /no longer knows/],
    ["expired", "", /expired/],
    ["unknown", "", /expired or its status/],
    ["cancelled", "", /cancelled/],
    ["something_else", "whatever <b>", /could not be generated/],
  ])("%s / %s", (code, message, expected) => {
    expect(describeFailure(code, message)).toMatch(expected);
  });
});
