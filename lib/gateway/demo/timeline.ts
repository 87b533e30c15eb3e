import type { DemoFault } from "./faults";
import { faultErrors, throttledRefresh } from "./faults";
import type { RenderStatus } from "./renders";

/**
 * A demo task's status is a pure function of the time since it was created: one stage per
 * `stepMs`, queued (0) → in_progress 10 → 20 → 30 → completed (100), the coarse steps the
 * real gateway reports; a restart loses nothing. With a renderer (renders.ts), a task whose
 * stages have passed waits at its last stage until its video is rendered (`renderedState`).
 * Two faults bend the timeline: `stuck` stays at in_progress 30 for ever, and
 * `unknown-forever` answers `unknown` from the start.
 */

export type DemoStatus = "queued" | "in_progress" | "completed" | "failed" | "unknown";

export interface DemoState {
  status: DemoStatus;
  progress: number;
  completedAt?: Date;
  error?: { code: string; message: string };
}

const STAGES: readonly { status: DemoStatus; progress: number }[] = [
  { status: "queued", progress: 0 },
  { status: "in_progress", progress: 10 },
  { status: "in_progress", progress: 20 },
  { status: "in_progress", progress: 30 },
];

/** How long a demo task takes from create to its end. */
export function demoDurationMs(stepMs: number): number {
  return Math.max(0, stepMs) * STAGES.length;
}

export function demoState(
  createdAt: Date,
  now: Date,
  stepMs: number,
  fault?: DemoFault | null,
): DemoState {
  if (fault === "unknown-forever") return { status: "unknown", progress: 0 };
  const elapsed = now.getTime() - createdAt.getTime();
  const stage = stepMs <= 0 ? STAGES.length : Math.floor(Math.max(0, elapsed) / stepMs);
  if (stage < STAGES.length) return { ...STAGES[stage] };
  if (fault === "stuck") return { ...STAGES[STAGES.length - 1] };
  const completedAt = new Date(createdAt.getTime() + demoDurationMs(stepMs));
  const error = fault ? faultErrors[fault] : undefined;
  if (error) return { status: "failed", progress: 100, completedAt, error };
  return { status: "completed", progress: 100, completedAt };
}

/**
 * The read while the gateway's refresh of the task fails (`unknown-transient`): `unknown`,
 * with the provider's Throttling error, at the progress the task last had.
 */
export function throttledState(state: DemoState): DemoState {
  return { status: "unknown", progress: state.progress, error: { ...throttledRefresh } };
}

/**
 * When the gateway's row last changed: the start of the current stage, or the end. new-api
 * answers this as `completed_at` on every read, finished or not.
 */
export function lastChangeAt(createdAt: Date, now: Date, stepMs: number, state: DemoState): Date {
  if (state.completedAt) return state.completedAt;
  if (stepMs <= 0) return createdAt;
  const elapsed = Math.max(0, now.getTime() - createdAt.getTime());
  const stage = Math.min(Math.floor(elapsed / stepMs), STAGES.length - 1);
  return new Date(createdAt.getTime() + stage * stepMs);
}

/**
 * A task whose stages have passed, as its render has it: completed once the render is done
 * (at the later of the two), held at the last stage while it renders, failed with the
 * provider's kind of error when the render could not be made.
 */
export function renderedState(timed: DemoState, render: RenderStatus): DemoState {
  if (timed.status !== "completed") return timed;
  if (render.state === "done") {
    const at = Math.max(timed.completedAt?.getTime() ?? 0, render.finishedAt.getTime());
    return { ...timed, completedAt: new Date(at) };
  }
  if (render.state === "failed") {
    return {
      status: "failed",
      progress: 100,
      completedAt: timed.completedAt,
      error: {
        code: "ali_api_error",
        message: `InternalError: The video could not be made: ${render.message}.`,
      },
    };
  }
  return { ...STAGES[STAGES.length - 1] };
}
