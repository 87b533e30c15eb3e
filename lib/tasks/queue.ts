import "server-only";
import { and, asc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { TaskError } from "./errors";
import { logEvent } from "./log";
import { sendCreate } from "./send";

/**
 * Our own queue in front of the gateway's concurrency cap (MAX_CONCURRENT_TASKS, team-wide).
 * Every new task is inserted `waiting`; a dispatcher claims free slots, oldest first, and
 * sends their creates. The queue is the `tasks` table itself, so it survives a restart, and
 * the claim runs under an advisory lock, so two instances (or a sweep beside a Generate) never
 * claim one task twice, nor together more slots than are free.
 *
 * Dispatchers: a Generate (its own takes go at once when slots are free), a refresh that sees
 * a task finish (the next one goes at once, so a freed slot is not left idle), and the sweep
 * (the in-process sweeper under `next start`, the cron route on Vercel), which also sends what
 * waited out a back-off and what a restart left behind.
 */

/** Key of the advisory lock held while counting running tasks and claiming queued ones. */
export const QUEUE_LOCK = 726_151;

/**
 * How long a create whose outcome is unknown keeps its slot: it may be running at the
 * gateway (and billed), so the slot stays taken for about as long as a task takes (1–5 min),
 * then is given back, since we never learn when (or whether) it ends.
 */
export const SUBMIT_UNKNOWN_HOLDS_SLOT_MS = 10 * 60 * 1000;

/**
 * The tasks that hold a slot at the gateway, as far as we know: being sent (`submitting`,
 * claimed and counted before its create leaves), running (`queued`, `in_progress`: our row
 * turns terminal only after the gateway said so, so we never count fewer than it runs), and a
 * recent `submit_unknown` (see above). `refreshed_at` of a claimed task is the claim's time.
 */
export function holdsSlotSql(): SQL {
  const holdSeconds = SUBMIT_UNKNOWN_HOLDS_SLOT_MS / 1000;
  return sql`(${tasks.status} in ('submitting', 'queued', 'in_progress') or (${tasks.status} = 'submit_unknown' and ${tasks.refreshedAt} > now() - make_interval(secs => ${holdSeconds})))`;
}

/** Queue order: oldest Generate first, then its takes in order. */
const queueOrder = [asc(tasks.createdAt), sql`${tasks.takeIndex} asc nulls first`, asc(tasks.id)];

export interface ClaimOptions {
  /**
   * A running task just finished: a slot is free at the gateway, so the head of the queue goes
   * now even if a 429 put the queue on hold (the hold was waiting for exactly that).
   */
  slotFreed?: boolean;
  /** The cap (MAX_CONCURRENT_TASKS by default). */
  limit?: number;
  /** Another connection pool to claim through (a second instance, in tests). */
  db?: Db;
}

/**
 * Claims as many waiting tasks as there are free slots, oldest first, and marks them
 * `submitting` (one more submit attempt). In one transaction under QUEUE_LOCK: the count and
 * the claim cannot interleave with another dispatcher's. While the head of the queue waits out
 * a back-off after a 429 (the gateway is full), nothing is claimed: the queue keeps its order
 * and does not knock again before then, unless a slot was freed meanwhile.
 */
export async function claimQueued(options: ClaimOptions = {}): Promise<TaskRow[]> {
  const cap = options.limit ?? env().MAX_CONCURRENT_TASKS;
  const db = options.db ?? (await getDb());
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${QUEUE_LOCK})`);
    const [{ running }] = await tx
      .select({ running: sql<number>`count(*)::int` })
      .from(tasks)
      .where(holdsSlotSql());
    const free = cap - running;
    if (free <= 0) return [];
    const head = await tx
      .select({ id: tasks.id, nextSubmitAt: tasks.nextSubmitAt })
      .from(tasks)
      .where(eq(tasks.status, "waiting"))
      .orderBy(...queueOrder)
      .limit(free);
    if (head.length === 0) return [];
    const now = Date.now();
    const held = head.some((row) => row.nextSubmitAt && row.nextSubmitAt.getTime() > now);
    if (held && !options.slotFreed) return [];
    const claimed = await tx
      .update(tasks)
      .set({
        status: "submitting",
        submitAttempts: sql`${tasks.submitAttempts} + 1`,
        // The claim's time: a create still `submitting` long after it died with its server.
        refreshedAt: sql`now()`,
      })
      .where(
        and(
          inArray(
            tasks.id,
            head.map((row) => row.id),
          ),
          eq(tasks.status, "waiting"),
        ),
      )
      .returning();
    return claimed.sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.takeIndex ?? 0) - (b.takeIndex ?? 0) ||
        a.id.localeCompare(b.id),
    );
  });
}

/** One claimed task's create: its row after the gateway answered, or the refusal's sentence. */
export interface Dispatched {
  row: TaskRow;
  refusal?: TaskError;
}

/**
 * Claims free slots and sends their creates (outside the claim's transaction: a create can
 * take seconds). Returns what happened to each claimed task; a refusal is returned, not
 * thrown, since it may be someone else's task.
 */
export async function dispatchQueue(options: ClaimOptions = {}): Promise<Dispatched[]> {
  const claimed = await claimQueued(options);
  if (claimed.length === 0) return [];
  logEvent("queue.claimed", { count: claimed.length, slotFreed: options.slotFreed ? 1 : 0 });
  return Promise.all(
    claimed.map(async (row): Promise<Dispatched> => {
      try {
        return { row: await sendCreate(row.id) };
      } catch (error) {
        if (!(error instanceof TaskError)) {
          logEvent("queue.send_failed", {
            taskId: row.id,
            error: error instanceof Error ? error.message : "unknown",
          });
          throw error;
        }
        const db = await getDb();
        const [kept] = await db.select().from(tasks).where(eq(tasks.id, row.id));
        return { row: kept ?? row, refusal: error };
      }
    }),
  );
}

/** The same, for callers that must not fail because of it (a viewer's poll, a sweep). */
export async function dispatchQuietly(options: ClaimOptions = {}): Promise<void> {
  await dispatchQueue(options).catch((error: unknown) =>
    logEvent("queue.dispatch_failed", {
      error: error instanceof Error ? error.message : "unknown",
    }),
  );
}

/**
 * A waiting task's place in line, team-wide (1 = next to go), or null when it is not waiting.
 * Counts the waiting tasks ahead of it in queue order.
 */
export async function queuePosition(row: TaskRow): Promise<number | null> {
  if (row.status !== "waiting") return null;
  const db = await getDb();
  const take = row.takeIndex ?? -1;
  const [{ ahead }] = await db
    .select({ ahead: sql<number>`count(*)::int` })
    .from(tasks)
    .where(
      and(
        eq(tasks.status, "waiting"),
        or(
          sql`${tasks.createdAt} < ${row.createdAt.toISOString()}::timestamptz`,
          and(
            sql`${tasks.createdAt} = ${row.createdAt.toISOString()}::timestamptz`,
            or(
              sql`coalesce(${tasks.takeIndex}, -1) < ${take}`,
              and(sql`coalesce(${tasks.takeIndex}, -1) = ${take}`, sql`${tasks.id} < ${row.id}`),
            ),
          ),
        ),
      ),
    );
  return ahead + 1;
}

/** The queue at a glance, in one query (the sweeper asks it every round). */
export interface QueueSnapshot {
  waiting: number;
  /** Tasks holding a slot (holdsSlotSql). */
  running: number;
  /** The latest back-off among waiting tasks, if any. */
  heldUntil: Date | null;
  /** The oldest refresh among running tasks: the next of them falls due one interval later. */
  oldestRefresh: Date | null;
}

export async function queueSnapshot(): Promise<QueueSnapshot> {
  const db = await getDb();
  const [state] = await db
    .select({
      waiting: sql<number>`(count(*) filter (where ${tasks.status} = 'waiting'))::int`,
      running: sql<number>`(count(*) filter (where ${holdsSlotSql()}))::int`,
      heldUntil: sql<
        string | null
      >`max(${tasks.nextSubmitAt}) filter (where ${tasks.status} = 'waiting')`,
      oldestRefresh: sql<
        string | null
      >`min(${tasks.refreshedAt}) filter (where ${tasks.status} in ('queued', 'in_progress'))`,
    })
    .from(tasks)
    .where(
      inArray(tasks.status, ["waiting", "submitting", "queued", "in_progress", "submit_unknown"]),
    );
  const date = (value: string | null | undefined) => (value ? new Date(value) : null);
  return {
    waiting: state?.waiting ?? 0,
    running: state?.running ?? 0,
    heldUntil: date(state?.heldUntil),
    oldestRefresh: date(state?.oldestRefresh),
  };
}
