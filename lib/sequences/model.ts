import type { JobStatus, MediaDerivation, TaskStatus } from "@/lib/db/schema";

/**
 * The arithmetic of a sequence, pure (no I/O): what each shot adds, the total, and which shots
 * are out of date. Shared by the page, the export plan and the re-roll.
 */

/** What the model needs of a shot's task. */
export interface ShotTask {
  id: string;
  status: TaskStatus;
  /** The length asked for; `resultSeconds` (probed from the kept file) wins when known. */
  seconds: number;
  resultSeconds: number | null;
  parentTaskId: string | null;
  parentCut: Pick<MediaDerivation, "fromSeconds" | "toSeconds"> | null;
}

export interface ShotFigures {
  /** The shot's own length, its first clip included. */
  seconds: number;
  /** Its head that repeats the end of the shot before it (0 for the first shot). */
  repeatsSeconds: number;
  /** What it adds to the sequence: its length minus what it repeats. */
  addsSeconds: number;
  /**
   * Its first clip was not cut from the current shot before it (that shot was replaced), or
   * the shot before it is itself out of date: playing on from there would not be seamless.
   */
  outOfDate: boolean;
}

/** Seconds are shown and summed to the millisecond: probed lengths carry float noise. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function shotLength(task: ShotTask): number {
  return ms(task.resultSeconds ?? task.seconds);
}

/** The seconds of the parent's clip a continuation starts with (its `parent_cut`). */
export function repeatedSeconds(task: ShotTask): number {
  if (!task.parentCut) return 0;
  return ms(Math.max(0, task.parentCut.toSeconds - task.parentCut.fromSeconds));
}

/** Each shot's figures, in order. */
export function shotFigures(shots: readonly ShotTask[]): ShotFigures[] {
  const figures: ShotFigures[] = [];
  shots.forEach((task, index) => {
    const seconds = shotLength(task);
    const repeatsSeconds = index === 0 ? 0 : Math.min(seconds, repeatedSeconds(task));
    const before = index === 0 ? undefined : shots[index - 1];
    const outOfDate =
      before !== undefined &&
      (task.parentTaskId !== before.id || (figures[index - 1]?.outOfDate ?? false));
    figures.push({ seconds, repeatsSeconds, addsSeconds: ms(seconds - repeatsSeconds), outOfDate });
  });
  return figures;
}

/** The sequence's length played straight through: the sum of what each shot adds. */
export function totalSeconds(figures: readonly ShotFigures[]): number {
  return ms(figures.reduce((sum, shot) => sum + shot.addsSeconds, 0));
}

/** "6 s", "5.5 s": whole seconds without decimals. */
export function formatSeconds(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded : rounded.toFixed(1)} s`;
}

/**
 * Where a continuation goes (decided when it is submitted):
 * - the parent is the last shot of a sequence: the child extends it (the newest such one);
 * - the parent is a middle shot, or its sequence already continues past it: a branch, a new
 *   sequence holding the shots up to the parent and then the child; the first sequence stays
 *   as it is (the child is also a take for the shot after the parent there: "Replace");
 * - the parent is in no sequence: a new one, [parent, child].
 */
export type Placement =
  | { kind: "extend"; sequenceId: string; position: number }
  | { kind: "branch"; fromSequenceId: string; upTo: number }
  | { kind: "new" };

export interface ParentHit {
  sequenceId: string;
  position: number;
  /** How many shots that sequence has. */
  shots: number;
}

/** `hits` newest sequence first. */
export function placeContinuation(hits: readonly ParentHit[]): Placement {
  const last = hits.find((hit) => hit.position === hit.shots - 1);
  if (last) return { kind: "extend", sequenceId: last.sequenceId, position: last.position + 1 };
  const [newest] = hits;
  if (newest) return { kind: "branch", fromSequenceId: newest.sequenceId, upTo: newest.position };
  return { kind: "new" };
}

/** One shot as the sequence page shows it (pure data, for server and browser alike). */
export interface ShotView extends ShotFigures {
  position: number;
  taskId: string;
  /** The task's state; "deleted" when its task is gone. */
  status: TaskStatus | "deleted";
  prompt: string | null;
  size: string;
  hasPoster: boolean;
  /** The kept video, while it is kept. */
  videoUrl: string | null;
  reroll: { status: "pending" | "failed"; error: string | null } | null;
  /** Kept takes it may be replaced with. */
  candidates: { taskId: string; label: string }[];
}

export interface SequenceView {
  id: string;
  ownerName: string;
  createdAt: string;
  updatedAt: string;
  shots: ShotView[];
  totalSeconds: number;
  /** "Re-roll from here": from which shot, how many later shots, about how much. */
  reroll: { fromPosition: number; shots: number; costUsd: number } | null;
  /** A re-roll is under way (some shot pending). */
  rerolling: boolean;
}

/** A sequence as the history lists it (pure data, for server and browser alike). */
export interface SequenceCard {
  id: string;
  ownerName: string;
  createdAt: string;
  updatedAt: string;
  /** The first shot's prompt, if it has one. */
  title: string | null;
  shots: number;
  totalSeconds: number;
  /** The first shot's task, when it has a poster (the card shows it). */
  posterTaskId: string | null;
  /** Some shot no longer continues the current shot before it. */
  outOfDate: boolean;
  /** A re-roll is under way, or stopped with a sentence (the sequence page says which). */
  reroll: "pending" | "failed" | null;
  /** How many of its shots' videos were deleted. */
  deletedShots: number;
  /** The export of the sequence as it stands now, if one was started. */
  export: { status: JobStatus; progress: number } | null;
}
