import { GatewayError, isGatewayError } from "./errors";
import { readFailure } from "./failure";

/**
 * The client's one private request machinery: bearer key, timeout, the errors a transport can
 * raise, and bounded retries for reads. `client.ts` and `content.ts` are thin over it.
 */

export interface Connection {
  base: string;
  baseOrigin: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  fetch: typeof fetch;
}

export interface CallContext {
  method: "GET" | "POST";
  path: string;
  /** A create: never retried, and a lost answer means the outcome is unknown. */
  isCreate: boolean;
  signal?: AbortSignal;
}

export interface Sent {
  response: Response;
  /** Stop the timeout clock (the body may then stream for as long as it needs). */
  stopClock: () => void;
  timedOut: () => boolean;
}

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

/** Upstream text may echo a header back; the key never leaves this module. */
export function redact(conn: Connection, text: string): string {
  let out = text.slice(0, 500);
  if (conn.apiKey.length >= 4) out = out.split(conn.apiKey).join("[redacted]");
  return out
    .replace(/Bearer\s+\S+/gi, "Bearer [redacted]")
    .replace(/sk-[\w-]{8,}/g, "sk-[redacted]");
}

export async function send(
  conn: Connection,
  ctx: CallContext,
  url: string,
  init: RequestInit,
  via: (url: string, init: RequestInit) => Promise<Response> = conn.fetch,
): Promise<Sent> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The gateway did not answer in time.", "TimeoutError"));
  }, conn.timeoutMs);
  const { signal } = ctx;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await via(url, { ...init, signal: controller.signal });
    return { response, stopClock: () => clearTimeout(timer), timedOut: () => timedOut };
  } catch (error) {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    throw transportError(conn, ctx, error, timedOut);
  }
}

export function transportError(
  conn: Connection,
  ctx: CallContext,
  error: unknown,
  timedOut: boolean,
): GatewayError {
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
      message: `${where}: no answer within ${conn.timeoutMs} ms`,
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

/** An answer that is not 2xx, read into our error (see failure.ts for what is certain). */
export function httpError(
  conn: Connection,
  ctx: CallContext,
  response: Response,
  text: string,
): GatewayError {
  const { status } = response;
  const failure = readFailure(status, text, (raw) => redact(conn, raw));
  const detail = failure.upstream
    ? `${failure.upstream.code ?? failure.upstream.type ?? "error"}: ${failure.upstream.message ?? ""}`
    : text.trim()
      ? `non-JSON body (${response.headers.get("content-type") ?? "no content type"})`
      : "empty body";
  return new GatewayError({
    code: failure.code,
    message: `${ctx.method} ${ctx.path} → HTTP ${status} ${detail}`.trim(),
    status,
    upstreamCode: failure.upstream?.code,
    upstreamMessage: failure.upstream?.message,
    retryAfterMs: status === 429 || status === 503 ? retryAfter(conn, response) : undefined,
    outcomeUnknown: ctx.isCreate && failure.outcomeUnknown,
  });
}

export function badResponse(ctx: CallContext, why: string): GatewayError {
  return new GatewayError({
    code: "bad_response:gateway",
    message: `${ctx.method} ${ctx.path}: ${why}`,
    // The create reached the gateway and something answered: a task may exist.
    outcomeUnknown: ctx.isCreate,
  });
}

function retryAfter(conn: Connection, response: Response): number | undefined {
  const header = response.headers.get("retry-after")?.trim();
  if (!header) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(header)
    ? Number(header) * 1000
    : new Date(header).getTime() - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), conn.maxRetryAfterMs);
}

function isRetryable(error: GatewayError): boolean {
  return (
    error.code === "network:gateway" ||
    error.code === "timeout:gateway" ||
    error.status === 429 ||
    (error.status !== undefined && error.status >= 500)
  );
}

function backoff(conn: Connection, error: GatewayError, attempt: number): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const exp = conn.retryBaseMs * 2 ** attempt;
  return Math.min(exp + Math.random() * conn.retryBaseMs, 30_000);
}

/** Runs `once` and, for reads, retries what a retry can fix. A create runs exactly once. */
export async function withRetries<T>(
  conn: Connection,
  ctx: CallContext,
  once: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      if (
        !isGatewayError(error) ||
        ctx.isCreate ||
        attempt >= conn.retries ||
        !isRetryable(error)
      ) {
        throw error;
      }
      await sleep(backoff(conn, error, attempt), ctx.signal);
      if (ctx.signal?.aborted) throw transportError(conn, ctx, ctx.signal.reason, false);
    }
  }
}

/** One JSON call (with retries for reads): the parsed body of a 2xx, or a GatewayError. */
export async function requestJson(
  conn: Connection,
  ctx: CallContext,
  body?: unknown,
): Promise<unknown> {
  return withRetries(conn, ctx, async () => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${conn.apiKey}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const sent = await send(conn, ctx, `${conn.base}${ctx.path}`, {
      method: ctx.method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let text: string;
    try {
      text = await sent.response.text();
    } catch (error) {
      throw transportError(conn, ctx, error, sent.timedOut());
    } finally {
      sent.stopClock();
    }
    if (!sent.response.ok) throw httpError(conn, ctx, sent.response, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badResponse(ctx, `HTTP ${sent.response.status} with a body that is not JSON`);
    }
  });
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
