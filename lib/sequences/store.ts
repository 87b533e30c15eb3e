import "server-only";
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import {
  type SequenceRow,
  type SequenceShotRow,
  sequenceShots,
  sequences,
  type TaskRow,
  tasks,
} from "@/lib/db/schema";
import type { SubmitTx, SubmittedTask } from "@/lib/tasks/submit";
import { type ParentHit, placeContinuation } from "./model";

/**
 * Key of the advisory lock held while a sequence's shots change (extended, branched,
 * replaced, re-rolled): two continuations of one parent, or a replace beside a re-roll step,
 * never read the same last shot and both write after it.
 */
export const SEQUENCE_LOCK = 726_160;

type Tx = SubmitTx | Db;

export function newSequenceId(): string {
  return randomBytes(9).toString("base64url");
}

async function lockSequences(tx: Pick<Db, "execute">): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCE_LOCK})`);
}

/** Every sequence holding `taskId`, newest change first, with the shot's place and the count. */
async function hitsFor(tx: Tx, taskId: string): Promise<ParentHit[]> {
  return tx
    .select({
      sequenceId: sequenceShots.sequenceId,
      position: sequenceShots.position,
      shots: sql<number>`(select count(*)::int from ${sequenceShots} s where s.sequence_id = ${sequenceShots.sequenceId})`,
    })
    .from(sequenceShots)
    .innerJoin(sequences, eq(sequences.id, sequenceShots.sequenceId))
    .where(eq(sequenceShots.taskId, taskId))
    .orderBy(desc(sequences.updatedAt), desc(sequences.id));
}

/**
 * The submission hook (SubmitOptions.afterInsert): a continuation ("Continue" made its first
 * clip, so it has a parent) joins a sequence in the transaction that writes it. Several takes
 * of one continuation: the first is the shot, the others are takes to replace it with.
 */
export async function linkContinuation(
  tx: SubmitTx,
  takes: readonly SubmittedTask[],
): Promise<void> {
  const [child] = takes;
  if (!child?.parentTaskId) return;
  await lockSequences(tx);
  const placement = placeContinuation(await hitsFor(tx, child.parentTaskId));
  const now = new Date();
  if (placement.kind === "extend") {
    await tx.insert(sequenceShots).values({
      sequenceId: placement.sequenceId,
      position: placement.position,
      taskId: child.id,
    });
    await tx
      .update(sequences)
      .set({ updatedAt: now })
      .where(eq(sequences.id, placement.sequenceId));
    return;
  }
  const id = newSequenceId();
  await tx.insert(sequences).values({
    id,
    ownerId: child.ownerId ?? "local",
    ownerName: child.ownerName ?? null,
    createdAt: now,
    updatedAt: now,
  });
  const head =
    placement.kind === "branch"
      ? (
          await tx
            .select({ taskId: sequenceShots.taskId })
            .from(sequenceShots)
            .where(
              and(
                eq(sequenceShots.sequenceId, placement.fromSequenceId),
                lte(sequenceShots.position, placement.upTo),
              ),
            )
            .orderBy(asc(sequenceShots.position))
        ).map((shot) => shot.taskId)
      : [child.parentTaskId];
  await tx
    .insert(sequenceShots)
    .values([...head, child.id].map((taskId, position) => ({ sequenceId: id, position, taskId })));
}

export async function getSequenceRow(id: string): Promise<SequenceRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(sequences).where(eq(sequences.id, id)).limit(1);
  return row;
}

/** A sequence's shots in order, each with its task (undefined: the task was deleted). */
export async function shotsWithTasks(
  sequenceId: string,
  db: Tx | undefined = undefined,
): Promise<{ shot: SequenceShotRow; task: TaskRow | undefined }[]> {
  const conn = db ?? (await getDb());
  const shots = await conn
    .select()
    .from(sequenceShots)
    .where(eq(sequenceShots.sequenceId, sequenceId))
    .orderBy(asc(sequenceShots.position));
  if (shots.length === 0) return [];
  const rows = await conn
    .select()
    .from(tasks)
    .where(
      inArray(
        tasks.id,
        shots.map((shot) => shot.taskId),
      ),
    );
  return shots.map((shot) => ({ shot, task: rows.find((row) => row.id === shot.taskId) }));
}

/** The sequences a task is a shot of, newest change first (for its page's "Part of…"). */
export async function sequencesOfTask(
  taskId: string,
): Promise<{ sequenceId: string; position: number; shots: number }[]> {
  const db = await getDb();
  return hitsFor(db, taskId);
}

/**
 * For a page of the history: each task that is a shot, with its newest sequence and its place
 * there (one read for the whole page).
 */
export async function sequenceOfTasks(
  taskIds: readonly string[],
): Promise<Map<string, { sequenceId: string; position: number }>> {
  if (taskIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({
      taskId: sequenceShots.taskId,
      sequenceId: sequenceShots.sequenceId,
      position: sequenceShots.position,
    })
    .from(sequenceShots)
    .innerJoin(sequences, eq(sequences.id, sequenceShots.sequenceId))
    .where(inArray(sequenceShots.taskId, [...taskIds]))
    .orderBy(asc(sequences.updatedAt));
  // Newest last: it wins.
  return new Map(rows.map((row) => [row.taskId, row]));
}

export { lockSequences };
