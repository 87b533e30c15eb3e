import "server-only";
import { createHash } from "node:crypto";
import type { RerollStatus } from "@/lib/db/schema";
import { type ShotTask, shotFigures } from "./model";
import { getSequenceRow, shotsWithTasks } from "./store";

export interface ExportPlanShot {
  taskId: string;
  /** The kept video's storage key. */
  resultKey: string;
  /** The shot's whole length (probed from the kept file when known). */
  seconds: number;
  /** Its head that repeats the shot before it (the parent's clip); 0 for the first shot. */
  skipSeconds: number;
}

export interface ExportPlan {
  sequenceId: string;
  /** Changes whenever the shots change (a shot replaced, re-rolled, added, or its file). */
  version: string;
  shots: ExportPlanShot[];
}

/** The kind of a sequence's export job (lib/sequences/export.ts registers it). */
export const EXPORT_JOB = "sequence_export";

/** One export job per (sequence, version): its `jobs.dedupe_key`, unique and indexed. */
export function exportDedupeKey(sequenceId: string, version: string): string {
  return `${EXPORT_JOB}:${sequenceId}:${version}`;
}

/** What the plan needs of one shot: its re-roll state and its task (undefined: deleted). */
export interface PlannedShot {
  rerollStatus: RerollStatus | null;
  task: (ShotTask & { resultKey: string | null }) | undefined;
}

/**
 * The shots an export stitches, with its version; null when a shot has no kept video (still
 * running, failed, deleted, or being re-rolled). Pure: the history's list of sequences reads
 * the version of each from its own query, and must find the same one as the export does.
 */
export function planShots(
  rows: readonly PlannedShot[],
): { version: string; shots: ExportPlanShot[] } | null {
  if (rows.length === 0) return null;
  const kept = rows.flatMap(({ rerollStatus, task }) =>
    task?.status === "completed" && task.resultKey && rerollStatus !== "pending" ? [task] : [],
  );
  if (kept.length !== rows.length) return null;
  const figures = shotFigures(kept);
  const shots = kept.map((task, index) => ({
    taskId: task.id,
    resultKey: task.resultKey as string,
    seconds: figures[index].seconds,
    skipSeconds: figures[index].repeatsSeconds,
  }));
  const version = createHash("sha256")
    .update(JSON.stringify(shots))
    .digest("base64url")
    .slice(0, 16);
  return { version, shots };
}

/**
 * What an export of the sequence stitches, in order: each shot's kept file, played from
 * `skipSeconds`. Null when there is no such sequence, or when a shot has no kept video yet
 * (still running, failed, deleted, or being re-rolled): there is nothing whole to export.
 * Out-of-date shots are exported as they stand (the page says they are out of date).
 */
export async function exportPlan(sequenceId: string): Promise<ExportPlan | null> {
  const sequence = await getSequenceRow(sequenceId);
  if (!sequence) return null;
  const rows = await shotsWithTasks(sequenceId);
  const plan = planShots(rows.map(({ shot, task }) => ({ rerollStatus: shot.rerollStatus, task })));
  return plan ? { sequenceId, ...plan } : null;
}
