import "server-only";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { buildCreateBody, GatewayError } from "@/lib/gateway";
import { getMediaRows } from "@/lib/media";
import { gatewayMediaUrl } from "@/lib/media/urls";
import {
  clipDurationProblem,
  combinationKey,
  mediaKindLabels,
  PROMPT_REQUIRED_MESSAGE,
  promptProblem,
  type VideoRequest,
} from "@/lib/video-request";
import { usableMedia } from "./access";
import { TaskError } from "./errors";
import { gatewayFor } from "./gateway";
import { promptRequired, rememberGatewayFact } from "./gateway-facts";
import { logEvent } from "./log";
import { checkSpend, SPEND_LOCK } from "./spend";
import { gatewayToRow } from "./state";

/**
 * Checks budgets and the rate limit and inserts the row in one transaction, under an advisory
 * lock: two tabs (or instances) submitting at once are checked one after the other.
 */
export async function insertWithinBudget(values: typeof tasks.$inferInsert): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SPEND_LOCK})`);
    await checkSpend(tx, values.ownerId ?? "local", values);
    await tx.insert(tasks).values(values);
  });
}

export function newTaskId(): string {
  return randomBytes(9).toString("base64url");
}

export interface SubmitOptions {
  /** One per submission from the browser: a repeat returns the first task, not a new one. */
  idempotencyKey?: string;
}

export type SubmitOutcome = TaskRow & { duplicate?: boolean };

function sameRequest(row: TaskRow, request: VideoRequest): boolean {
  const media = (refs: VideoRequest["media"]) =>
    JSON.stringify([...refs].sort((a, b) => a.type.localeCompare(b.type)));
  return (
    row.seconds === request.seconds &&
    row.size === request.size &&
    (row.prompt ?? undefined) === request.prompt &&
    media(row.media) === media(request.media)
  );
}

/** The task already made with this key, if any (a double click, a retry, another tab). */
async function existingFor(
  key: string | undefined,
  user: CurrentUser,
  request: VideoRequest,
): Promise<SubmitOutcome | undefined> {
  if (!key) return undefined;
  const db = await getDb();
  const [row] = await db.select().from(tasks).where(eq(tasks.idempotencyKey, key)).limit(1);
  if (!row) return undefined;
  if (row.ownerId !== user.id || !sameRequest(row, request)) {
    throw new TaskError(
      "duplicate_mismatch",
      "This form was already submitted with other settings. Reload the page and try again.",
    );
  }
  return { ...row, duplicate: true };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } } | null)?.code;
  const causeCode = (error as { cause?: { code?: string } } | null)?.cause?.code;
  return code === "23505" || causeCode === "23505";
}

/**
 * The gateway certainly refused the create: nothing started, nothing is billed. The row stays,
 * `refused` with the reason, so the history says what happened; budgets skip it (charge.ts).
 * Its idempotency key is released: the same form sent again (after a top-up, with a prompt)
 * is a new try, not a repeat of this refusal. A refusal for a missing prompt is remembered,
 * so the next form asks for one before anyone pays. Returns the error for the form.
 */
async function refuse(id: string, error: GatewayError): Promise<TaskError> {
  const db = await getDb();
  const needsPrompt = error.code === "prompt_required:gateway";
  const message = needsPrompt ? PROMPT_REQUIRED_MESSAGE : error.userMessage;
  await db
    .update(tasks)
    .set({
      status: "refused",
      idempotencyKey: null,
      completedAt: new Date(),
      errorCode: error.code,
      errorMessage: message,
    })
    .where(eq(tasks.id, id));
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
 * Submits one video: checks that every media id is one this app stored, for the right slot;
 * checks budgets and the rate limit and writes the task row in one transaction (so a crash
 * mid-call leaves a trace, and two tabs can't both slip under a budget), then asks the
 * gateway. A definite refusal keeps the row as `refused` and throws; an unknown outcome keeps
 * the row as `submit_unknown` and is never resubmitted (it may be running, and billed).
 */
export async function submitTask(
  request: VideoRequest,
  origin: string,
  user: CurrentUser,
  options: SubmitOptions = {},
): Promise<SubmitOutcome> {
  const db = await getDb();
  const repeat = await existingFor(options.idempotencyKey, user, request);
  if (repeat) return repeat;
  // Someone else's private upload reads as unknown: "media_not_found", nothing leaked.
  const rows = await usableMedia(await getMediaRows(request.media.map((ref) => ref.mediaId)), user);
  for (const ref of request.media) {
    const row = rows.find((candidate) => candidate.id === ref.mediaId);
    const label = mediaKindLabels[ref.type];
    if (!row) {
      throw new TaskError(
        "media_not_found",
        `${label}: this file is no longer available. Drop it again.`,
        ref.type,
      );
    }
    if (row.kind !== ref.type) {
      throw new TaskError(
        "media_wrong_kind",
        `${label}: this file was uploaded as ${mediaKindLabels[row.kind].toLowerCase()}. Drop it into the ${label.toLowerCase()} slot again.`,
        ref.type,
      );
    }
  }

  const clip = rows.find((row) => row.kind === "first_clip");
  const durationProblem = clipDurationProblem(request.seconds, clip?.probe.durationSeconds);
  if (durationProblem) throw new TaskError("invalid_duration", durationProblem, "seconds");
  // The form checks this too; here it stops a create the gateway would refuse anyway.
  const missingPrompt = promptProblem(request.prompt, await promptRequired());
  if (missingPrompt) throw new TaskError("prompt_required", missingPrompt, "prompt");

  const id = newTaskId();
  try {
    await insertWithinBudget({
      id,
      status: "submitting",
      ownerId: user.id,
      ownerName: user.name ?? user.email,
      idempotencyKey: options.idempotencyKey ?? null,
      seconds: request.seconds,
      size: request.size,
      prompt: request.prompt ?? null,
      media: request.media,
      combination: combinationKey(request.media.map((ref) => ref.type)),
    });
  } catch (error) {
    // Another tab or a retried request won the race for this key: answer with its task.
    if (isUniqueViolation(error)) {
      const winner = await existingFor(options.idempotencyKey, user, request);
      if (winner) return winner;
    }
    throw error;
  }

  const body = buildCreateBody(
    request,
    await Promise.all(
      request.media.map(async (ref) => ({
        type: ref.type,
        url: await gatewayMediaUrl(ref.mediaId, origin),
      })),
    ),
  );

  try {
    const video = await gatewayFor(origin).createVideo(body);
    const [row] = await db
      .update(tasks)
      .set({
        gatewayId: video.id,
        refreshedAt: new Date(),
        ...gatewayToRow(video, undefined, { unknownTimeoutMs: env().UNKNOWN_STATUS_TIMEOUT_MS }),
      })
      .where(eq(tasks.id, id))
      .returning();
    logEvent("task.submitted", { taskId: id, gatewayId: video.id, status: row.status });
    return row;
  } catch (error) {
    if (error instanceof GatewayError && !error.outcomeUnknown) throw await refuse(id, error);
    const code = error instanceof GatewayError ? error.code : "unexpected";
    const [row] = await db
      .update(tasks)
      .set({
        status: "submit_unknown",
        errorCode: code,
        errorMessage:
          "We sent the request but did not hear back, so we cannot tell whether the video is being made. It was not sent again, to avoid paying twice. Check the gateway's console before trying again.",
      })
      .where(eq(tasks.id, id))
      .returning();
    logEvent("task.submit_unknown", {
      taskId: id,
      code,
      error: error instanceof Error ? error.name : "unknown",
    });
    return row;
  }
}
