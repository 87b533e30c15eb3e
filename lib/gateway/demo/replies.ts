/**
 * The three error shapes of the real gateway (upstream-api.md § Errors), and plain JSON.
 */

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** Shape 1: gateway checks (key, quota, rate limit, availability). */
export function gatewayError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return jsonReply(status, { error: { message, type: "new_api_error", code } }, headers);
}

/** Shape 2: task errors (validation, provider refusals, unknown ids). */
export function taskError(status: number, code: string, message: string) {
  return jsonReply(status, { code, message, data: null });
}

/** Shape 3: content errors. */
export function contentError(status: number, message: string, type = "invalid_request_error") {
  return jsonReply(status, { error: { message, type } });
}

export function unauthorized() {
  return gatewayError(401, "invalid_api_key", "Invalid token: check the Authorization header.");
}

export function taskNotExist() {
  return taskError(400, "task_not_exist", "task_not_exist");
}
