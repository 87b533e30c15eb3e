import { classifyFailure, type GatewayErrorCode } from "./errors";
import { parseErrorBody, type UpstreamError } from "./schemas";

/**
 * Reading a gateway's refusal: which of our codes it is, the upstream's own code and message
 * (lifted out of `fail_to_fetch_task` wrappers), and whether a create that got it may still
 * have started a task.
 */

export interface ReadFailure {
  code: GatewayErrorCode;
  /** The upstream code and message as a person should read them (the innermost ones). */
  upstream?: UpstreamError;
  /** For a create: could a task have started (and be billed) despite this answer? */
  outcomeUnknown: boolean;
}

/**
 * 5xx answers new-api gives before it sends anything to the provider (upstream-api.md, last
 * section): no usable media (`build_request_failed`, 500), no channel for the model
 * (`model_not_found`, 503). Every other 5xx may follow a request the provider received
 * (`do_request_failed` says so outright), so it stays unknown, and is never resent.
 */
const NOTHING_SENT_5XX = new Set(["build_request_failed", "model_not_found"]);

/** new-api's wrapper for a provider's refusal at create; its message is the provider's JSON. */
const PROVIDER_WRAPPER = "fail_to_fetch_task";

export function readFailure(
  status: number,
  text: string,
  redact: (raw: string) => string,
): ReadFailure {
  const upstream = readUpstream(text, redact);
  const code = classifyFailure(status, upstream?.code, upstream?.message ?? upstream?.type);
  // A 4xx (400, 401, 403, 429 — with JSON, a fixed message or an empty body) is a refusal:
  // nothing started. A 5xx is one only when its JSON names a step before the provider.
  const outcomeUnknown = status >= 500 && !(upstream?.code && NOTHING_SENT_5XX.has(upstream.code));
  return { code, upstream, outcomeUnknown };
}

interface ReadUpstream extends UpstreamError {
  /** The wrapper code when `code`/`message` were lifted from inside it. */
  wrapper?: string;
}

function readUpstream(text: string, redact: (raw: string) => string): ReadUpstream | undefined {
  const outer = parseErrorBody(text);
  if (!outer) {
    // Some builds answer the provider's throttling in plain text; keep a short plain message.
    const plain = text.trim();
    return plain && plain.length <= 300 && !/[<>{}]/.test(plain)
      ? { message: redact(plain) }
      : undefined;
  }
  const message = outer.message === undefined ? undefined : redact(outer.message);
  if (outer.code === PROVIDER_WRAPPER && message) {
    const inner = liftProviderError(message);
    if (inner) return { ...inner, type: outer.type, wrapper: PROVIDER_WRAPPER };
  }
  return { ...outer, message };
}

/**
 * The provider's raw answer inside a `fail_to_fetch_task` message, in the shapes seen:
 * `{"code":"InvalidParameter","message":"…","request_id":"…"}`, `{"error":{"code","message"}}`,
 * `{"output":{"code","message"}}`, possibly after a short text prefix.
 */
export function liftProviderError(message: string): UpstreamError | undefined {
  const start = message.indexOf("{");
  const end = message.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(message.slice(start, end + 1));
  } catch {
    return undefined;
  }
  for (const candidate of [json, field(json, "error"), field(json, "output")]) {
    const code = field(candidate, "code");
    const inner = field(candidate, "message");
    if ((typeof code === "string" && code) || (typeof inner === "string" && inner)) {
      return {
        code: typeof code === "string" && code ? code : undefined,
        message: typeof inner === "string" ? inner : undefined,
      };
    }
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
