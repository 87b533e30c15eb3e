import { randomBytes } from "node:crypto";
import type { DemoVideoRow } from "@/lib/db/schema";
import type { VideoSize } from "@/lib/video-request";
import { loadSampleVideo, videoResponse } from "./content";
import { type DemoDialectName, demoDialect, NEW_API_DOWNLOAD_LIMIT_MS } from "./dialects";
import {
  type ActiveFault,
  createFaults,
  demoFaults,
  faultActive,
  faultErrors,
  faultForSeed,
  MAX_HANG_MS,
  parseFault,
  readStoredFault,
  storedFault,
  windowFaults,
} from "./faults";
import { resultLinks } from "./links";
import { checkMediaUrl, type MediaCheckOptions } from "./media-check";
import type { DemoRenderer } from "./renders";
import {
  contentError,
  gatewayError,
  jsonReply,
  taskError,
  taskNotExist,
  unauthorized,
} from "./replies";
import type { DemoStore } from "./store";
import { brokenMidway, trickled } from "./streams";
import { type DemoState, demoState, lastChangeAt, renderedState, throttledState } from "./timeline";
import type { DemoRequest } from "./validate";

/**
 * The demo gateway: the contract of upstream-api.md over Web `Request`/`Response`, so it
 * mounts as Next route handlers (app/api/demo-gateway) and, in tests, on node:http. The real
 * `lib/gateway` client talks to it unchanged. It speaks one of two dialects (./dialects):
 * the documented contract, or mainline new-api's; this file holds what they share.
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
  /** Which gateway it acts (DEMO_GATEWAY_DIALECT); documented by default. */
  dialect?: DemoDialectName;
  /**
   * new-api's deadline on a `/content` download (60 s); `content-slow` takes three times as
   * long. Tests shorten it.
   */
  downloadLimitMs?: number;
  /**
   * The key's concurrency cap, as providers have (DEMO_GATEWAY_MAX_RUNNING): a create while
   * this many of its tasks run is refused with 429 and starts nothing. Unset: no cap.
   */
  maxRunning?: number;
  /** Told of every create it was sent and what it answered (its record, for tests and benches). */
  onCreate?: (record: DemoCreateRecord) => void | Promise<void>;
  /**
   * Renders each task's video from its inputs (renders.ts): a task then completes when its
   * stages have passed and its render is done. Without one, every task answers with a fixed
   * sample video (content.ts).
   */
  renderer?: DemoRenderer;
}

/** One create as the demo gateway saw it. */
export interface DemoCreateRecord {
  /** When it was admitted (after the gateway's own checks of its media). */
  at: string;
  /** When it reached the gateway: the moment the caller sent it, on one machine. */
  receivedAt: string;
  /** HTTP status of its answer: 200 accepted, 429 over the cap (or a fault), … */
  status: number;
  /** The task it made, when it made one. */
  id?: string;
  /** Its tasks running when the create arrived (before this one). */
  running: number;
  prompt?: string;
  /** The seed it was sent: takes of one Generate share a prompt and differ by it. */
  seed?: number;
}

/** How long a task with a fault that never ends (`stuck`, `unknown-forever`) counts as running. */
const FOREVER_RUNNING_MS = 3600 * 1000;

export interface DemoGateway {
  /** POST /v1/videos */
  create(request: Request): Promise<Response>;
  /** GET /v1/videos/{id} */
  retrieve(request: Request, id: string): Promise<Response>;
  /** GET /v1/videos/{id}/content */
  content(request: Request, id: string): Promise<Response>;
  /** GET /files/{id}?expires=…&signature=…: the key-free result link a read gives. */
  file(request: Request, id: string): Promise<Response>;
}

/** Faults whose task fails or never completes: no video is ever fetched from them. */
function rendersNothing(fault: NonNullable<ActiveFault["fault"]>): boolean {
  return fault in faultErrors || fault === "stuck" || fault === "unknown-forever";
}

/** How long the result link lives by default, like the provider's (~24 h). */
const LINK_TTL_MS = 24 * 3600 * 1000;

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
 * The gateway's own root (everything before `/v1/videos`) as its caller reached it: result
 * links must work from there. The Host header, because Next hands route handlers a URL on
 * "localhost" whatever address was called (`next start -H 127.0.0.1` included). It only
 * shapes the answer to that same caller.
 */
function rootOf(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  return `${url.protocol}//${host}${url.pathname.replace(/\/v1\/videos(\/.*)?$/, "")}`;
}

export function createDemoGateway(deps: DemoGatewayDeps): DemoGateway {
  const now = deps.now ?? (() => new Date());
  const linkTtlMs = deps.linkTtlMs ?? LINK_TTL_MS;
  const newId = deps.newId ?? (() => `task_${randomBytes(12).toString("hex")}`);
  const maxHangMs = Math.min(deps.maxHangMs ?? MAX_HANG_MS, MAX_HANG_MS);
  const downloadLimitMs = deps.downloadLimitMs ?? NEW_API_DOWNLOAD_LIMIT_MS;
  const dialect = demoDialect(deps.dialect ?? "documented", { downloadLimitMs });
  const links = resultLinks(deps.apiKey);
  // Creates are admitted one at a time, so two at once cannot both slip under the cap.
  let admitting: Promise<unknown> = Promise.resolve();
  function admit<T>(step: () => Promise<T>): Promise<T> {
    const turn = admitting.then(step, step);
    admitting = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Where a task stands at `at`: its stages by the clock, then (with a renderer) held at the
   * last stage until its render is done. A render lost with a restart starts again here.
   */
  function settledState(row: DemoVideoRow, at: Date): DemoState {
    const fault = readStoredFault(row.fault)?.fault;
    const timed = demoState(row.createdAt, at, deps.stepMs, fault);
    if (!deps.renderer || timed.status !== "completed") return timed;
    const render = deps.renderer.status(row.id);
    if (render.state === "missing") {
      deps.renderer.start(row.id, row.request as unknown as DemoRequest);
    }
    return renderedState(timed, render);
  }

  /** Its tasks that run now (queued, in progress, or unknown), as the provider counts them. */
  async function runningNow(at: Date): Promise<number> {
    const since = new Date(at.getTime() - Math.max(FOREVER_RUNNING_MS, 4 * deps.stepMs));
    const rows = await deps.store.createdSince(since);
    return rows.filter((row) => {
      const state = settledState(row, at);
      return state.status !== "completed" && state.status !== "failed";
    }).length;
  }

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
    const at = now();
    // What the provider has: the task runs on whatever the gateway's reads say.
    const settled = settledState(row, at);
    // A passing fault acts only inside its window; then the task answers as any other.
    const acting = faultActive(active, row.createdAt, at) ? fault : undefined;
    const state = acting === "unknown-transient" ? throttledState(settled) : settled;
    const changedAt = lastChangeAt(row.createdAt, at, deps.stepMs, settled);
    return { row, request, fault, acting, active, settled, state, changedAt };
  }

  /** The task as the create's answer or a read shows it, in this gateway's dialect. */
  function view(
    root: string,
    task: { id: string; request: DemoRequest; createdAt: Date; state: DemoState; changedAt: Date },
    as: "create" | "read",
  ) {
    const { completedAt } = task.state;
    const resultUrl =
      task.state.status === "completed" && completedAt
        ? links.url(root, task.id, new Date(completedAt.getTime() + linkTtlMs))
        : undefined;
    return dialect.video({ ...task, resultUrl }, as);
  }

  /** The finished video: the task's render, or the fixed sample of its size. */
  function resultBytes(id: string, request: DemoRequest): Promise<Buffer | undefined> {
    if (deps.renderer) return deps.renderer.read(id);
    return loadSampleVideo(request.size as VideoSize);
  }

  /** Whether the provider's result link has gone (its ~24 h, or the `content` fault). */
  function linkExpired(task: { fault?: string; settled: DemoState }): boolean {
    const { completedAt } = task.settled;
    if (task.fault === "content") return true;
    return completedAt !== undefined && now().getTime() > completedAt.getTime() + linkTtlMs;
  }

  return {
    async create(request) {
      const receivedAt = now().toISOString();
      if (!authorised(request)) return unauthorized();
      let json: unknown;
      try {
        json = await request.json();
      } catch {
        return dialect.notJson();
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
      const { windowMs } = parsedFault;
      let { fault } = parsedFault;
      if (
        fault === "quota" ||
        fault === "rate-limit" ||
        fault === "rate-limit-empty" ||
        fault === "unavailable"
      ) {
        return dialect.createFault(fault);
      }

      const read = dialect.readCreate(json);
      if (!read.ok) return read.reply;
      const body = read.request;
      // `@seed=N`: one take of several fails, the others run as usual.
      if (fault && !faultForSeed(parsedFault as ActiveFault, body.seed)) fault = undefined;

      const problems = await Promise.all(
        body.media.map((item) => checkMediaUrl(item.type, item.url, deps.media)),
      );
      const problem = problems.find((p) => p !== null);
      if (problem) return dialect.providerRefusal("InvalidParameter", problem);

      // The key's concurrency cap, checked and taken in one step (`admit`).
      const admitted = await admit(async () => {
        const at = now();
        const counted = deps.maxRunning !== undefined || deps.onCreate !== undefined;
        const running = counted ? await runningNow(at) : 0;
        const record = {
          at: at.toISOString(),
          receivedAt,
          running,
          prompt: body.prompt,
          seed: body.seed,
        };
        if (deps.maxRunning !== undefined && running >= deps.maxRunning) {
          await deps.onCreate?.({ ...record, status: 429 });
          return undefined;
        }
        const made = { id: newId(), createdAt: at };
        await deps.store.insert({
          ...made,
          request: body as unknown as Record<string, unknown>,
          fault: fault && !createFaults.includes(fault) ? storedFault({ fault, windowMs }) : null,
        });
        await deps.onCreate?.({ ...record, status: 200, id: made.id });
        // Rendering starts now, in the background, and runs while the task is in progress;
        // a task that will fail or never end has nothing to render.
        if (deps.renderer && !(fault && rendersNothing(fault))) {
          deps.renderer.start(made.id, body);
        }
        return made;
      });
      if (!admitted) return dialect.createFault("over-cap");
      const { id, createdAt } = admitted;
      // The task exists and runs; only the answer is lost, so the caller cannot tell.
      if (fault === "create-500") return dialect.createFault("create-500");
      if (fault === "create-hang") {
        await hang(Math.min(windowMs ?? maxHangMs, maxHangMs), request.signal);
        return gatewayError(504, "gateway_timeout", "The upstream did not answer (demo fault).");
      }
      // Like the real one, a create always answers queued; time moves it on from there.
      const queued: DemoState = { status: "queued", progress: 0 };
      const task = { id, request: body, createdAt, state: queued, changedAt: createdAt };
      return jsonReply(200, view(rootOf(request), task, "create"));
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
      const { row, state, changedAt } = task;
      const shown = { id, request: task.request, createdAt: row.createdAt, state, changedAt };
      return jsonReply(200, view(rootOf(request), shown, "read"));
    },

    async content(request, id) {
      if (!authorised(request)) return unauthorized();
      const task = await load(id);
      if (!task) return dialect.contentUnknown();
      if (task.state.status !== "completed") return dialect.contentNotReady(task.state);
      if (linkExpired(task)) {
        return contentError(
          502,
          "The result link has expired; the video can no longer be downloaded.",
          "upstream_error",
        );
      }
      const bytes = await resultBytes(task.row.id, task.request);
      if (!bytes) return contentError(502, "The result could not be read.", "upstream_error");
      const response = videoResponse(bytes, dialect.contentRange(request));
      if (!response.ok) return response;
      if (task.acting === "content-midstream") {
        return dialect.deliver(await brokenMidway(response));
      }
      if (task.fault === "content-slow") {
        return dialect.deliver(await trickled(response, 3 * downloadLimitMs));
      }
      return dialect.deliver(response);
    },

    async file(request, id) {
      const url = new URL(request.url);
      const check = links.check(id, url.searchParams, now());
      if (check !== "ok") return linkRefused(check);
      const task = await load(id);
      if (!task) return linkRefused("missing");
      if (task.settled.status !== "completed") return linkRefused("missing");
      if (linkExpired(task)) return linkRefused("expired");
      // The provider's storage: Range honoured, no deadline. A connection to it that breaks
      // (`content-midstream`) breaks this download as it breaks /content, which streams it;
      // a slow gateway (`content-slow`) does not reach it.
      const bytes = await resultBytes(task.row.id, task.request);
      if (!bytes) return linkRefused("missing");
      const response = videoResponse(bytes, request.headers.get("range"));
      if (task.acting === "content-midstream" && response.ok) return brokenMidway(response);
      return response;
    },
  };
}

/** How the provider's object storage refuses a link: 403 (or 404) with an XML error. */
function linkRefused(reason: "expired" | "forged" | "missing"): Response {
  const [status, code, message] = {
    expired: [403, "AccessDenied", "Request has expired."],
    forged: [403, "SignatureDoesNotMatch", "The request signature we calculated does not match."],
    missing: [404, "NoSuchKey", "The specified key does not exist."],
  }[reason] as [number, string, string];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  return new Response(xml, {
    status,
    headers: { "Content-Type": "application/xml", "Cache-Control": "no-store" },
  });
}

/**
 * Routes a Request to the right method by path (`…/v1/videos`, `…/v1/videos/{id}`,
 * `…/v1/videos/{id}/content`, `…/files/{id}`), for hosts other than Next (node:http in
 * tests, a bench).
 */
export async function routeDemoRequest(gateway: DemoGateway, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const file = /\/files\/([^/]+)\/?$/.exec(pathname);
  if (file && request.method === "GET") return gateway.file(request, decodeURIComponent(file[1]));
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
