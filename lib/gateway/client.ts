import { fetchContent, policyOnce } from "./content";
import { type CreateVideoBody, type GatewayBodyStyle, styleCreateBody } from "./create-body";
import {
  badResponse,
  type CallContext,
  type Connection,
  requestJson,
  withRetries,
} from "./request";
import { type GatewayVideo, toGatewayVideo, wireVideoSchema } from "./schemas";

/**
 * The one client for the OpenAI-style video gateway (upstream-api.md). Every call carries the
 * bearer key and a timeout; reads retry network errors, 429 and 5xx with bounded back-off; a
 * create is never retried, because a create whose answer we lost may already be running and
 * billed: it throws with `outcomeUnknown` instead. The machinery lives in request.ts (one
 * private request), content.ts (downloads and redirects) and create-body.ts (the body).
 */

export {
  buildCreateBody,
  type CreateBodyInput,
  type CreateMedia,
  type CreateParameters,
  type CreateVideoBody,
  type GatewayBodyStyle,
  gatewayBodyStyles,
  styleCreateBody,
} from "./create-body";

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
  /** Which form of the create body this gateway build reads (GATEWAY_BODY_STYLE); `both`. */
  bodyStyle?: GatewayBodyStyle;
  fetch?: typeof fetch;
}

function connection(opts: GatewayClientOptions): Connection {
  const base = opts.baseUrl.replace(/\/+$/, "");
  return {
    base,
    baseOrigin: new URL(base).origin,
    apiKey: opts.apiKey,
    timeoutMs: opts.timeoutMs ?? 30_000,
    retries: Math.max(0, opts.retries ?? 3),
    retryBaseMs: Math.max(0, opts.retryBaseMs ?? 500),
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000,
    fetch: opts.fetch ?? globalThis.fetch,
  };
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

export function createGatewayClient(opts: GatewayClientOptions): GatewayClient {
  const conn = connection(opts);
  const bodyStyle = opts.bodyStyle ?? "both";
  const policy = policyOnce(conn);
  return {
    async createVideo(body) {
      const ctx: CallContext = { method: "POST", path: "/v1/videos", isCreate: true };
      return parseVideo(ctx, await requestJson(conn, ctx, styleCreateBody(body, bodyStyle)));
    },
    async getVideo(id) {
      const ctx: CallContext = { method: "GET", path: videoPath(id), isCreate: false };
      return parseVideo(ctx, await requestJson(conn, ctx));
    },
    async downloadVideoContent(id, options = {}) {
      const ctx: CallContext = {
        method: "GET",
        path: `${videoPath(id)}/content`,
        isCreate: false,
        signal: options.signal,
      };
      return withRetries(conn, ctx, () => fetchContent(conn, ctx, policy, options.range));
    },
  };
}
