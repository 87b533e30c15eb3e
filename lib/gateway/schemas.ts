import { z } from "zod";

/**
 * zod parsers for what the gateway sends, tolerant on purpose: extra fields pass, `id` or
 * `task_id` names the task, statuses from other channels are mapped, numbers may arrive as
 * strings ("100%"). `toGatewayVideo()` reshapes the wire object into ours. Both the documented
 * dialect and mainline new-api's (upstream-api.md, last section) read the same way.
 */

export type GatewayStatus = "queued" | "in_progress" | "completed" | "failed" | "unknown";

/** Our view of a task. A failed task carries `error`; it is returned, not thrown. */
export interface GatewayVideo {
  id: string;
  status: GatewayStatus;
  progress: number;
  createdAt: Date;
  /** Only for a finished task: new-api sends `completed_at` (its row's update time) always. */
  completedAt?: Date;
  error?: { code: string; message: string };
  /**
   * The provider's own signed result link (`metadata.url`, `video_url` or `url`; ~24 h), when
   * the read carries one. Fetched WITHOUT our key; see lib/http/outbound.ts before using it.
   */
  resultUrl?: string;
  /**
   * An `unknown` read whose error says the gateway's own refresh of the task failed for a
   * passing reason (the provider throttled it, timed out, or erred internally): the task
   * itself is fine, so this read never counts toward giving up on it.
   */
  transient?: true;
}

const statusAliases: Record<string, GatewayStatus> = {
  queued: "queued",
  pending: "queued",
  submitted: "queued",
  not_start: "queued",
  in_progress: "in_progress",
  running: "in_progress",
  processing: "in_progress",
  completed: "completed",
  succeeded: "completed",
  success: "completed",
  failed: "failed",
  failure: "failed",
  cancelled: "failed",
  canceled: "failed",
  expired: "failed",
  error: "failed",
  unknown: "unknown",
};

export function mapStatus(raw: unknown): GatewayStatus {
  if (typeof raw !== "string") return "unknown";
  return (
    statusAliases[
      raw
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, "_")
    ] ?? "unknown"
  );
}

const idSchema = z.union([z.string().trim().min(1), z.number().transform(String)]);
/** Unix seconds (or milliseconds, or an ISO string) → Date; 0, null and junk → undefined. */
const timeSchema = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value): Date | undefined => {
    if (value === null || value === undefined || value === "" || value === 0) return undefined;
    const n = typeof value === "number" ? value : Number(value);
    if (Number.isFinite(n)) {
      if (n <= 0) return undefined;
      return new Date(n > 1e12 ? n : n * 1000);
    }
    const date = new Date(value as string);
    return Number.isNaN(date.getTime()) ? undefined : date;
  });

const progressSchema = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value) => {
    const n = typeof value === "number" ? value : Number.parseFloat(String(value ?? ""));
    return Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n))) : undefined;
  });

/** Some builds spell the code "Code: X" (or fold it into the message); mainline sends it bare. */
function bareCode(code: string): string {
  return code.replace(/^\s*code:\s*/i, "").trim() || "error";
}

const wireTaskErrorSchema = z.union([
  z.string().transform((message) => ({ code: "error", message })),
  z
    .looseObject({
      code: z.union([z.string(), z.number()]).nullish(),
      type: z.string().nullish(),
      message: z.string().nullish(),
    })
    .transform((error) => {
      const message = error.message ?? "";
      const folded = /^\s*Code:\s*([\w.]+)\s*,?\s*(?:Message:\s*)?(.*)$/is.exec(message);
      if (error.code == null && error.type == null && folded) {
        return { code: folded[1], message: folded[2].trim() };
      }
      return { code: bareCode(String(error.code ?? error.type ?? "error")), message };
    }),
]);

const httpUrlSchema = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value));

/** A field that is a usable http(s) URL, or nothing (never fails the whole read). */
const optionalUrlSchema = z
  .unknown()
  .transform((value) => {
    const parsed = httpUrlSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  })
  .optional();

export const wireVideoSchema = z
  .looseObject({
    id: idSchema.optional(),
    task_id: idSchema.optional(),
    status: z.unknown(),
    progress: progressSchema,
    created_at: timeSchema,
    completed_at: timeSchema,
    error: wireTaskErrorSchema.nullish().catch(undefined),
    fail_reason: z.string().nullish().catch(undefined),
    metadata: z.looseObject({ url: optionalUrlSchema }).nullish().catch(undefined),
    video_url: optionalUrlSchema,
    url: optionalUrlSchema,
  })
  .refine((video) => video.id !== undefined || video.task_id !== undefined, {
    message: "neither id nor task_id",
  });
export type WireVideo = z.output<typeof wireVideoSchema>;

/** Codes of an `unknown` read that name a passing failure of the gateway's refresh round. */
const TRANSIENT_CODE = /throttl|time[ _-]?out|timed[ _-]?out|internal[ _-]?error|internalerror/i;

const TERMINAL: readonly GatewayStatus[] = ["completed", "failed"];

export function toGatewayVideo(wire: WireVideo, now: Date = new Date()): GatewayVideo {
  const status = mapStatus(wire.status);
  const video: GatewayVideo = {
    id: (wire.id ?? wire.task_id) as string,
    status,
    progress: wire.progress ?? (status === "completed" ? 100 : 0),
    createdAt: wire.created_at ?? now,
  };
  // new-api's `completed_at` is its row's update time, present while running: not a finish.
  if (wire.completed_at && TERMINAL.includes(status)) video.completedAt = wire.completed_at;
  const resultUrl = wire.metadata?.url ?? wire.video_url ?? wire.url;
  if (resultUrl && status === "completed") video.resultUrl = resultUrl;
  const reason = wire.fail_reason?.trim();
  const error =
    wire.error && (wire.error.message || wire.error.code !== "error")
      ? wire.error
      : reason
        ? { code: "error", message: reason }
        : undefined;
  if (status === "failed") {
    // A failed task always explains itself to our callers, even when the wire did not.
    video.error = error
      ? { code: error.code, message: error.message || reason || "" }
      : { code: String(wire.status ?? "failed"), message: "The task failed without a reason." };
  } else if (error?.message || (status === "unknown" && error)) {
    video.error = error;
  }
  const named = error && (error.code !== "error" ? error.code : error.message);
  if (status === "unknown" && named && TRANSIENT_CODE.test(named)) {
    video.transient = true;
  }
  return video;
}

/**
 * The three error shapes (upstream-api.md § Errors):
 * 1. `{"error":{"message","type","code"}}` — gateway checks (401/402/403/429/503);
 * 2. `{"code","message","data":null}`      — task errors (validation, `ali_api_error`);
 * 3. `{"error":{"message","type"}}`        — content errors.
 * Also tolerated: `{"error":"text"}` and `{"message":"text"}`.
 */
const codeSchema = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((code) =>
    code === null || code === undefined || code === "" ? undefined : String(code),
  );

const nestedErrorSchema = z.looseObject({
  error: z.union([
    z.string().transform((message) => ({ message, type: undefined, code: undefined })),
    z.looseObject({ message: z.string().nullish(), type: z.string().nullish(), code: codeSchema }),
  ]),
});
const flatErrorSchema = z.looseObject({ code: codeSchema, message: z.string().nullish() });

export interface UpstreamError {
  code?: string;
  type?: string;
  message?: string;
}

export function parseErrorBody(text: string): UpstreamError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const nested = nestedErrorSchema.safeParse(json);
  if (nested.success) {
    const { message, type, code } = nested.data.error;
    return { code, type: type ?? undefined, message: message ?? undefined };
  }
  const flat = flatErrorSchema.safeParse(json);
  if (!flat.success || (flat.data.code === undefined && !flat.data.message)) return undefined;
  return { code: flat.data.code, message: flat.data.message ?? undefined };
}
