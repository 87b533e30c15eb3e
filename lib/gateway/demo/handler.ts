import { randomBytes } from "node:crypto";
import type { VideoSize } from "@/lib/video-request";
import { loadSampleVideo, videoResponse } from "./content";
import { createFaults, demoFaults, isDemoFault, parseFault } from "./faults";
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

  function authorised(request: Request): boolean {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1] === deps.apiKey;
  }

  async function load(id: string) {
    const row = await deps.store.get(id);
    if (!row) return undefined;
    const request = row.request as unknown as DemoRequest;
    const fault = isDemoFault(row.fault) ? row.fault : undefined;
    const state = demoState(row.createdAt, now(), deps.stepMs, fault);
    return { row, request, fault, state };
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
          `Unknown demo fault "[demo-fail:${parsedFault.unknown}]"; known: ${demoFaults.join(", ")}.`,
        );
      }
      const { fault } = parsedFault;
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
        fault: fault && !createFaults.includes(fault) ? fault : null,
        createdAt,
      });
      // Like the real one, a create always answers queued; time moves it on from there.
      const queued: DemoState = { status: "queued", progress: 0 };
      return jsonReply(200, videoObject(rootOf(request), id, body, createdAt, queued, linkTtlMs));
    },

    async retrieve(request, id) {
      if (!authorised(request)) return unauthorized();
      const task = await load(id);
      if (!task) return taskNotExist();
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
      return videoResponse(bytes, request.headers.get("range"));
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
