import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  buildCreateBody,
  createGatewayClient,
  describeFailure,
  GatewayError,
  type GatewayErrorCode,
  type GatewayVideo,
} from "@/lib/gateway";

/**
 * The gateway's real answers, as upstream-api.md records them (the documented dialect, and
 * mainline new-api's from its code), served by a real node:http server, and how our client
 * reads each: the code, whether a create's outcome is unknown, the sentence a person reads,
 * and the parsed fields. A change of reading shows here first.
 */

const KEY = "sk-contract-7e2b8d4e6f1c9a";

interface Fixture {
  status: number;
  /** A string is sent as is (HTML, empty, or text); anything else as JSON. */
  body: unknown;
  contentType?: string;
}

let fixture: Fixture = { status: 500, body: "" };
const hits: { method: string; url: string; auth?: string }[] = [];

const server = http.createServer((req, res) => {
  hits.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
  req.resume();
  req.on("end", () => {
    const text = typeof fixture.body === "string" ? fixture.body : JSON.stringify(fixture.body);
    const type =
      fixture.contentType ?? (typeof fixture.body === "string" ? "text/plain" : "application/json");
    res.writeHead(fixture.status, text ? { "Content-Type": type } : {});
    res.end(text);
  });
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.length = 0;
});

function client() {
  return createGatewayClient({ baseUrl: base, apiKey: KEY, timeoutMs: 2000, retryBaseMs: 1 });
}

const create = () =>
  client().createVideo(
    buildCreateBody({ seconds: 5, size: "720P", prompt: "waves" }, [
      { type: "first_frame", url: "https://media.example/a.png" },
    ]),
  );

async function refusal(call: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(`${error.message} ${error.userMessage}`).not.toContain(KEY);
    return error;
  }
  throw new Error("expected the gateway's answer to be refused");
}

const T0 = 1_767_000_000;
const UPDATED = T0 + 42;
const SIGNED = "https://dashscope-result.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1&Signature=x";

describe("create answer", () => {
  it("documented: id and task_id, queued, Unix seconds", async () => {
    fixture = {
      status: 200,
      body: {
        id: "video_abc",
        task_id: "video_abc",
        object: "video",
        model: "wan2.7-i2v",
        status: "queued",
        progress: 0,
        created_at: T0,
      },
    };
    expect(await create()).toEqual({
      id: "video_abc",
      status: "queued",
      progress: 0,
      createdAt: new Date(T0 * 1000),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ method: "POST", url: "/v1/videos", auth: `Bearer ${KEY}` });
  });
});

describe("reads, in both dialects", () => {
  const read = (body: unknown) => {
    fixture = { status: 200, body };
    return client().getVideo("video_abc");
  };
  const common = { id: "video_abc", object: "video", model: "wan2.7-i2v", created_at: T0 };

  const cases: { name: string; body: Record<string, unknown>; expected: GatewayVideo }[] = [
    {
      name: "documented queued",
      body: { ...common, task_id: "video_abc", status: "queued", progress: 0 },
      expected: { id: "video_abc", status: "queued", progress: 0, createdAt: new Date(T0 * 1000) },
    },
    {
      name: "new-api queued: no task_id, completed_at = the row's update time",
      body: { ...common, status: "queued", progress: 0, completed_at: UPDATED },
      expected: { id: "video_abc", status: "queued", progress: 0, createdAt: new Date(T0 * 1000) },
    },
    {
      name: "newer new-api NOT_START with a string progress",
      body: { ...common, status: "NOT_START", progress: "0%", completed_at: UPDATED },
      expected: { id: "video_abc", status: "queued", progress: 0, createdAt: new Date(T0 * 1000) },
    },
    {
      name: "new-api in_progress at 30 with completed_at present (ignored)",
      body: { ...common, status: "in_progress", progress: 30, completed_at: UPDATED },
      expected: {
        id: "video_abc",
        status: "in_progress",
        progress: 30,
        createdAt: new Date(T0 * 1000),
      },
    },
    {
      name: "documented completed with metadata.url",
      body: {
        ...common,
        task_id: "video_abc",
        status: "completed",
        progress: 100,
        completed_at: UPDATED,
        metadata: { url: SIGNED },
      },
      expected: {
        id: "video_abc",
        status: "completed",
        progress: 100,
        createdAt: new Date(T0 * 1000),
        completedAt: new Date(UPDATED * 1000),
        resultUrl: SIGNED,
      },
    },
    {
      name: 'newer new-api SUCCESS, progress "100%", link at video_url',
      body: {
        ...common,
        status: "SUCCESS",
        progress: "100%",
        completed_at: UPDATED,
        video_url: SIGNED,
      },
      expected: {
        id: "video_abc",
        status: "completed",
        progress: 100,
        createdAt: new Date(T0 * 1000),
        completedAt: new Date(UPDATED * 1000),
        resultUrl: SIGNED,
      },
    },
    {
      name: "completed with the link at url, and a metadata without one",
      body: { ...common, status: "completed", progress: 100, url: SIGNED, metadata: {} },
      expected: {
        id: "video_abc",
        status: "completed",
        progress: 100,
        createdAt: new Date(T0 * 1000),
        resultUrl: SIGNED,
      },
    },
    {
      name: 'new-api failed: the provider\'s code, no "Code: " prefix',
      body: {
        ...common,
        status: "failed",
        progress: 100,
        completed_at: UPDATED,
        error: {
          code: "DataInspectionFailed",
          message: "Output data may contain inappropriate content.",
        },
      },
      expected: {
        id: "video_abc",
        status: "failed",
        progress: 100,
        createdAt: new Date(T0 * 1000),
        completedAt: new Date(UPDATED * 1000),
        error: {
          code: "DataInspectionFailed",
          message: "Output data may contain inappropriate content.",
        },
      },
    },
    {
      name: "newer new-api FAILURE with fail_reason only",
      body: {
        ...common,
        status: "FAILURE",
        progress: "100%",
        completed_at: UPDATED,
        fail_reason: "InvalidParameter: The image resolution is too small",
      },
      expected: {
        id: "video_abc",
        status: "failed",
        progress: 100,
        createdAt: new Date(T0 * 1000),
        completedAt: new Date(UPDATED * 1000),
        error: { code: "error", message: "InvalidParameter: The image resolution is too small" },
      },
    },
    {
      name: "new-api unknown while its refresh round is throttled: transient",
      body: {
        ...common,
        status: "unknown",
        progress: 30,
        completed_at: UPDATED,
        error: { code: "Throttling.RateQuota", message: "Requests rate limit exceeded." },
      },
      expected: {
        id: "video_abc",
        status: "unknown",
        progress: 30,
        createdAt: new Date(T0 * 1000),
        error: { code: "Throttling.RateQuota", message: "Requests rate limit exceeded." },
        transient: true,
      },
    },
    {
      name: "documented unknown without a reason: not transient",
      body: { ...common, task_id: "video_abc", status: "unknown", progress: 0 },
      expected: { id: "video_abc", status: "unknown", progress: 0, createdAt: new Date(T0 * 1000) },
    },
  ];

  it.each(cases)("$name", async ({ body, expected }) => {
    expect(await read(body)).toEqual(expected);
  });

  it.each([
    ["RequestTimeOut", true],
    ["InternalError", true],
    ["internal_error", true],
    ["Throttling", true],
    ["InvalidApiKey", false],
    ["DataInspectionFailed", false],
  ])("an unknown read whose error code is %s: transient %s", async (code, transient) => {
    const video = await read({ ...common, status: "unknown", error: { code, message: "x" } });
    expect(video.transient === true).toBe(transient);
  });

  it("words a failed read's reason as the person reads it", () => {
    expect(describeFailure("InvalidParameter", "The image resolution is too small")).toBe(
      "The model refused the inputs: The image resolution is too small. Check the media and the settings.",
    );
    expect(describeFailure("error", "InvalidParameter: The image resolution is too small")).toBe(
      "The model refused the inputs: The image resolution is too small. Check the media and the settings.",
    );
    expect(
      describeFailure("DataInspectionFailed", "Output data may contain inappropriate content."),
    ).toBe(MODERATION);
  });
});

const MODERATION =
  "The content check refused this video: the inputs, the prompt or the result may contain inappropriate content. Try different media or a different prompt.";
const REFUSED = "The model refused the inputs. Check the media, the duration and the prompt.";
const UNAVAILABLE = "The video service is unavailable right now. Try again in a few minutes.";
const BUSY = "The video service is busy right now (rate limit reached). Try again in a minute.";
const SATURATED =
  "The video provider is at capacity right now; nothing was started or charged. Try again in a few minutes.";
const QUOTA = "The video service account is out of credit. Ask an administrator to top it up.";
const KEY_EXHAUSTED =
  "The video service key has used up its credit limit. Ask an administrator to raise it or set a new VIDEO_API_KEY.";
const KEY_REFUSED =
  "The video service refused our API key. Ask an administrator to check VIDEO_API_KEY.";

interface ErrorCase {
  name: string;
  fixture: Fixture;
  code: GatewayErrorCode;
  outcomeUnknown: boolean;
  user: string;
  upstreamCode?: string;
}

const providerJson = (code: string, message: string) =>
  JSON.stringify({ code, message, request_id: "7f3e1c2a-0b5d-9a4e-8c61-3d2f0e9b7a15" });

const createErrors: ErrorCase[] = [
  {
    name: "400 invalid_request: prompt is required",
    fixture: { status: 400, body: { code: "invalid_request", message: "prompt is required" } },
    code: "prompt_required:gateway",
    outcomeUnknown: false,
    user: "This video service needs a prompt: describe the motion.",
    upstreamCode: "invalid_request",
  },
  {
    name: "400 invalid_json (seconds sent as a number)",
    fixture: {
      status: 400,
      body: {
        code: "invalid_json",
        message: "json: cannot unmarshal number into Go struct field .seconds of type string",
      },
    },
    code: "rejected:gateway",
    outcomeUnknown: false,
    user: REFUSED,
    upstreamCode: "invalid_json",
  },
  {
    name: "500 build_request_failed (no usable media: nothing sent)",
    fixture: {
      status: 500,
      body: { code: "build_request_failed", message: "no image or video input" },
    },
    code: "rejected:gateway",
    outcomeUnknown: false,
    user: REFUSED,
    upstreamCode: "build_request_failed",
  },
  {
    name: "503 model_not_found (no channel: nothing sent)",
    fixture: {
      status: 503,
      body: {
        error: {
          message: "No available channel for model wan2.7-i2v under group default",
          type: "new_api_error",
          code: "model_not_found",
        },
      },
    },
    code: "unavailable:gateway",
    outcomeUnknown: false,
    user: UNAVAILABLE,
    upstreamCode: "model_not_found",
  },
  {
    name: "500 do_request_failed (the provider may have it)",
    fixture: {
      status: 500,
      body: {
        code: "do_request_failed",
        message:
          'Post "https://dashscope.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis": EOF',
      },
    },
    code: "unavailable:gateway",
    outcomeUnknown: true,
    user: UNAVAILABLE,
    upstreamCode: "do_request_failed",
  },
  {
    name: "400 fail_to_fetch_task with the provider's InvalidParameter inside",
    fixture: {
      status: 400,
      body: {
        code: "fail_to_fetch_task",
        message: providerJson("InvalidParameter", "The image resolution is too small"),
        data: null,
      },
    },
    code: "rejected:gateway",
    outcomeUnknown: false,
    user: "The model refused the inputs: The image resolution is too small. Check the media and the settings.",
    upstreamCode: "InvalidParameter",
  },
  {
    name: "400 fail_to_fetch_task with a prefixed InvalidParameter message inside",
    fixture: {
      status: 400,
      body: {
        code: "fail_to_fetch_task",
        message: providerJson("InvalidParameter", "InvalidParameter: seconds must be 2 to 15"),
      },
    },
    code: "rejected:gateway",
    outcomeUnknown: false,
    user: "The model refused the inputs: seconds must be 2 to 15. Check the media and the settings.",
    upstreamCode: "InvalidParameter",
  },
  {
    name: "400 fail_to_fetch_task with DataInspectionFailed nested under error",
    fixture: {
      status: 400,
      body: {
        code: "fail_to_fetch_task",
        message: `status 400: ${JSON.stringify({
          error: {
            code: "DataInspectionFailed",
            message: "Input data may contain inappropriate content.",
          },
        })}`,
      },
    },
    code: "moderation:gateway",
    outcomeUnknown: false,
    user: MODERATION,
    upstreamCode: "DataInspectionFailed",
  },
  {
    name: "429 with new-api's fixed Chinese throttling message",
    fixture: {
      status: 429,
      body: {
        error: { message: "当前分组上游负载已饱和，请稍后再试", type: "new_api_error", code: "" },
      },
    },
    code: "rate_limited:gateway",
    outcomeUnknown: false,
    user: SATURATED,
  },
  {
    name: "429 with an empty body (a build's global limiter)",
    fixture: { status: 429, body: "" },
    code: "rate_limited:gateway",
    outcomeUnknown: false,
    user: BUSY,
  },
  {
    name: "403 insufficient_user_quota",
    fixture: {
      status: 403,
      body: {
        error: {
          message: "用户额度不足, 剩余额度: ＄0.012000",
          type: "new_api_error",
          code: "insufficient_user_quota",
        },
      },
    },
    code: "quota:gateway",
    outcomeUnknown: false,
    user: QUOTA,
    upstreamCode: "insufficient_user_quota",
  },
  {
    name: "403 pre_consume_token_quota_failed (flat)",
    fixture: {
      status: 403,
      body: {
        code: "pre_consume_token_quota_failed",
        message: "pre-consume token quota failed, token remain quota: ＄0.00, need quota: ＄0.50",
      },
    },
    code: "quota:gateway",
    outcomeUnknown: false,
    user: QUOTA,
    upstreamCode: "pre_consume_token_quota_failed",
  },
  {
    name: "401 a key whose own limit is used up (naming the key)",
    fixture: {
      status: 401,
      body: {
        error: {
          message: `该令牌额度已用尽 TokenStatusExhausted[${KEY}]`,
          type: "new_api_error",
        },
      },
    },
    code: "quota:gateway",
    outcomeUnknown: false,
    user: KEY_EXHAUSTED,
  },
  {
    name: "401 an unknown key",
    fixture: { status: 401, body: { error: { message: "无效的令牌", type: "new_api_error" } } },
    code: "unauthorized:gateway",
    outcomeUnknown: false,
    user: KEY_REFUSED,
  },
  {
    name: "502 HTML page from a proxy",
    fixture: {
      status: 502,
      body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
      contentType: "text/html",
    },
    code: "unavailable:gateway",
    outcomeUnknown: true,
    user: UNAVAILABLE,
  },
];

describe("create refusals", () => {
  it.each(createErrors)("$name → $code", async (c) => {
    fixture = c.fixture;
    const error = await refusal(create);
    expect(error.code).toBe(c.code);
    expect(error.status).toBe(c.fixture.status);
    expect(error.outcomeUnknown).toBe(c.outcomeUnknown);
    expect(error.userMessage).toBe(c.user);
    expect(error.upstreamCode).toBe(c.upstreamCode);
    expect(error.message).not.toContain("<html>");
    // Whatever the answer, a create is sent once.
    expect(hits).toHaveLength(1);
  });
});

describe("reads and content refusals", () => {
  it("content before completion: 400, refused, not retried", async () => {
    fixture = {
      status: 400,
      body: {
        error: {
          message: "Task is not completed yet, current status: in_progress",
          type: "invalid_request_error",
        },
      },
    };
    const error = await refusal(() => client().downloadVideoContent("video_abc"));
    expect(error.code).toBe("rejected:gateway");
    expect(error.status).toBe(400);
    expect(hits).toHaveLength(1);
    expect(hits[0].url).toBe("/v1/videos/video_abc/content");
  });

  it("content of an unknown id: 404, not found, not retried", async () => {
    fixture = {
      status: 404,
      body: { error: { message: "task not found", type: "invalid_request_error" } },
    };
    const error = await refusal(() => client().downloadVideoContent("video_nope"));
    expect(error.code).toBe("not_found:gateway");
    expect(error.userMessage).toBe(
      "The video service no longer knows this task; it may have expired.",
    );
    expect(hits).toHaveLength(1);
  });

  it("a read of an unknown id: 400 task_not_exist → not found", async () => {
    fixture = {
      status: 400,
      body: { code: "task_not_exist", message: "task_not_exist", data: null },
    };
    const error = await refusal(() => client().getVideo("video_nope"));
    expect(error.code).toBe("not_found:gateway");
    expect(hits).toHaveLength(1);
  });
});
