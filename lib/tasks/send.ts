import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { buildCreateBody, GatewayError } from "@/lib/gateway";
import { gatewayMediaUrl } from "@/lib/media/urls";
import { PROMPT_REQUIRED_MESSAGE } from "@/lib/video-request";
import { TaskError } from "./errors";
import { updateTask } from "./finish";
import { gatewayFor } from "./gateway";
import { rememberGatewayFact } from "./gateway-facts";
import { logEvent } from "./log";
import { gatewayToRow } from "./state";

/** The first wait after a create answered "over the cap", doubled for each one after. */
export const SUBMIT_BACKOFF_BASE_MS = 2_000;
/** The longest wait between two creates of one queued task (a Retry-After included). */
export const SUBMIT_BACKOFF_MAX_MS = 60_000;
/**
 * Creates refused for capacity before we give up on a task (about six minutes of back-off):
 * a gateway that answers 429 to one task for that long is not at its cap, it refuses this
 * one, and the queue behind it must not wait for ever. Given up, it is `refused` (free) with
 * the gateway's sentence.
 */
export const MAX_SUBMIT_ATTEMPTS = 10;

/**
 * How long a task waits after its `attempts`-th create was refused for capacity: 2 s, 4 s,
 * 8 s… up to a minute, and never less than the gateway's own Retry-After (also capped).
 */
export function submitBackoffMs(attempts: number, retryAfterMs?: number): number {
  const exponential = SUBMIT_BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
  return Math.min(Math.max(exponential, retryAfterMs ?? 0), SUBMIT_BACKOFF_MAX_MS);
}

/**
 * A create refused because the gateway (or the provider behind it) is at capacity: HTTP 429,
 * with any body (JSON, new-api's fixed message, or none), or a provider error starting
 * `Throttling`. Only an answer that proves nothing started counts: a lost answer, a timeout or
 * a 5xx never does (it may be running, and billed).
 */
export function isCapacityRefusal(error: unknown): error is GatewayError {
  if (!(error instanceof GatewayError) || error.outcomeUnknown) return false;
  if (error.status === 429) return true;
  return (
    error.status !== undefined &&
    error.status < 500 &&
    (/^Throttling/i.test(error.upstreamCode ?? "") ||
      /^Throttling/i.test(error.upstreamMessage ?? ""))
  );
}

/** What the page says while a task waits its turn again after a 429. */
export const REQUEUED_NOTICE =
  "The video service is at capacity right now; nothing was started or charged. This video waits its turn and is sent again shortly.";

/**
 * The gateway certainly refused the create: nothing started, nothing is billed. The row stays,
 * `refused` with the reason, so the history says what happened; budgets skip it (charge.ts).
 * Its idempotency key is released: the same form sent again (after a top-up, with a prompt)
 * is a new try, not a repeat of this refusal. A refusal for a missing prompt is remembered,
 * so the next form asks for one before anyone pays. Returns the error for the form.
 */
async function refuse(id: string, error: GatewayError): Promise<TaskError> {
  const needsPrompt = error.code === "prompt_required:gateway";
  const message = needsPrompt ? PROMPT_REQUIRED_MESSAGE : error.userMessage;
  await updateTask(id, {
    status: "refused",
    idempotencyKey: null,
    completedAt: new Date(),
    errorCode: error.code,
    errorMessage: message,
  });
  logEvent("task.refused", { taskId: id, code: error.code, status: error.status });
  if (!needsPrompt) return new TaskError("rejected", message);
  // Best effort: failing to remember must not hide the sentence from the person who asked.
  await rememberGatewayFact("prompt_required").catch((cause: unknown) =>
    logEvent("gateway_fact.unsaved", {
      name: "prompt_required",
      error: cause instanceof Error ? cause.message : "unknown",
    }),
  );
  return new TaskError("prompt_required", message, "prompt");
}

/**
 * Back to our queue: the gateway refused for capacity, so nothing started and nothing is
 * billed. It waits (back-off after each such answer) and goes again, oldest first; never
 * failed, never refused.
 */
async function requeue(task: TaskRow, error: GatewayError): Promise<TaskRow> {
  const db = await getDb();
  const delay = submitBackoffMs(task.submitAttempts, error.retryAfterMs);
  const [row] = await db
    .update(tasks)
    .set({
      status: "waiting",
      nextSubmitAt: new Date(Date.now() + delay),
      errorCode: error.code,
      errorMessage: REQUEUED_NOTICE,
    })
    .where(and(eq(tasks.id, task.id), eq(tasks.status, "submitting")))
    .returning();
  logEvent("task.requeued", {
    taskId: task.id,
    code: error.code,
    attempts: task.submitAttempts,
    delayMs: delay,
  });
  return row ?? task;
}

/**
 * Sends one claimed (`submitting`) task's create to the gateway and records the answer.
 * A refusal for capacity puts it back in the queue; any other definite refusal keeps the row
 * as `refused` and throws the sentence for the form; an unknown outcome keeps the row as
 * `submit_unknown`, never resubmitted (it may be running, and billed).
 */
export async function sendCreate(id: string): Promise<TaskRow> {
  const db = await getDb();
  const [task] = await db.select().from(tasks).where(eq(tasks.id, id)).limit(1);
  if (!task) throw new Error(`no task ${id}`);
  const request = {
    seconds: task.seconds,
    size: task.size,
    prompt: task.prompt ?? undefined,
    negativePrompt: task.negativePrompt ?? undefined,
    seed: task.seed ?? undefined,
    promptExtend: task.promptExtend ?? undefined,
    watermark: task.watermark ?? undefined,
  };
  const body = buildCreateBody(
    request,
    await Promise.all(
      task.media.map(async (ref) => ({
        type: ref.type,
        url: await gatewayMediaUrl(ref.mediaId),
      })),
    ),
  );

  try {
    const video = await gatewayFor().createVideo(body);
    const row = await updateTask(id, {
      gatewayId: video.id,
      refreshedAt: new Date(),
      nextSubmitAt: null,
      ...gatewayToRow(video, undefined, { unknownTimeoutMs: env().UNKNOWN_STATUS_TIMEOUT_MS }),
    });
    logEvent("task.submitted", {
      taskId: id,
      gatewayId: video.id,
      status: row?.status,
      attempts: task.submitAttempts,
    });
    return row ?? task;
  } catch (error) {
    if (isCapacityRefusal(error) && task.submitAttempts < MAX_SUBMIT_ATTEMPTS) {
      return requeue(task, error);
    }
    if (error instanceof GatewayError && !error.outcomeUnknown) throw await refuse(id, error);
    const code = error instanceof GatewayError ? error.code : "unexpected";
    const row = await updateTask(id, {
      status: "submit_unknown",
      errorCode: code,
      errorMessage:
        "We sent the request but did not hear back, so we cannot tell whether the video is being made. It was not sent again, to avoid paying twice. Check the gateway's console before trying again.",
    });
    logEvent("task.submit_unknown", {
      taskId: id,
      code,
      error: error instanceof Error ? error.name : "unknown",
    });
    return row ?? task;
  }
}
