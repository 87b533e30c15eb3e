import { randomBytes } from "node:crypto";
import type { VideoSize } from "@/lib/video-request";
import { loadSampleVideo, videoResponse } from "./content";
import {
  type ActiveFault,
  createFaults,
  demoFaults,
  faultActive,
  MAX_HANG_MS,
  parseFault,
  readStoredFault,
  storedFault,
  windowFaults,
} from "./faults";
import { checkMediaUrl, type MediaCheckOptions } from "./media-check";
import {
  contentError,
  gatewayError,
  jsonReply,
  taskError,
  taskNotExist,
  unauthorized,
} from "./replies";
import type { DemoStore } from "./store";
import { type DemoState, demoState } from "./timeline";
import { type DemoRequest, validateCreate } from "./validate";

/**
 * The demo gateway: the contract of upstream-api.md over Web `Request`/`Response`, so it
 * mounts as Next route handlers (app/api/demo-gateway) and, in tests, on node:http. The real
 * `lib/gateway` client talks to it unchanged.
 */

export interface DemoGatewayDeps {
  store: DemoStore;
  /** The bearer token it accepts (DEMO_GATEWAY_KEY). */
  apiKey: string;
  /** Milliseconds per stage (DEMO_STEP_MS). */
  stepMs: number;
  /** How long after completion the content stays downloadable (the provider's ~24 h). */
  linkTtlMs?: number;
  now?: () => Date;
  /** How media URLs are downloaded (tests pass their own fetch or a short timeout). */
  media?: MediaCheckOptions;
  newId?: () => string;
  /** The longest a hanging fault holds a request (default and ceiling: 60 s). */
  maxHangMs?: number;
}

export interface DemoGateway {
  /** POST /v1/videos */
  create(request: Request): Promise<Response>;
  /** GET /v1/videos/{id} */
  retrieve(request: Request, id: string): Promise<Response>;
  /** GET /v1/videos/{id}/content */
  content(request: Request, id: string): Promise<Response>;
}

/** How long the result link lives by default, like the provider's (~24 h). */
const LINK_TTL_MS = 24 * 3600 * 1000;

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

/** Waits `ms`, or less if the caller hangs up first (its request's signal aborts). */
function hang(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** What a proxy in front of the gateway sends when the gateway behind it fails. */
const PROXY_502_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** The answer a passing retrieve fault gives instead of the task, or undefined (hang, or none). */
function pollFaultReply(fault: ActiveFault["fault"], id: string): Response | undefined {
  switch (fault) {
    case "poll-429":
      return gatewayError(429, "rate_limit_exceeded", "Too many requests (demo fault).", {
        "Retry-After": "1",
      });
    case "poll-429-bare":
      return gatewayError(429, "rate_limit_exceeded", "Too many requests (demo fault).");
    case "poll-500":
      return gatewayError(500, "server_error", "Internal server error (demo fault).");
    case "poll-502":
      return new Response(PROXY_502_PAGE, {
        status: 502,
        headers: { "Content-Type": "text/html", "Cache-Control": "no-store" },
      });
    case "poll-503":
      return gatewayError(503, "service_unavailable", "No channel available (demo fault).");
    case "poll-malformed":
      // A body cut off mid-object, as a proxy that drops the connection can leave it.
      return new Response(`{"id":"${id}","object":"video","status":"in_pro`, {
        status: 200,
        headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
      });
    default:
      return undefined;
  }
}

/**
 * The same answer, but the body stops after half of its bytes and then breaks, the way a
 * dropped connection looks to a reader: a valid MP4 start, then an error. The break waits a
 * moment so the first half really leaves (an error discards what is still queued).
 */
async function brokenMidway(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const half = bytes.subarray(0, Math.floor(bytes.byteLength / 2));
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(half);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.error(new Error("demo fault: the connection broke mid-stream"));
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** The gateway's own root (everything before `/v1/videos`), from the URL it was called on. */
function rootOf(request: Request): string {
  const url = new URL(request.url);
  return `${url.origin}${url.pathname.replace(/\/v1\/videos(\/.*)?$/, "")}`;
}

function videoObject(
  root: string,
  id: string,
  request: DemoRequest,
  createdAt: Date,
  state: DemoState,
  linkTtlMs: number,
) {
  const video: Record<string, unknown> = {
    id,
    task_id: id,
    object: "video",
    model: request.model,
    status: state.status,
    progress: state.progress,
    created_at: unix(createdAt),
    seconds: request.seconds,
    size: request.size,
  };
  if (state.completedAt) video.completed_at = unix(state.completedAt);
  if (state.status === "completed" && state.completedAt) {
    const expires = Math.floor((state.completedAt.getTime() + linkTtlMs) / 1000);
    video.metadata = {
      url: `${root}/v1/videos/${encodeURIComponent(id)}/content?Expires=${expires}`,
    };
  }
  if (state.error) video.error = state.error;
  return video;
}

export function createDemoGateway(deps: DemoGatewayDeps): DemoGateway {
  const now = deps.now ?? (() => new Date());
  const linkTtlMs = deps.linkTtlMs ?? LINK_TTL_MS;
  const newId = deps.newId ?? (() => `task_${randomBytes(12).toString("hex")}`);
  const maxHangMs = Math.min(deps.maxHangMs ?? MAX_HANG_MS, MAX_HANG_MS);

  function authorised(request: Request): boolean {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1] === deps.apiKey;
  }

  async function load(id: string) {
    const row = await deps.store.get(id);
    if (!row) return undefined;
    const request = row.request as unknown as DemoRequest;
    const active = readStoredFault(row.fault);
    const fault = active?.fault;
    const state = demoState(row.createdAt, now(), deps.stepMs, fault);
    // A passing fault acts only inside its window; then the task answers as any other.
    const acting = faultActive(active, row.createdAt, now()) ? fault : undefined;
    return { row, request, fault, acting, active, state };
  }

  return {
    async create(request) {
      if (!authorised(request)) return unauthorized();
      let json: unknown;
      try {
        json = await request.json();
      } catch {
        return taskError(400, "invalid_request", "The request body is not valid JSON.");
      }

      // The gateway's own checks (quota, rate, availability) come before the task's.
      const parsedFault = parseFault((json as { prompt?: unknown } | null)?.prompt);
      if ("unknown" in parsedFault) {
        return taskError(
          400,
          "invalid_request",
          `Unknown demo fault "[demo-fail:${parsedFault.unknown}]"; known: ${demoFaults.join(", ")}. A window (":3s", ":1500ms", at most 10 min) fits only ${windowFaults.join(", ")}.`,
        );
      }
      const { fault, windowMs } = parsedFault;
      if (fault === "quota") {
        return gatewayError(402, "insufficient_user_quota", "Insufficient quota (demo fault).");
      }
      if (fault === "rate-limit") {
        return gatewayError(429, "rate_limit_exceeded", "Too many requests (demo fault).", {
          "Retry-After": "2",
        });
      }
      if (fault === "unavailable") {
        return gatewayError(503, "service_unavailable", "No channel available (demo fault).");
      }

      const validation = validateCreate(json);
      if (!validation.ok) return taskError(400, "invalid_request", validation.message);
      const body = validation.request;

      const problems = await Promise.all(
        body.media.map((item) => checkMediaUrl(item.type, item.url, deps.media)),
      );
      const problem = problems.find((p) => p !== null);
      if (problem) return taskError(400, "ali_api_error", `InvalidParameter: ${problem}`);

      const id = newId();
      const createdAt = now();
      await deps.store.insert({
        id,
        request: body as unknown as Record<string, unknown>,
        fault: fault && !createFaults.includes(fault) ? storedFault({ fault, windowMs }) : null,
        createdAt,
      });
      // The task exists and runs; only the answer is lost, so the caller cannot tell.
      if (fault === "create-500") {
        return gatewayError(500, "server_error", "Upstream error after accepting (demo fault).");
      }
      if (fault === "create-hang") {
        await hang(Math.min(windowMs ?? maxHangMs, maxHangMs), request.signal);
        return gatewayError(504, "gateway_timeout", "The upstream did not answer (demo fault).");
      }
      // Like the real one, a create always answers queued; time moves it on from there.
      const queued: DemoState = { status: "queued", progress: 0 };
      return jsonReply(200, videoObject(rootOf(request), id, body, createdAt, queued, linkTtlMs));
    },

    async retrieve(request, id) {
      if (!authorised(request)) return unauthorized();
      let task = await load(id);
      if (!task) return taskNotExist();
      if (task.acting === "poll-hang" && task.active?.windowMs !== undefined) {
        const left = task.row.createdAt.getTime() + task.active.windowMs - now().getTime();
        await hang(Math.min(left, maxHangMs), request.signal);
        task = (await load(id)) ?? task;
      } else if (task.acting) {
        const reply = pollFaultReply(task.acting, id);
        if (reply) return reply;
      }
      return jsonReply(
        200,
        videoObject(rootOf(request), id, task.request, task.row.createdAt, task.state, linkTtlMs),
      );
    },

    async content(request, id) {
      if (!authorised(request)) return unauthorized();
      const task = await load(id);
      if (!task) return taskNotExist();
      const { state } = task;
      if (state.status === "failed") {
        return contentError(400, `The task failed; there is no video (${state.error?.code}).`);
      }
      if (state.status !== "completed") {
        return contentError(400, `The video is not ready yet (status ${state.status}).`);
      }
      const expired =
        state.completedAt !== undefined &&
        now().getTime() > state.completedAt.getTime() + linkTtlMs;
      if (task.fault === "content" || expired) {
        return contentError(
          502,
          "The result link has expired; the video can no longer be downloaded.",
          "upstream_error",
        );
      }
      const bytes = await loadSampleVideo(task.request.size as VideoSize);
      const response = videoResponse(bytes, request.headers.get("range"));
      if (task.acting === "content-midstream" && response.ok) return brokenMidway(response);
      return response;
    },
  };
}

/**
 * Routes a Request to the right method by path (`…/v1/videos`, `…/v1/videos/{id}`,
 * `…/v1/videos/{id}/content`), for hosts other than Next (node:http in tests, a bench).
 */
export async function routeDemoRequest(gateway: DemoGateway, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const match = /\/v1\/videos(?:\/([^/]+)(\/content)?)?\/?$/.exec(pathname);
  if (!match) return contentError(404, "Not found.", "not_found");
  const [, rawId, content] = match;
  const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  if (!id && request.method === "POST") return gateway.create(request);
  if (id && request.method === "GET") {
    return content ? gateway.content(request, id) : gateway.retrieve(request, id);
  }
  return contentError(405, "Method not allowed.", "invalid_request_error");
}
