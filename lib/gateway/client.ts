import { type MediaKind, MODEL, type VideoSize } from "@/lib/video-request";
import { classifyFailure, GatewayError, isGatewayError } from "./errors";
import { type GatewayVideo, parseErrorBody, toGatewayVideo, wireVideoSchema } from "./schemas";

/**
 * The one client for the OpenAI-style video gateway (upstream-api.md). Every call carries the
 * bearer key and a timeout; reads retry network errors, 429 and 5xx with bounded back-off; a
 * create is never retried, because a create whose answer we lost may already be running and
 * billed: it throws with `outcomeUnknown` instead.
 */

/** The create body. `seconds` is a STRING on the wire ("2" … "15"), as the contract says. */
export interface CreateVideoBody {
  model: string;
  media: { type: MediaKind; url: string }[];
  seconds: string;
  size: VideoSize;
  prompt?: string;
  negative_prompt?: string;
  prompt_extend?: boolean;
  watermark?: boolean;
  seed?: number;
}

export interface GatewayClient {
  createVideo(body: CreateVideoBody): Promise<GatewayVideo>;
  /** A failed task is returned with `error`, not thrown. */
  getVideo(id: string): Promise<GatewayVideo>;
  /** The finished MP4 as a streaming Response (200, or 206 for a Range). */
  downloadVideoContent(
    id: string,
    opts?: { range?: string; signal?: AbortSignal },
  ): Promise<Response>;
}

export interface GatewayClientOptions {
  /** Without `/v1`: the client appends `/v1/videos`. */
  baseUrl: string;
  apiKey: string;
  /** Per attempt, until the whole JSON body (or, for content, the headers) arrived. */
  timeoutMs?: number;
  /** Extra attempts for reads; creates never retry. */
  retries?: number;
  /** Back-off base: attempt n waits base·2ⁿ plus up to base of jitter. */
  retryBaseMs?: number;
  /** Longest wait a Retry-After header can impose between two read attempts. */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
}

export function buildCreateBody(
  request: { seconds: number; size: VideoSize; prompt?: string },
  media: { type: MediaKind; url: string }[],
): CreateVideoBody {
  if (!Number.isInteger(request.seconds)) {
    throw new RangeError(`seconds must be a whole number, got ${request.seconds}`);
  }
  const body: CreateVideoBody = {
    model: MODEL,
    media: media.map(({ type, url }) => ({ type, url })),
    // The gateway takes `seconds` as an integer string; a number is refused by some builds.
    seconds: String(request.seconds),
    // Always sent: gateway builds disagree on the default.
    size: request.size,
  };
  const prompt = request.prompt?.trim();
  if (prompt) body.prompt = prompt;
  return body;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Connection failures that prove the request never left: a create that hit one is not sent. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
]);

interface CallContext {
  method: "GET" | "POST";
  path: string;
  /** A create: never retried, and a lost answer means the outcome is unknown. */
  isCreate: boolean;
  signal?: AbortSignal;
}

interface Sent {
  response: Response;
  /** Stop the timeout clock (the body may then stream for as long as it needs). */
  stopClock: () => void;
  timedOut: () => boolean;
}

export function createGatewayClient(opts: GatewayClientOptions): GatewayClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const baseOrigin = new URL(base).origin;
  const apiKey = opts.apiKey;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retries = Math.max(0, opts.retries ?? 3);
  const retryBaseMs = Math.max(0, opts.retryBaseMs ?? 500);
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  const fetchImpl = opts.fetch ?? globalThis.fetch;

  /** Upstream text may echo a header back; the key never leaves this module. */
  function redact(text: string): string {
    let out = text.slice(0, 500);
    if (apiKey.length >= 4) out = out.split(apiKey).join("[redacted]");
    return out
      .replace(/Bearer\s+\S+/gi, "Bearer [redacted]")
      .replace(/sk-[\w-]{8,}/g, "sk-[redacted]");
  }

  async function send(ctx: CallContext, url: string, init: RequestInit): Promise<Sent> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException("The gateway did not answer in time.", "TimeoutError"));
    }, timeoutMs);
    const { signal } = ctx;
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await fetchImpl(url, { ...init, signal: controller.signal });
      return { response, stopClock: () => clearTimeout(timer), timedOut: () => timedOut };
    } catch (error) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      throw transportError(ctx, error, timedOut);
    }
  }

  function transportError(ctx: CallContext, error: unknown, timedOut: boolean): GatewayError {
    const where = `${ctx.method} ${ctx.path}`;
    if (isGatewayError(error)) return error;
    if (ctx.signal?.aborted && !timedOut) {
      return new GatewayError({
        code: "aborted:gateway",
        message: `${where}: aborted by the caller`,
        outcomeUnknown: ctx.isCreate,
        cause: error,
      });
    }
    if (timedOut) {
      return new GatewayError({
        code: "timeout:gateway",
        message: `${where}: no answer within ${timeoutMs} ms`,
        outcomeUnknown: ctx.isCreate,
      });
    }
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
    const errno = typeof cause?.code === "string" ? cause.code : undefined;
    return new GatewayError({
      code: "network:gateway",
      message: `${where}: network error${errno ? ` (${errno})` : ""}`,
      // A refused connection never carried the create; anything later might have.
      outcomeUnknown: ctx.isCreate && !(errno && NOT_SENT_CODES.has(errno)),
      cause: error,
    });
  }

  function httpError(ctx: CallContext, response: Response, text: string): GatewayError {
    const { status } = response;
    const upstream = parseErrorBody(text);
    const upstreamMessage = upstream?.message ? redact(upstream.message) : undefined;
    const code = classifyFailure(status, upstream?.code, upstreamMessage ?? upstream?.type);
    const detail = upstream
      ? `${upstream.code ?? upstream.type ?? "error"}: ${upstreamMessage ?? ""}`
      : `non-JSON body (${response.headers.get("content-type") ?? "no content type"})`;
    return new GatewayError({
      code,
      message: `${ctx.method} ${ctx.path} → HTTP ${status} ${detail}`.trim(),
      status,
      upstreamCode: upstream?.code,
      upstreamMessage,
      retryAfterMs: status === 429 || status === 503 ? retryAfter(response) : undefined,
      // A 4xx is a definite refusal; a 5xx on a create may hide a task that started.
      outcomeUnknown: ctx.isCreate && status >= 500,
    });
  }

  function retryAfter(response: Response): number | undefined {
    const header = response.headers.get("retry-after")?.trim();
    if (!header) return undefined;
    const ms = /^\d+(\.\d+)?$/.test(header)
      ? Number(header) * 1000
      : new Date(header).getTime() - Date.now();
    if (Number.isNaN(ms)) return undefined;
    return Math.min(Math.max(0, Math.round(ms)), maxRetryAfterMs);
  }

  function isRetryable(error: GatewayError): boolean {
    return (
      error.code === "network:gateway" ||
      error.code === "timeout:gateway" ||
      error.status === 429 ||
      (error.status !== undefined && error.status >= 500)
    );
  }

  function backoff(error: GatewayError, attempt: number): number {
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
    const exp = retryBaseMs * 2 ** attempt;
    return Math.min(exp + Math.random() * retryBaseMs, 30_000);
  }

  /** Runs `once` and, for reads, retries what a retry can fix. */
  async function withRetries<T>(ctx: CallContext, once: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        if (!isGatewayError(error) || ctx.isCreate || attempt >= retries || !isRetryable(error)) {
          throw error;
        }
        await sleep(backoff(error, attempt), ctx.signal);
        if (ctx.signal?.aborted) throw transportError(ctx, ctx.signal.reason, false);
      }
    }
  }

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${apiKey}`, Accept: "application/json", ...extra };
  }

  async function requestJson(ctx: CallContext, body?: unknown): Promise<unknown> {
    return withRetries(ctx, async () => {
      const sent = await send(ctx, `${base}${ctx.path}`, {
        method: ctx.method,
        headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      let text: string;
      try {
        text = await sent.response.text();
      } catch (error) {
        throw transportError(ctx, error, sent.timedOut());
      } finally {
        sent.stopClock();
      }
      if (!sent.response.ok) throw httpError(ctx, sent.response, text);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw badResponse(ctx, `HTTP ${sent.response.status} with a body that is not JSON`);
      }
    });
  }

  function badResponse(ctx: CallContext, why: string): GatewayError {
    return new GatewayError({
      code: "bad_response:gateway",
      message: `${ctx.method} ${ctx.path}: ${why}`,
      // The create reached the gateway and something answered: a task may exist.
      outcomeUnknown: ctx.isCreate,
    });
  }

  function parseVideo(ctx: CallContext, json: unknown): GatewayVideo {
    const parsed = wireVideoSchema.safeParse(json);
    if (!parsed.success) {
      throw badResponse(ctx, `unexpected video object (${parsed.error.issues[0]?.message})`);
    }
    return toGatewayVideo(parsed.data);
  }

  function videoPath(id: string): string {
    if (!id.trim()) throw new RangeError("A gateway video id is required.");
    return `/v1/videos/${encodeURIComponent(id)}`;
  }

  async function fetchContent(ctx: CallContext, range?: string): Promise<Response> {
    let url = `${base}${ctx.path}`;
    let withAuth = true;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const requestHeaders: Record<string, string> = {};
      // Never hand our key to another host (a storage bucket's signed URL needs none).
      if (withAuth) requestHeaders.Authorization = `Bearer ${apiKey}`;
      if (range) requestHeaders.Range = range;
      const sent = await send(ctx, url, {
        method: "GET",
        headers: requestHeaders,
        redirect: "manual",
      });
      const { response } = sent;
      if (REDIRECTS.has(response.status)) {
        sent.stopClock();
        await response.body?.cancel().catch(() => {});
        const location = response.headers.get("location");
        const next = location ? safeUrl(location, url) : undefined;
        if (!next) throw badResponse(ctx, `HTTP ${response.status} without a usable Location`);
        if (next.origin !== baseOrigin) withAuth = false;
        url = next.href;
        continue;
      }
      if (response.status === 200 || response.status === 206) {
        sent.stopClock();
        return response;
      }
      let text = "";
      try {
        text = await response.text();
      } catch {
        // The status says enough.
      } finally {
        sent.stopClock();
      }
      throw httpError(ctx, response, text);
    }
    throw badResponse(ctx, `more than ${MAX_REDIRECTS} redirects`);
  }

  return {
    async createVideo(body) {
      const ctx: CallContext = { method: "POST", path: "/v1/videos", isCreate: true };
      return parseVideo(ctx, await requestJson(ctx, body));
    },
    async getVideo(id) {
      const ctx: CallContext = { method: "GET", path: videoPath(id), isCreate: false };
      return parseVideo(ctx, await requestJson(ctx));
    },
    async downloadVideoContent(id, options = {}) {
      const ctx: CallContext = {
        method: "GET",
        path: `${videoPath(id)}/content`,
        isCreate: false,
        signal: options.signal,
      };
      return withRetries(ctx, () => fetchContent(ctx, options.range));
    },
  };
}

function safeUrl(location: string, from: string): URL | undefined {
  try {
    const url = new URL(location, from);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
