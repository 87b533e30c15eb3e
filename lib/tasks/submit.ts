import "server-only";
import { randomBytes, randomInt } from "node:crypto";
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { type Db, getDb } from "@/lib/db/client";
import { type TaskRow, takeSets, tasks } from "@/lib/db/schema";
import { getMediaRows } from "@/lib/media";
import {
  clipDurationProblem,
  combinationKey,
  mediaKindLabels,
  PROMPT_EXTEND_DEFAULT,
  promptProblem,
  SEED_MAX,
  seedsForTakes,
  type VideoRequest,
  WATERMARK_DEFAULT,
} from "@/lib/video-request";
import { usableMedia } from "./access";
import { TaskError } from "./errors";
import { promptRequired } from "./gateway-facts";
import { dispatchQueue } from "./queue";
import { checkSpend, SPEND_LOCK } from "./spend";

type NewTask = typeof tasks.$inferInsert;
type NewTakeSet = typeof takeSets.$inferInsert;
/** The transaction a submission's rows are written in. */
export type SubmitTx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A task as written by a submission (its id set). */
export type SubmittedTask = NewTask & { id: string };

/**
 * Checks budgets and the rate limit for every take and inserts them (and their take set) in
 * one transaction, under an advisory lock: all takes are accepted or none, and two tabs (or
 * instances) submitting at once are checked one after the other.
 */
export async function insertWithinBudget(
  values: NewTask | NewTask[],
  takeSet?: NewTakeSet,
  options: Pick<SubmitOptions, "afterInsert" | "prepaid"> = {},
): Promise<void> {
  const rows = Array.isArray(values) ? values : [values];
  const [first] = rows;
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SPEND_LOCK})`);
    if (!options.prepaid) {
      await checkSpend(tx, first.ownerId ?? "local", first, new Date(), rows.length);
    }
    if (takeSet) await tx.insert(takeSets).values(takeSet);
    await tx.insert(tasks).values(rows);
    await options.afterInsert?.(tx, rows as SubmittedTask[]);
  });
}

export function newTaskId(): string {
  return randomBytes(9).toString("base64url");
}

export interface SubmitOptions {
  /** One per submission from the browser: a repeat returns the first task, not a new one. */
  idempotencyKey?: string;
  /**
   * Runs in the transaction that writes the takes, after them: a group pointing at tasks (a
   * sequence, lib/sequences) is written with them or not at all. lib/tasks knows nothing of
   * what the hook does.
   */
  afterInsert?: (tx: SubmitTx, takes: readonly SubmittedTask[]) => Promise<void>;
  /**
   * Budgets and the rate limit were already checked for this task, together with others, by
   * the caller (a sequence's re-roll: all its shots at once, all or none): not again here.
   */
  prepaid?: boolean;
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
    // Our queue decides when it is sent (queue.ts): at once while slots are free.
    status: "waiting" as const,
    ownerId: user.id,
    ownerName: user.name ?? user.email,
    seconds: request.seconds,
    size: request.size,
    prompt: request.prompt ?? null,
    media: request.media,
    combination: combinationKey(request.media.map((ref) => ref.type)),
    ...optionColumns(request),
    takeSetId,
    // A first clip cut from one of our videos ("Continue") makes that video the parent.
    parentTaskId: clip?.derivedFrom?.taskId ?? null,
    parentCut: clip?.derivedFrom
      ? { fromSeconds: clip.derivedFrom.fromSeconds, toSeconds: clip.derivedFrom.toSeconds }
      : null,
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
      { afterInsert: options.afterInsert, prepaid: options.prepaid },
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

  // Its takes join the queue, and go at once when slots are free (oldest first: anything
  // still waiting from before goes ahead of them).
  const dispatched = await dispatchQueue();
  const ids = takes.map((take) => take.id);
  const db = await getDb();
  const kept = await db.select().from(tasks).where(inArray(tasks.id, ids));
  const rowsInOrder = ids.flatMap((id) => kept.filter((row) => row.id === id));
  // Every take shares the settings: one refusal is everyone's, but each row says so.
  const refusal = dispatched.find((sent) => ids.includes(sent.row.id) && sent.refusal)?.refusal;
  if (refusal && rowsInOrder.every((row) => row.status === "refused")) throw refusal;
  return { ...rowsInOrder[0], takes: rowsInOrder };
}
