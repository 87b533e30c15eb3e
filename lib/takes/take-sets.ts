import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type TakeSetRow, type TaskRow, takeSets, tasks } from "@/lib/db/schema";
import { loadRemix, ownerLabel, queuePosition, toTaskView } from "@/lib/tasks";
import { logEvent } from "@/lib/tasks/log";
import { TakeError } from "./errors";
import { pickProblem, type TakeSetView } from "./view";

/**
 * Take sets: one Generate's takes, shown together, one of them picked. The takes stay tasks
 * (submitted, polled, kept and deleted as tasks); a set only groups them and holds the pick.
 * Visibility is the tasks': the team shares its work, so any member who can see the takes
 * can see the set and pick in it.
 */

const NOT_FOUND = "There is no such take set; its takes may have been deleted.";

export async function getTakeSetRow(id: string): Promise<TakeSetRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(takeSets).where(eq(takeSets.id, id)).limit(1);
  return row;
}

/** The set's takes still kept, in take order. */
export async function takesOfSet(id: string): Promise<TaskRow[]> {
  const db = await getDb();
  return db.select().from(tasks).where(eq(tasks.takeSetId, id)).orderBy(asc(tasks.takeIndex));
}

async function toTakeSetView(set: TakeSetRow, takes: TaskRow[]): Promise<TakeSetView> {
  // A take still waiting in our queue says its place in line from the first paint.
  const views = await Promise.all(
    takes.map(async (row) => toTaskView(row, { queuePosition: await queuePosition(row) })),
  );
  return {
    id: set.id,
    takes: set.takes,
    ownerName: ownerLabel(set),
    createdAt: set.createdAt.toISOString(),
    pickedTaskId: set.pickedTaskId,
    pickedBy: set.pickedBy,
    pickedAt: set.pickedAt?.toISOString() ?? null,
    views,
  };
}

/** A take set with its takes as the browser sees them, or undefined. */
export async function loadTakeSet(id: string): Promise<TakeSetView | undefined> {
  const set = await getTakeSetRow(id);
  if (!set) return undefined;
  return toTakeSetView(set, await takesOfSet(id));
}

/** What a task's page says about the set it belongs to: its size and whether it is the pick. */
export async function takeSetSummaries(
  ids: readonly (string | null)[],
): Promise<Map<string, Pick<TakeSetRow, "id" | "takes" | "pickedTaskId">>> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ id: takeSets.id, takes: takeSets.takes, pickedTaskId: takeSets.pickedTaskId })
    .from(takeSets)
    .where(inArray(takeSets.id, wanted));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Marks `taskId` as the set's chosen take (null: no pick). One per set, changeable by any
 * member. The take is read `for share` in the same transaction, so a delete running at the
 * same time either waits for the pick (and then clears it) or wins (and the pick is refused).
 */
export async function pickTake(
  takeSetId: string,
  taskId: string | null,
  user: CurrentUser,
): Promise<TakeSetView> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    // The take first, then the set: the order deleteTask locks them in, so the two never
    // wait on each other in a circle.
    const [take] =
      taskId === null
        ? []
        : await tx
            .select()
            .from(tasks)
            .where(and(eq(tasks.id, taskId), eq(tasks.takeSetId, takeSetId)))
            .for("share");
    const [set] = await tx.select().from(takeSets).where(eq(takeSets.id, takeSetId)).for("update");
    if (!set) throw new TakeError("take_set_not_found", NOT_FOUND);
    if (taskId !== null) {
      const problem = pickProblem(take, takeSetId);
      if (problem) throw new TakeError("not_pickable", problem);
    }
    await tx
      .update(takeSets)
      .set(
        taskId === null
          ? { pickedTaskId: null, pickedBy: null, pickedAt: null }
          : { pickedTaskId: taskId, pickedBy: user.name ?? user.email, pickedAt: new Date() },
      )
      .where(eq(takeSets.id, takeSetId));
  });
  logEvent("take_set.picked", { takeSetId, taskId: taskId ?? "none" });
  const view = await loadTakeSet(takeSetId);
  if (!view) throw new TakeError("take_set_not_found", NOT_FOUND);
  return view;
}

/**
 * A take set reopened in the studio: its first kept take's inputs and settings (they are the
 * same for every take but the seed) and how many takes it made.
 */
export async function loadRemixSet(id: string) {
  const set = await getTakeSetRow(id);
  if (!set) return null;
  const [first] = await takesOfSet(id);
  if (!first) return null;
  const remix = await loadRemix(first.id);
  return remix ? { ...remix, takes: set.takes } : null;
}
