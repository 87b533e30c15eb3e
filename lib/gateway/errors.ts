/**
 * One error type for everything the gateway can do wrong, and the sentences a person reads.
 *
 * Codes (`<what>:gateway`, as ChatSDKError spells them):
 * - `unauthorized:gateway`  401/403: the key is missing, wrong or not allowed this model.
 * - `quota:gateway`         402, any `insufficient_quota`-style code (new-api: 403
 *                           `insufficient_user_quota` / `pre_consume_token_quota_failed`), or a
 *                           401 for a key whose own limit is used up.
 * - `rate_limited:gateway`  429: too many requests; `retryAfterMs` when the gateway said so.
 * - `unavailable:gateway`   5xx (including HTML 502 pages from a proxy in front of it).
 * - `timeout:gateway`       no answer within `timeoutMs`.
 * - `network:gateway`       the connection failed (DNS, refused, reset).
 * - `rejected:gateway`      other 4xx: validation, `InvalidParameter: …`, content not ready.
 * - `moderation:gateway`    `DataInspectionFailed: …`: the input or the output failed the content check.
 * - `not_found:gateway`     404, or 400 `task_not_exist`: the gateway does not know this id.
 * - `bad_response:gateway`  a 2xx whose body is not the JSON we expect.
 * - `aborted:gateway`       the caller aborted (its own AbortSignal).
 * - `prompt_required:gateway` 400 `prompt is required` (every new-api build): nothing was started.
 */
export const gatewayErrorCodes = [
  "unauthorized:gateway",
  "quota:gateway",
  "rate_limited:gateway",
  "unavailable:gateway",
  "timeout:gateway",
  "network:gateway",
  "rejected:gateway",
  "moderation:gateway",
  "not_found:gateway",
  "bad_response:gateway",
  "aborted:gateway",
  "prompt_required:gateway",
] as const;
export type GatewayErrorCode = (typeof gatewayErrorCodes)[number];

export interface GatewayErrorInit {
  code: GatewayErrorCode;
  /** For logs: method, path, status, upstream code and message. Never the key. */
  message: string;
  status?: number;
  upstreamCode?: string;
  /** The upstream message, kept apart so `describeFailure` can quote a provider's reason. */
  upstreamMessage?: string;
  retryAfterMs?: number;
  outcomeUnknown?: boolean;
  cause?: unknown;
}

export class GatewayError extends Error {
  code: GatewayErrorCode;
  status?: number;
  upstreamCode?: string;
  /** The upstream's own message (redacted), e.g. a provider's `Throttling: …`. */
  upstreamMessage?: string;
  retryAfterMs?: number;
  /** true when a create may have reached the gateway (timeout / 5xx / network after sending) */
  outcomeUnknown: boolean;
  /** message safe for the browser */
  userMessage: string;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "GatewayError";
    this.code = init.code;
    this.status = init.status;
    this.upstreamCode = init.upstreamCode;
    this.upstreamMessage = init.upstreamMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.userMessage = describeFailure(init.code, init.upstreamMessage, init.upstreamCode);
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** What a failure is about, whatever vocabulary named it (our code, upstream code, HTTP status). */
type FailureKind =
  | GatewayErrorCode
  | "expired"
  | "cancelled"
  | "unknown"
  | "saturated"
  | "key_exhausted";

/** new-api's answer to a create without a prompt (every Go build requires one). */
const PROMPT_REQUIRED = /\bprompt is required\b/i;
/** new-api's fixed answer when the provider throttles a group: "upstream load saturated, retry later". */
export const PROVIDER_SATURATED_MESSAGE = "当前分组上游负载已饱和，请稍后再试";
const SATURATED = /上游负载已饱和/;
/** A key whose own credit limit is used up (new-api answers 401, naming TokenStatusExhausted). */
const KEY_EXHAUSTED =
  /TokenStatusExhausted|令牌额度已用尽|令牌额度已耗尽|token quota (is )?exhausted/i;
const QUOTA_CODE = /quota|insufficient|balance|credit/i;

/** Classify an HTTP answer from the gateway: status first, then the upstream code and message. */
export function classifyFailure(
  status: number | undefined,
  upstreamCode: string | undefined,
  message: string | undefined,
): GatewayErrorCode {
  const text = `${upstreamCode ?? ""} ${message ?? ""}`;
  if (/DataInspection|inappropriate|sensitive/i.test(text)) return "moderation:gateway";
  if (PROMPT_REQUIRED.test(message ?? "")) return "prompt_required:gateway";
  if (upstreamCode === "task_not_exist" || status === 404) return "not_found:gateway";
  if (status === 402 || QUOTA_CODE.test(upstreamCode ?? "") || KEY_EXHAUSTED.test(text)) {
    return "quota:gateway";
  }
  // 403 flat from new-api's pre-consume check names the quota only in its message at times.
  if (status === 403 && /pre_consume_token_quota_failed|insufficient_user_quota/.test(text)) {
    return "quota:gateway";
  }
  if (status === 401 || status === 403) return "unauthorized:gateway";
  if (status === 429) return "rate_limited:gateway";
  // No usable media: new-api built no provider request (HTTP 500, but a refusal of our input).
  if (upstreamCode === "build_request_failed") return "rejected:gateway";
  if (status !== undefined && status >= 500) return "unavailable:gateway";
  return "rejected:gateway";
}

function kindOf(code: string, message: string, upstreamCode = ""): FailureKind {
  const text = `${code} ${upstreamCode} ${message}`;
  if (PROMPT_REQUIRED.test(message)) return "prompt_required:gateway";
  if (SATURATED.test(message)) return "saturated";
  if (KEY_EXHAUSTED.test(text)) return "key_exhausted";
  if ((gatewayErrorCodes as readonly string[]).includes(code)) {
    return code as GatewayErrorCode;
  }
  const lower = code.toLowerCase();
  if (/DataInspection|inappropriate content|data_inspection/i.test(text)) {
    return "moderation:gateway";
  }
  if (/^\d{3}$/.test(code)) return classifyFailure(Number(code), undefined, message);
  if (lower === "task_not_exist" || lower === "not_found") return "not_found:gateway";
  if (/quota|insufficient|balance/.test(lower)) return "quota:gateway";
  if (/rate.?limit|too_many|throttl/.test(lower)) return "rate_limited:gateway";
  if (/unauthor|invalid_api_key|invalid_token|forbidden|access_denied/.test(lower)) {
    return "unauthorized:gateway";
  }
  if (/timeout|timed_out/.test(lower)) return "timeout:gateway";
  if (/expired|^unknown$/.test(lower)) return "expired";
  if (/cancel/.test(lower)) return "cancelled";
  if (/InvalidParameter|invalid|validation|bad_request/i.test(text)) return "rejected:gateway";
  if (/unavailable|overload|server_error|upstream_error|bad_gateway/.test(lower)) {
    return "unavailable:gateway";
  }
  return "unknown";
}

const GENERIC = "The video could not be generated. Try again, or change the inputs.";

/**
 * The provider's own reason, when it is short and plain: after its `InvalidParameter:` prefix
 * (the `ali_api_error` form), or the whole message when the code itself says InvalidParameter
 * (new-api reads and lifted `fail_to_fetch_task` errors carry no prefix).
 */
function providerReason(message: string, codes: string): string | undefined {
  const match = /InvalidParameter[\w.]*:\s*(.+)/i.exec(message);
  const unprefixed = /(^|\s)InvalidParameter/i.test(codes) ? message : undefined;
  const reason = (match?.[1] ?? unprefixed)?.trim();
  if (!reason || reason.length > 200 || /[<>]/.test(reason)) return undefined;
  return reason.replace(/\.?$/, ".");
}

/**
 * A human sentence for the browser. `code` may be one of our codes, an upstream code
 * (`ali_api_error`, `task_not_exist`, `insufficient_quota`…) or an HTTP status ("402");
 * `message` is the upstream message, quoted only for a provider's invalid-input reason;
 * `upstreamCode` is the upstream's own code when `code` is ours.
 */
export function describeFailure(code: string, message = "", upstreamCode = ""): string {
  switch (kindOf(code, message, upstreamCode)) {
    case "moderation:gateway":
      return "The content check refused this video: the inputs, the prompt or the result may contain inappropriate content. Try different media or a different prompt.";
    case "rejected:gateway": {
      const reason = providerReason(message, `${code} ${upstreamCode}`);
      return reason
        ? `The model refused the inputs: ${reason} Check the media and the settings.`
        : "The model refused the inputs. Check the media, the duration and the prompt.";
    }
    case "quota:gateway":
      return "The video service account is out of credit. Ask an administrator to top it up.";
    case "prompt_required:gateway":
      return "This video service needs a prompt: describe the motion.";
    case "saturated":
      return "The video provider is at capacity right now; nothing was started or charged. Try again in a few minutes.";
    case "key_exhausted":
      return "The video service key has used up its credit limit. Ask an administrator to raise it or set a new VIDEO_API_KEY.";
    case "rate_limited:gateway":
      return "The video service is busy right now (rate limit reached). Try again in a minute.";
    case "unavailable:gateway":
      return "The video service is unavailable right now. Try again in a few minutes.";
    case "timeout:gateway":
      return "The video service did not answer in time. Try again in a few minutes.";
    case "network:gateway":
      return "The video service could not be reached. Try again in a few minutes.";
    case "unauthorized:gateway":
      return "The video service refused our API key. Ask an administrator to check VIDEO_API_KEY.";
    case "not_found:gateway":
      return "The video service no longer knows this task; it may have expired.";
    case "expired":
      return "The task expired or its status could not be determined. Generate it again.";
    case "cancelled":
      return "The task was cancelled before it finished. Generate it again.";
    case "bad_response:gateway":
      return "The video service sent an answer we could not read. Try again later.";
    case "aborted:gateway":
      return "The request was cancelled.";
    default:
      return GENERIC;
  }
}
