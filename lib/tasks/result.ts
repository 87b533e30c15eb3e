import "server-only";
import type { Readable } from "node:stream";
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { env, gatewayConfig } from "@/lib/env";
import { probeStored } from "@/lib/media/probe";
import { getStorage } from "@/lib/storage";
import { gatewayFor } from "./gateway";
import { logEvent } from "./log";
import { makePoster } from "./poster";
import { CopyFailure, checkedVideo, fetchProviderLink, gatewayCopyFailure } from "./result-source";

export function resultKeyFor(taskId: string): string {
  return `results/${taskId}.mp4`;
}

/** After this many failed tries we stop, say so, and leave the provider's link to the member. */
export const MAX_RESULT_COPY_ATTEMPTS = 12;
/** The longest wait between two tries. */
const MAX_COPY_BACKOFF_MS = 30 * 60_000;
/** How long one try holds its claim: a server that died mid-copy frees the task after this. */
const COPY_LEASE_MS = 20 * 60_000;

/** Wait before try `attempt + 1`: the poll interval, doubling, at most 30 minutes. */
export function copyBackoffMs(attempt: number): number {
  return Math.min(env().POLL_INTERVAL_MS * 2 ** Math.max(0, attempt - 1), MAX_COPY_BACKOFF_MS);
}

/** Whether a completed task's result is still worth another try now. */
export function copyDue(row: TaskRow, now = Date.now()): boolean {
  return (
    !row.resultKey &&
    row.resultCopyAttempts < MAX_RESULT_COPY_ATTEMPTS &&
    (!row.resultCopyNextAt || row.resultCopyNextAt.getTime() <= now)
  );
}

/**
 * Claims one try: at most one server copies a task at a time (the claim holds a lease), and
 * a failed copy then waits its back-off (judged by the database's clock) instead of running
 * again on every poll.
 */
async function claimCopy(row: TaskRow): Promise<TaskRow | undefined> {
  const db = await getDb();
  const [claimed] = await db
    .update(tasks)
    .set({
      resultCopyAttempts: sql`${tasks.resultCopyAttempts} + 1`,
      resultCopyNextAt: sql`now() + make_interval(secs => ${COPY_LEASE_MS / 1000})`,
    })
    .where(
      and(
        eq(tasks.id, row.id),
        isNull(tasks.resultKey),
        eq(tasks.resultCopyAttempts, row.resultCopyAttempts),
        or(isNull(tasks.resultCopyNextAt), lte(tasks.resultCopyNextAt, sql`now()`)),
      ),
    )
    .returning();
  return claimed;
}

/** One source into storage; any failure (bytes, length, storage) comes back as a phrase. */
async function store(key: string, open: () => Promise<Readable>): Promise<number> {
  const body = await open();
  try {
    return (await getStorage().put(key, body)).size;
  } catch (error) {
    body.destroy();
    if (error instanceof CopyFailure) throw error;
    throw new CopyFailure("our storage could not save it", { cause: error });
  }
}

/**
 * Copies a completed task's video into our storage, because the provider's links expire
 * (~24 h). From the gateway's `/content` first; when that fails or is cut short (mainline
 * new-api cuts every download at 60 s), from the provider's own link (`resultUrl`), without
 * our key. Streamed, checked (MP4, whole), never buffered. On failure the row says why in
 * `resultCopyError`, and the next try waits its back-off; the player streams through our
 * server meanwhile. Never throws: it runs after the answer, where nobody would catch it.
 */
export async function keepResult(row: TaskRow, origin: string): Promise<void> {
  if (!row.gatewayId || !copyDue(row)) return;
  const claimed = await claimCopy(row).catch((error) => {
    logEvent("task.result_copy_failed", { taskId: row.id, error: String(error) });
    return undefined;
  });
  if (!claimed?.gatewayId) return;
  const started = Date.now();
  const key = resultKeyFor(row.id);
  const reasons: string[] = [];
  let size: number | undefined;
  let source = "content";
  try {
    size = await store(key, async () => {
      const response = await gatewayFor(origin, "copy").downloadVideoContent(
        claimed.gatewayId as string,
      );
      return checkedVideo(response, "the gateway's download");
    });
  } catch (error) {
    reasons.push(gatewayCopyFailure(error).message);
  }
  if (size === undefined && claimed.resultUrl) {
    source = "provider_link";
    const link = claimed.resultUrl;
    try {
      size = await store(key, async () =>
        checkedVideo(
          await fetchProviderLink(link, gatewayConfig(origin).baseUrl),
          "the provider's link",
        ),
      );
    } catch (error) {
      reasons.push(
        error instanceof CopyFailure ? error.message : "the provider's link could not be copied",
      );
    }
  } else if (size === undefined) {
    reasons.push("the gateway gave no provider link to fall back on");
  }
  try {
    if (size === undefined) {
      await recordFailure(claimed, reasons);
      return;
    }
    const db = await getDb();
    await db
      .update(tasks)
      .set({ resultKey: key, resultBytes: size, resultCopyError: null, resultCopyNextAt: null })
      .where(eq(tasks.id, row.id));
    logEvent("task.result_kept", {
      taskId: row.id,
      bytes: size,
      ms: Date.now() - started,
      source,
      attempt: claimed.resultCopyAttempts,
    });
    await describeResult(row.id, key, size);
  } catch (error) {
    logEvent("task.result_copy_failed", { taskId: row.id, error: String(error) });
  }
}

/** The row's sentence: what failed, and what happens next. */
export function copyFailureSentence(attempts: number, reasons: string[]): string {
  const why = reasons.join("; ");
  if (attempts >= MAX_RESULT_COPY_ATTEMPTS) {
    return `We could not keep a copy of this video after ${attempts} tries (${why}). Download it now: the provider's link expires about a day after the video was made.`;
  }
  return `We could not keep a copy of this video yet (${why}). We will try again shortly; until then it plays from the video service.`;
}

async function recordFailure(row: TaskRow, reasons: string[]): Promise<void> {
  const message = copyFailureSentence(row.resultCopyAttempts, reasons);
  const waitSeconds = copyBackoffMs(row.resultCopyAttempts) / 1000;
  const db = await getDb();
  await db
    .update(tasks)
    .set({
      resultCopyError: message,
      resultCopyNextAt: sql`now() + make_interval(secs => ${waitSeconds})`,
    })
    .where(eq(tasks.id, row.id));
  logEvent("task.result_copy_failed", {
    taskId: row.id,
    attempt: row.resultCopyAttempts,
    error: reasons.join("; "),
  });
}

/** Records the kept video's length and a poster frame; neither is worth failing the copy. */
async function describeResult(taskId: string, key: string, size: number): Promise<void> {
  const storage = getStorage();
  const probe = await probeStored(storage, key, "first_clip", "video", "video/mp4", size).catch(
    () => null,
  );
  const posterKey = await makePoster(storage, key, taskId);
  const db = await getDb();
  await db
    .update(tasks)
    .set({ resultSeconds: probe?.durationSeconds ?? null, posterKey })
    .where(eq(tasks.id, taskId));
  if (!posterKey) logEvent("task.poster_failed", { taskId });
}
