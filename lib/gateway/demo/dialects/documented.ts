import { contentError, gatewayError, taskError, taskNotExist } from "../replies";
import { validateCreate } from "../validate";
import type { DemoDialect } from "./types";

/**
 * The gateway its own page describes (docs/upstream-api.md, all but the last section): top-level
 * `media`, `task_id` on every answer, `completed_at` once finished, provider errors as
 * `ali_api_error` with a "Code: " prefix, `/content` with byte ranges. The demo's answers before
 * it had dialects, unchanged.
 */

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

export const documentedDialect: DemoDialect = {
  name: "documented",

  notJson: () => taskError(400, "invalid_request", "The request body is not valid JSON."),

  readCreate(json) {
    const validation = validateCreate(json);
    if (validation.ok) return validation;
    return { ok: false, reply: taskError(400, "invalid_request", validation.message) };
  },

  providerRefusal: (code, message) => taskError(400, "ali_api_error", `${code}: ${message}`),

  createFault(fault) {
    switch (fault) {
      case "quota":
        return gatewayError(402, "insufficient_user_quota", "Insufficient quota (demo fault).");
      case "rate-limit":
        return gatewayError(429, "rate_limit_exceeded", "Too many requests (demo fault).", {
          "Retry-After": "2",
        });
      case "over-cap":
        // No Retry-After: the gateway cannot know when a task of this key ends.
        return gatewayError(
          429,
          "rate_limit_exceeded",
          "Too many tasks running at once for this key; try again when one finishes.",
        );
      case "rate-limit-empty":
        return new Response(null, { status: 429, headers: { "Cache-Control": "no-store" } });
      case "unavailable":
        return gatewayError(503, "service_unavailable", "No channel available (demo fault).");
      case "create-500":
        return gatewayError(500, "server_error", "Upstream error after accepting (demo fault).");
    }
  },

  video({ id, request, createdAt, state, resultUrl }) {
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
    if (state.status === "completed" && resultUrl) video.metadata = { url: resultUrl };
    if (state.error) video.error = state.error;
    return video;
  },

  contentUnknown: taskNotExist,

  contentNotReady(state) {
    if (state.status === "failed") {
      return contentError(400, `The task failed; there is no video (${state.error?.code}).`);
    }
    return contentError(400, `The video is not ready yet (status ${state.status}).`);
  },

  contentRange: (request) => request.headers.get("range"),

  deliver: (response) => response,
};
