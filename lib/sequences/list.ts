import "server-only";
import { desc, inArray, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import {
  jobs,
  type RerollStatus,
  sequenceShots,
  sequences,
  type TaskStatus,
  tasks,
} from "@/lib/db/schema";
import { ownerLabel } from "@/lib/tasks/access";
import { decodeCursor, encodeCursor } from "@/lib/tasks/list";
import { exportDedupeKey, planShots } from "./export-plan";
import { type SequenceCard, type ShotTask, shotFigures, totalSeconds } from "./model";

/** One shot as the listing's query returns it (json: its task's columns, null when deleted). */
interface ShotJson {
  taskId: string;
  rerollStatus: RerollStatus | null;
  status: TaskStatus | null;
  seconds: number | null;
  resultSeconds: number | null;
  parentTaskId: string | null;
  parentCut: ShotTask["parentCut"];
  resultKey: string | null;
  posterKey: string | null;
  prompt: string | null;
}

/**
 * Each sequence's shots in order, with what the figures need of their tasks, as one json
 * array: a page of sequences is one read (the shots through the (sequence_id, position) key,
 * their tasks through theirs).
 */
const shotsJson = sql<ShotJson[] | string>`(
  select coalesce(json_agg(json_build_object(
    'taskId', ss.task_id,
    'rerollStatus', ss.reroll_status,
    'status', t.status,
    'seconds', t.seconds,
    'resultSeconds', t.result_seconds,
    'parentTaskId', t.parent_task_id,
    'parentCut', t.parent_cut,
    'resultKey', t.result_key,
    'posterKey', t.poster_key,
    -- The first shot's prompt is the sequence's title (as in its export's notice).
    'prompt', case when ss.position = 0 then t.prompt end
  ) order by ss.position), '[]'::json)
  from ${sequenceShots} ss
  left join ${tasks} t on t.id = ss.task_id
  -- Qualified by hand: drizzle writes a lone "id" here, which would be the task's.
  where ss.sequence_id = "sequences"."id"
)`;

/**
 * One page of sequences with their shots, newest change first: keyset on (updated_at, id),
 * a row comparison that bounds the scan of `sequences_updated_idx` at the cursor (see
 * lib/tasks/list.ts). Exported for the test that reads its plan.
 */
export function pageQuery(
  db: Pick<Db, "select">,
  cursor: { createdAt: Date; id: string } | null,
  limit: number,
) {
  return db
    .select({
      id: sequences.id,
      ownerId: sequences.ownerId,
      ownerName: sequences.ownerName,
      createdAt: sequences.createdAt,
      updatedAt: sequences.updatedAt,
      shots: shotsJson,
    })
    .from(sequences)
    .where(
      cursor
        ? sql`(${sequences.updatedAt}, ${sequences.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`
        : undefined,
    )
    .orderBy(desc(sequences.updatedAt), desc(sequences.id))
    .limit(limit);
}

/**
 * The team's sequences for the history, newest change first (as every member sees the team's
 * videos). Keyset pagination on (updated_at, id), bounded by `sequences_updated_idx`; the
 * export state of each sequence as it stands now is a second read, by the export jobs' unique
 * key (the version is computed from the shots, as the export computes it).
 */
export async function listSequences(
  query: { cursor?: string; limit?: number } = {},
): Promise<{ rows: SequenceCard[]; nextCursor: string | null }> {
  const db = await getDb();
  const limit = Math.min(Math.max(query.limit ?? 24, 1), 100);
  const found = await pageQuery(db, decodeCursor(query.cursor), limit + 1);
  const page = found.slice(0, limit);

  const cards = page.map((row) => {
    // postgres-js parses json; PGlite may hand it over as text.
    const shots: ShotJson[] = typeof row.shots === "string" ? JSON.parse(row.shots) : row.shots;
    const shotTasks = shots.map((shot) => toShotTask(shot));
    const figures = shotFigures(shotTasks.map((task, index) => task ?? gone(shots[index].taskId)));
    const plan = planShots(
      shots.map((shot, index) => ({ rerollStatus: shot.rerollStatus, task: shotTasks[index] })),
    );
    const [first] = shots;
    const card: SequenceCard = {
      id: row.id,
      ownerName: ownerLabel(row),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      title: first?.prompt?.trim() ? first.prompt.trim().slice(0, 120) : null,
      shots: shots.length,
      totalSeconds: totalSeconds(figures),
      posterTaskId: first?.status && first.posterKey ? first.taskId : null,
      outOfDate: figures.some((shot) => shot.outOfDate),
      reroll: shots.some((shot) => shot.rerollStatus === "pending")
        ? "pending"
        : shots.some((shot) => shot.rerollStatus === "failed")
          ? "failed"
          : null,
      deletedShots: shots.filter((shot) => shot.status === null).length,
      export: null,
    };
    return { card, key: plan ? exportDedupeKey(row.id, plan.version) : null };
  });

  const keys = cards.flatMap(({ key }) => (key ? [key] : []));
  const exports =
    keys.length === 0
      ? []
      : await db
          .select({ key: jobs.dedupeKey, status: jobs.status, progress: jobs.progress })
          .from(jobs)
          .where(inArray(jobs.dedupeKey, keys));
  const byKey = new Map(exports.map((job) => [job.key, job]));
  const rows = cards.map(({ card, key }) => {
    const job = key ? byKey.get(key) : undefined;
    return job ? { ...card, export: { status: job.status, progress: job.progress } } : card;
  });
  const last = page.at(-1);
  return {
    rows,
    nextCursor:
      found.length > limit && last
        ? encodeCursor({ createdAt: last.updatedAt, id: last.id })
        : null,
  };
}

function toShotTask(shot: ShotJson): (ShotTask & { resultKey: string | null }) | undefined {
  if (shot.status === null || shot.seconds === null) return undefined;
  return {
    id: shot.taskId,
    status: shot.status,
    seconds: shot.seconds,
    resultSeconds: shot.resultSeconds,
    parentTaskId: shot.parentTaskId,
    parentCut: shot.parentCut,
    resultKey: shot.resultKey,
  };
}

/**
 * A deleted shot counts for nothing and keeps its id, as on the sequence page
 * (lib/sequences/view.ts): the shot after it still continues it.
 */
function gone(taskId: string): ShotTask {
  return {
    id: taskId,
    status: "failed",
    seconds: 0,
    resultSeconds: 0,
    parentTaskId: null,
    parentCut: null,
  };
}
