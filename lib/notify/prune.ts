import "server-only";
import { and, asc, eq, gte, inArray, lt, notExists, or, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { outboxEvents, webhookDeliveries } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { logEvent } from "@/lib/tasks/log";

/**
 * The outbox keeps what it posted for WEBHOOK_RETENTION_DAYS (the admin page shows it, and a
 * receiver's owner can ask what was sent), then lets it go: without this it grows by every
 * video, forever. An event goes when it is older than the retention and so is everything done
 * with it: each delivery delivered (or refused) that long ago. One with a failed delivery is
 * kept twice as long: a failure is what an admin must see and may send again once the
 * receiver is fixed, and failures are few. A pending delivery (in its 24 h of retries, or sent
 * again) keeps its event whatever its age. The browser's done notices read only the last day.
 *
 * Deleted in batches (their deliveries go with them, by the foreign key), a bounded number per
 * round, so a backlog after a long outage never makes one long statement or holds locks for
 * long: what is left goes in the next round.
 */
const DAY_MS = 24 * 3600 * 1000;
const BATCH = 500;
const MAX_BATCHES = 4;
/** How often a long-running server prunes (the cron route prunes on each call). */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface PruneResult {
  deleted: number;
  /** A round stopped at its bound: more may be due. */
  more: boolean;
}

/** Deletes events past their retention, in batches of `batch`, at most `maxBatches`. */
export async function pruneOutbox(
  options: { db?: Db; now?: Date; batch?: number; maxBatches?: number } = {},
): Promise<PruneResult> {
  const db = options.db ?? (await getDb());
  const now = (options.now ?? new Date()).getTime();
  const days = env().WEBHOOK_RETENTION_DAYS;
  const cutoff = new Date(now - days * DAY_MS);
  const failedCutoff = new Date(now - 2 * days * DAY_MS);
  const batch = options.batch ?? BATCH;
  const maxBatches = options.maxBatches ?? MAX_BATCHES;
  // The last thing done with a delivery: delivered, or its last try (a refusal, a give-up).
  const lastDone = sql`coalesce(${webhookDeliveries.deliveredAt}, ${webhookDeliveries.lastAttemptAt}, ${outboxEvents.createdAt})`;
  const kept = db
    .select({ one: sql`1` })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.eventId, outboxEvents.id),
        or(
          eq(webhookDeliveries.status, "pending"),
          // A bare Date beside an untyped expression: postgres-js wants it as text.
          gte(lastDone, sql`${cutoff.toISOString()}::timestamptz`),
          and(
            eq(webhookDeliveries.status, "failed"),
            gte(lastDone, sql`${failedCutoff.toISOString()}::timestamptz`),
          ),
        ),
      ),
    );
  let deleted = 0;
  for (let round = 0; round < maxBatches; round++) {
    // Oldest first, by insertion order (indexed): the old end of the table is where they are.
    const doomed = db
      .select({ id: outboxEvents.id })
      .from(outboxEvents)
      .where(and(lt(outboxEvents.createdAt, cutoff), notExists(kept)))
      .orderBy(asc(outboxEvents.seq))
      .limit(batch);
    const gone = await db
      .delete(outboxEvents)
      .where(inArray(outboxEvents.id, doomed))
      .returning({ id: outboxEvents.id });
    deleted += gone.length;
    if (gone.length < batch) return { deleted, more: false };
  }
  return { deleted, more: true };
}

/** One round that logs instead of throwing (timers and the cron route call it). */
export async function pruneQuietly(): Promise<PruneResult> {
  try {
    const result = await pruneOutbox();
    if (result.deleted > 0) logEvent("outbox.pruned", { ...result, more: String(result.more) });
    return result;
  } catch (error) {
    logEvent("outbox.prune_failed", {
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
    return { deleted: 0, more: false };
  }
}

/**
 * Under `next start`: a round every ten minutes (soon again while a backlog lasts), with or
 * without WEBHOOK_URLS (the outbox also feeds the browser's notices). SWEEP_INTERVAL_MS=0
 * (Vercel) leaves it to the cron route.
 */
export function startOutboxPruner(): void {
  const holder = globalThis as unknown as { __wanStudioOutboxPruner?: NodeJS.Timeout | true };
  if (env().SWEEP_INTERVAL_MS === 0 || holder.__wanStudioOutboxPruner) return;
  holder.__wanStudioOutboxPruner = true;
  const schedule = (ms: number) => {
    holder.__wanStudioOutboxPruner = setTimeout(run, ms);
    holder.__wanStudioOutboxPruner.unref();
  };
  const run = () => {
    void pruneQuietly().then((result) => schedule(result.more ? 1000 : PRUNE_EVERY_MS));
  };
  // Not in the start-up rush: the first round a minute in.
  schedule(Math.min(60_000, PRUNE_EVERY_MS));
}
