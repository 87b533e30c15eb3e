import "server-only";
import { and, eq, inArray, isNotNull, ne, or } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { priceRates } from "@/lib/env";
import { ownerLabel } from "@/lib/tasks";
import { estimateCost } from "@/lib/video-request";
import {
  type SequenceView,
  type ShotTask,
  type ShotView,
  shotFigures,
  totalSeconds,
} from "./model";
import { getSequenceRow, shotsWithTasks } from "./store";

const GONE: Omit<ShotTask, "id"> = {
  status: "failed",
  seconds: 0,
  resultSeconds: 0,
  parentTaskId: null,
  parentCut: null,
};

/**
 * The takes a shot may be replaced with: kept results of the same take set, or made from the
 * same parent (its own, or the current shot before it: a new continuation of that shot).
 */
export async function replaceCandidates(
  task: TaskRow | undefined,
  before: TaskRow | undefined,
  /** The transaction to read in (a replace checks its choice in its own). */
  conn?: Pick<Db, "select">,
): Promise<TaskRow[]> {
  const parents = [task?.parentTaskId, before?.id].filter((id): id is string => Boolean(id));
  const sameSet = task?.takeSetId ? eq(tasks.takeSetId, task.takeSetId) : undefined;
  const sameParent = parents.length > 0 ? inArray(tasks.parentTaskId, parents) : undefined;
  const which = sameSet && sameParent ? or(sameSet, sameParent) : (sameSet ?? sameParent);
  if (!which) return [];
  const db = conn ?? (await getDb());
  return db
    .select()
    .from(tasks)
    .where(
      and(
        which,
        eq(tasks.status, "completed"),
        isNotNull(tasks.resultKey),
        task ? ne(tasks.id, task.id) : undefined,
      ),
    )
    .orderBy(tasks.createdAt)
    .limit(24);
}

function candidateLabel(row: TaskRow): string {
  const what = row.takeIndex ? `Take ${row.takeIndex}` : `Video ${row.id}`;
  return `${what} · ${row.seconds} s${row.prompt ? ` · ${row.prompt.slice(0, 40)}` : ""}`;
}

/** The shots from the first out-of-date one on, and the shot before them. */
export function outOfDateRun(figures: readonly { outOfDate: boolean }[]): number | null {
  const first = figures.findIndex((shot) => shot.outOfDate);
  return first > 0 ? first : null;
}

/** A sequence as its page shows it, or undefined. */
export async function loadSequence(id: string): Promise<SequenceView | undefined> {
  const sequence = await getSequenceRow(id);
  if (!sequence) return undefined;
  const rows = await shotsWithTasks(id);
  const shotTasks = rows.map(({ shot, task }) => task ?? { ...GONE, id: shot.taskId });
  const figures = shotFigures(shotTasks);
  const rates = priceRates();
  const shots: ShotView[] = await Promise.all(
    rows.map(async ({ shot, task }, index) => {
      const candidates = await replaceCandidates(task, rows[index - 1]?.task);
      return {
        ...figures[index],
        position: shot.position,
        taskId: shot.taskId,
        status: task?.status ?? "deleted",
        prompt: task?.prompt ?? null,
        size: task?.size ?? "",
        hasPoster: Boolean(task?.posterKey),
        videoUrl:
          task?.status === "completed" && task.resultKey ? `/api/tasks/${task.id}/video` : null,
        reroll: shot.rerollStatus ? { status: shot.rerollStatus, error: shot.rerollError } : null,
        candidates: candidates.map((row) => ({ taskId: row.id, label: candidateLabel(row) })),
      };
    }),
  );
  const rerolling = rows.some(({ shot }) => shot.rerollStatus === "pending");
  const first = outOfDateRun(figures);
  const later = first === null ? [] : rows.slice(first);
  const reroll =
    first !== null && !rerolling && later.every(({ task }) => task)
      ? {
          fromPosition: first - 1,
          shots: later.length,
          costUsd: later.reduce(
            (sum, { task }) => sum + (task ? estimateCost(task.seconds, task.size, rates) : 0),
            0,
          ),
        }
      : null;
  return {
    id: sequence.id,
    ownerName: ownerLabel(sequence),
    createdAt: sequence.createdAt.toISOString(),
    updatedAt: sequence.updatedAt.toISOString(),
    shots,
    totalSeconds: totalSeconds(figures),
    reroll,
    rerolling,
  };
}
