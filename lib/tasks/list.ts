import "server-only";
import {
  and,
  desc,
  eq,
  getTableColumns,
  ilike,
  inArray,
  isNull,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import {
  comments,
  type ReviewDecision,
  reviewStates,
  type TaskRow,
  type TaskStatus,
  takeSets,
  tasks,
} from "@/lib/db/schema";

export const stateFilters = {
  running: ["waiting", "submitting", "queued", "in_progress"],
  completed: ["completed"],
  failed: ["failed", "submit_unknown"],
  // Nothing started: apart from the failures, which may have been billed.
  refused: ["refused", "cancelled"],
} as const satisfies Record<string, readonly TaskStatus[]>;
export type StateFilter = keyof typeof stateFilters;

export interface ListQuery {
  state?: StateFilter;
  /** A combination key, e.g. "first_frame+driving_audio". */
  combination?: string;
  /** Words to find in prompts or negative prompts, case-insensitive. */
  search?: string;
  /** The seed actually sent (0 … 2147483647). */
  seed?: number;
  /** Only takes picked as their set's chosen one. */
  picked?: boolean;
  /** By review state: the latest decision, or "none" for videos nobody has decided on. */
  review?: ReviewDecision | "none";
  /** From a previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Pick<TaskRow, "createdAt" | "id">): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

/** `%` and `_` typed by a person are letters, not wildcards. */
function likePattern(words: string): string {
  return `%${words.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** A history row: the task, and for a take, its set's size and whether it is the pick. */
export type ListedTask = TaskRow & {
  setTakes: number | null;
  picked: boolean;
  /** The latest review decision, if any, and how many comments the video has. */
  review: ReviewDecision | null;
  commentCount: number;
};

/**
 * The history, newest first. Keyset pagination on (created_at, id) starts the index scan at
 * the cursor whatever the page, so page 400 costs what page 1 does.
 */
export async function listTasks(
  query: ListQuery,
): Promise<{ rows: ListedTask[]; nextCursor: string | null }> {
  const db = await getDb();
  const limit = Math.min(Math.max(query.limit ?? 24, 1), 100);
  const where: SQL[] = [];
  if (query.state) where.push(inArray(tasks.status, [...stateFilters[query.state]]));
  if (query.combination) where.push(eq(tasks.combination, query.combination));
  const search = query.search?.trim();
  if (search) {
    const pattern = likePattern(search);
    where.push(or(ilike(tasks.prompt, pattern), ilike(tasks.negativePrompt, pattern)) as SQL);
  }
  if (query.seed !== undefined) where.push(eq(tasks.seed, query.seed));
  // The take set is joined below: its pick is this task.
  if (query.picked) where.push(eq(takeSets.pickedTaskId, tasks.id));
  // The review state is joined below too.
  if (query.review === "none") where.push(isNull(reviewStates.decision));
  else if (query.review) where.push(eq(reviewStates.decision, query.review));
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    // A row comparison is a bound on the (created_at, id) index: the scan starts at the
    // cursor. The equivalent `created_at < … or (created_at = … and id < …)` is only a
    // filter, so Postgres reads every newer row first (bench/history.bench.mjs).
    where.push(
      sql`(${tasks.createdAt}, ${tasks.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`,
    );
  }
  const rows = await db
    .select({
      ...getTableColumns(tasks),
      setTakes: takeSets.takes,
      picked: sql<boolean>`coalesce(${takeSets.pickedTaskId} = ${tasks.id}, false)`,
      review: reviewStates.decision,
      commentCount: sql<number>`(select count(*) from ${comments} where ${comments.targetKind} = 'task' and ${comments.targetId} = ${tasks.id})::int`,
    })
    .from(tasks)
    .leftJoin(takeSets, eq(takeSets.id, tasks.takeSetId))
    .leftJoin(reviewStates, eq(reviewStates.taskId, tasks.id))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
