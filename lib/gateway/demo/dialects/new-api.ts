import { randomUUID } from "node:crypto";
import { MODEL } from "@/lib/video-request";
import { contentError, gatewayError, taskError } from "../replies";
import { cutAfter } from "../streams";
import type { DemoState } from "../timeline";
import { validateCreate } from "../validate";
import type { CreateRead, DemoDialect } from "./types";

/**
 * Mainline new-api (QuantumNous/new-api, read in docs/upstream-api.md's last section), as the
 * private build may follow it:
 * - the body is decoded into a fixed struct: unknown top-level fields (`media`,
 *   `negative_prompt`, `seed`, …) are dropped; a field of the wrong JSON type fails the whole
 *   request (`invalid_json`); media come only from `metadata.input.media`, `images` or
 *   `image`, `negative_prompt` from `metadata.input`, the model's options from
 *   `metadata.parameters` (nested keys win);
 * - `prompt` is required; no usable media is a 500 `build_request_failed` (nothing was sent);
 * - the provider's refusals arrive as `fail_to_fetch_task` carrying the provider's raw JSON;
 * - reads: no `task_id`, `completed_at` always (the row's update time), progress 0/20/30/100,
 *   failures with the provider's own code and no "Code: " prefix;
 * - `/content` ignores Range and is cut once its deadline (60 s) passes, body included.
 * Progress as "30%" strings (a newer build) is left to the client's contract tests: one
 * numeric flavour is enough to run every flow against.
 */

/** How long new-api lets any download run, headers and body together. */
export const NEW_API_DOWNLOAD_LIMIT_MS = 60_000;

/** The fixed message new-api puts on every 429 of a task request. */
export const NEW_API_SATURATED = "当前分组上游负载已饱和，请稍后再试";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

const isString = (value: unknown) => typeof value === "string";

/** The fields new-api's struct declares that we use, with their Go types. */
const STRUCT_FIELDS: [field: string, goType: string, fits: (value: unknown) => boolean][] = [
  ["model", "string", isString],
  ["prompt", "string", isString],
  ["seconds", "string", isString],
  ["size", "string", isString],
  ["image", "string", isString],
  ["images", "[]string", (value) => Array.isArray(value) && value.every(isString)],
  ["metadata", "map[string]interface {}", isObject],
];

const invalidJson = (message: string) => taskError(400, "invalid_json", message);

function refuse(reply: Response): CreateRead {
  return { ok: false, reply };
}

/** What Go's decoder says about the first field of the wrong type, if any. */
function typeProblem(body: Json): string | undefined {
  for (const [field, goType, fits] of STRUCT_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || fits(value)) continue;
    return `json: cannot unmarshal ${jsonType(value)} into Go struct field TaskSubmitReq.${field} of type ${goType}`;
  }
  return undefined;
}

/** The media mainline passes on: `metadata.input.media` first, then `images`, then `image`. */
function usableMedia(body: Json, input: Json): unknown[] | undefined {
  if (Array.isArray(input.media) && input.media.length > 0) return input.media;
  const images = (body.images as string[] | undefined)?.filter(Boolean) ?? [];
  if (images.length > 0) {
    return [
      { type: "first_frame", url: images[0] },
      ...(images[1] ? [{ type: "last_frame", url: images[1] }] : []),
    ];
  }
  if (body.image) return [{ type: "first_frame", url: body.image }];
  return undefined;
}

function withoutUndefined(record: Json): Json {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Mainline's coarse steps: the provider's PENDING is queued at 20 %, RUNNING in_progress at 30 %. */
function wireStage(state: DemoState): { status: string; progress: number } {
  if (state.status === "in_progress" && state.progress === 10) {
    return { status: "queued", progress: 20 };
  }
  const progress = state.progress === 10 ? 20 : state.progress === 20 ? 30 : state.progress;
  return { status: state.status, progress };
}

/** The provider's own code, without the documented dialect's "Code: " prefix. */
function providerError(error: { code: string; message: string }) {
  const match = /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(error.message);
  return error.code === "ali_api_error" && match ? { code: match[1], message: match[2] } : error;
}

function providerRefusal(code: string, message: string): Response {
  // The provider's answer, passed on as the raw JSON text it was.
  const raw = JSON.stringify({ code, message, request_id: randomUUID() });
  return taskError(400, "fail_to_fetch_task", raw);
}

export function newApiDialect({
  downloadLimitMs = NEW_API_DOWNLOAD_LIMIT_MS,
}: {
  downloadLimitMs?: number;
} = {}): DemoDialect {
  return {
    name: "new-api",

    notJson: () => invalidJson("invalid character in the request body: it is not JSON"),

    readCreate(json) {
      if (!isObject(json)) {
        return refuse(
          invalidJson(
            `json: cannot unmarshal ${jsonType(json)} into Go value of type TaskSubmitReq`,
          ),
        );
      }
      const problem = typeProblem(json);
      if (problem) return refuse(invalidJson(problem));
      // The channel is picked by model before the request is read further.
      if (json.model !== MODEL) {
        return refuse(
          gatewayError(
            503,
            "model_not_found",
            `No available channel for model ${String(json.model ?? "")} under group default.`,
          ),
        );
      }
      if (!json.prompt) return refuse(taskError(400, "invalid_request", "prompt is required"));
      const metadata = isObject(json.metadata) ? json.metadata : {};
      const input = isObject(metadata.input) ? metadata.input : {};
      const parameters = isObject(metadata.parameters) ? metadata.parameters : {};
      const media = usableMedia(json, input);
      if (!media) {
        return refuse(
          taskError(
            500,
            "build_request_failed",
            "wan2.7-i2v needs media: metadata.input.media, images or image",
          ),
        );
      }
      // What reaches the provider, which checks the rest; the demo's rulebook stands in for it.
      const provider = validateCreate(
        withoutUndefined({
          model: json.model,
          media,
          seconds: json.seconds ?? undefined,
          size: json.size ?? undefined,
          prompt: json.prompt,
          negative_prompt: input.negative_prompt,
          seed: parameters.seed,
          prompt_extend: parameters.prompt_extend,
          watermark: parameters.watermark,
        }),
      );
      if (!provider.ok) return refuse(providerRefusal("InvalidParameter", provider.message));
      return provider;
    },

    providerRefusal,

    createFault(fault) {
      switch (fault) {
        case "quota":
          return taskError(403, "insufficient_user_quota", "user quota is not enough (demo fault)");
        case "rate-limit":
        case "over-cap":
          // The provider's throttling at its concurrency cap arrives as this fixed message.
          return taskError(429, "fail_to_fetch_task", NEW_API_SATURATED);
        case "rate-limit-empty":
          return new Response(null, { status: 429, headers: { "Cache-Control": "no-store" } });
        case "unavailable":
          return gatewayError(
            503,
            "model_not_found",
            `No available channel for model ${MODEL} under group default (demo fault).`,
          );
        case "create-500":
          return taskError(
            500,
            "do_request_failed",
            "read tcp: connection reset by peer after the request was sent (demo fault)",
          );
      }
    },

    video({ id, request, createdAt, state, changedAt, resultUrl }, as) {
      const video: Record<string, unknown> = {
        id,
        // Only the create's answer carries task_id; reads have `id` alone.
        ...(as === "create" ? { task_id: id } : {}),
        object: "video",
        model: request.model,
        ...wireStage(state),
        created_at: unix(createdAt),
        completed_at: unix(changedAt),
        seconds: request.seconds,
        size: request.size,
      };
      if (state.status === "completed" && resultUrl) video.metadata = { url: resultUrl };
      if (state.error) video.error = providerError(state.error);
      return video;
    },

    contentUnknown: () => contentError(404, "Task not found."),

    contentNotReady: (state) =>
      contentError(400, `Task is not completed yet, current status: ${state.status}`),

    contentRange: () => null,

    deliver: (response) => cutAfter(response, downloadLimitMs),
  };
}
