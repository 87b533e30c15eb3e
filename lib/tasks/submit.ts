import "server-only";
import { randomBytes, randomInt } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type TaskRow, takeSets, tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { buildCreateBody, GatewayError } from "@/lib/gateway";
import { getMediaRows } from "@/lib/media";
import { gatewayMediaUrl } from "@/lib/media/urls";
import {
  clipDurationProblem,
  combinationKey,
  mediaKindLabels,
  PROMPT_EXTEND_DEFAULT,
  PROMPT_REQUIRED_MESSAGE,
  promptProblem,
  SEED_MAX,
  seedsForTakes,
  type VideoRequest,
  WATERMARK_DEFAULT,
} from "@/lib/video-request";
import { usableMedia } from "./access";
import { TaskError } from "./errors";
import { gatewayFor } from "./gateway";
import { promptRequired, rememberGatewayFact } from "./gateway-facts";
import { logEvent } from "./log";
import { checkSpend, SPEND_LOCK } from "./spend";
import { gatewayToRow } from "./state";

type NewTask = typeof tasks.$inferInsert;
type NewTakeSet = typeof takeSets.$inferInsert;

/**
 * Checks budgets and the rate limit for every take and inserts them (and their take set) in
 * one transaction, under an advisory lock: all takes are accepted or none, and two tabs (or
 * instances) submitting at once are checked one after the other.
 */
export async function insertWithinBudget(
  values: NewTask | NewTask[],
  takeSet?: NewTakeSet,
): Promise<void> {
  const rows = Array.isArray(values) ? values : [values];
  const [first] = rows;
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SPEND_LOCK})`);
    await checkSpend(tx, first.ownerId ?? "local", first, new Date(), rows.length);
    if (takeSet) await tx.insert(takeSets).values(takeSet);
    await tx.insert(tasks).values(rows);
  });
}

export function newTaskId(): string {
  return randomBytes(9).toString("base64url");
}

export interface SubmitOptions {
  /** One per submission from the browser: a repeat returns the first task, not a new one. */
  idempotencyKey?: string;
}

/** A parsed request; `takes` defaults to 1 (the schema's default) for callers in code. */
export type SubmitRequest = Omit<VideoRequest, "takes"> & { takes?: number };

/** The first take's row; `takes` holds every take of the Generate, in take order. */
export type SubmitOutcome = TaskRow & { duplicate?: boolean; takes: TaskRow[] };

/** The model's options as a row stores them: null where the model's default applies. */
export function optionColumns(request: SubmitRequest) {
  return {
    negativePrompt: request.negativePrompt ?? null,
    promptExtend:
      request.promptExtend === undefined || request.promptExtend === PROMPT_EXTEND_DEFAULT
        ? null
        : request.promptExtend,
    watermark:
      request.watermark === undefined || request.watermark === WATERMARK_DEFAULT
        ? null
        : request.watermark,
  };
}

function sameRequest(row: TaskRow, request: SubmitRequest, takes: number): boolean {
  const media = (refs: VideoRequest["media"]) =>
    JSON.stringify([...refs].sort((a, b) => a.type.localeCompare(b.type)));
  const options = optionColumns(request);
  return (
    row.seconds === request.seconds &&
    row.size === request.size &&
    (row.prompt ?? undefined) === request.prompt &&
    media(row.media) === media(request.media) &&
    row.negativePrompt === options.negativePrompt &&
    row.promptExtend === options.promptExtend &&
    row.watermark === options.watermark &&
    (request.seed === undefined || row.seed === request.seed) &&
    takes === (request.takes ?? 1)
  );
}

/** Every take of the Generate that `first` opened, in take order. */
async function takesOf(first: TaskRow): Promise<TaskRow[]> {
  if (!first.takeSetId) return [first];
  const db = await getDb();
  return db
    .select()
    .from(tasks)
    .where(eq(tasks.takeSetId, first.takeSetId))
    .orderBy(asc(tasks.takeIndex));
}

/** The Generate already made with this key, if any (a double click, a retry, another tab). */
async function existingFor(
  key: string | undefined,
  user: CurrentUser,
  request: SubmitRequest,
): Promise<SubmitOutcome | undefined> {
  if (!key) return undefined;
  const db = await getDb();
  const [row] = await db.select().from(tasks).where(eq(tasks.idempotencyKey, key)).limit(1);
  if (!row) return undefined;
  const takes = await takesOf(row);
  if (row.ownerId !== user.id || !sameRequest(row, request, takes.length)) {
    throw new TaskError(
      "duplicate_mismatch",
      "This form was already submitted with other settings. Reload the page and try again.",
    );
  }
  return { ...row, duplicate: true, takes };
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
 * Submits one Generate: checks that every media id is one this app stored, for the right slot;
 * picks each take's seed; checks budgets and the rate limit for all takes and writes their
 * rows in one transaction (so a crash mid-call leaves a trace, and two tabs can't both slip
 * under a budget), then asks the gateway for each take. A refusal of every take throws its
 * sentence; otherwise each take's row says how it went.
 */
export async function submitTask(
  request: SubmitRequest,
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

  const seeds = seedsForTakes(request.takes ?? 1, request.seed, () => randomInt(0, SEED_MAX + 1));
  const takeSetId = seeds.length > 1 ? newTaskId() : null;
  const common = {
    status: "submitting" as const,
    ownerId: user.id,
    ownerName: user.name ?? user.email,
    seconds: request.seconds,
    size: request.size,
    prompt: request.prompt ?? null,
    media: request.media,
    combination: combinationKey(request.media.map((ref) => ref.type)),
    ...optionColumns(request),
    takeSetId,
  };
  const takes: NewTask[] = seeds.map((seed, index) => ({
    ...common,
    id: newTaskId(),
    // One key per Generate, on its first take: a repeat finds the whole set through it.
    idempotencyKey: index === 0 ? (options.idempotencyKey ?? null) : null,
    seed,
    takeIndex: takeSetId ? index + 1 : null,
  }));
  try {
    await insertWithinBudget(
      takes,
      takeSetId
        ? { id: takeSetId, ownerId: user.id, ownerName: common.ownerName, takes: takes.length }
        : undefined,
    );
  } catch (error) {
    // Another tab or a retried request won the race for this key: answer with its takes. Its
    // takes may also be what filled the rate limit or budget this check refused on.
    if (isUniqueViolation(error) || error instanceof TaskError) {
      const winner = await existingFor(options.idempotencyKey, user, request);
      if (winner) return winner;
    }
    throw error;
  }

  const sent: TaskRow[] = [];
  let refusal: TaskError | undefined;
  for (const row of takes) {
    try {
      sent.push(await sendCreate(row.id));
    } catch (error) {
      // Every take shares the settings: one refusal is everyone's, but each row says so.
      if (!(error instanceof TaskError)) throw error;
      refusal ??= error;
      const db = await getDb();
      const [kept] = await db.select().from(tasks).where(eq(tasks.id, row.id));
      if (kept) sent.push(kept);
    }
  }
  if (refusal && sent.every((row) => row.status === "refused")) throw refusal;
  return { ...sent[0], takes: sent };
}

/**
 * Sends one task's create to the gateway and records the answer. A definite refusal keeps the
 * row as `refused` and throws the sentence for the form; an unknown outcome keeps the row as
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
