import type { MediaKind, VideoSize } from "@/lib/request-rules";

/**
 * A task as the browser sees it: our shape, never the gateway's (no gateway URLs, no key).
 * Pure, shared by the status route and the polling hook.
 */

export type TaskState =
  | "waiting"
  | "cancelled"
  | "submitting"
  | "queued"
  | "in_progress"
  | "completed"
  | "failed"
  | "submit_unknown"
  | "refused";

export interface TaskView {
  id: string;
  status: TaskState;
  /** Coarse (0, 10, 20, 30, 100): show a stage, not a smooth bar. */
  progress: number;
  seconds: number;
  size: VideoSize;
  prompt: string | null;
  /** The model's options as sent; null where the model's default applied. */
  negativePrompt: string | null;
  /** The seed actually sent (we pick it when the form says "Random"); null on older videos. */
  seed: number | null;
  promptExtend: boolean | null;
  watermark: boolean | null;
  /** Set when this video is one of several takes of one Generate. */
  takeSetId: string | null;
  takeIndex: number | null;
  media: { type: MediaKind; mediaId: string }[];
  /** "Continue": the video this one continues, and the part of it its first clip is. */
  parent?: { taskId: string; fromSeconds: number; toSeconds: number } | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** While it waits in our queue: its place in line, team-wide (1 = next to go). */
  queuePosition: number | null;
  /** Why it failed, was refused, or could not be confirmed, in a sentence for people. */
  error: { code: string; message: string } | null;
  /** A passing problem while it runs, e.g. the gateway is not answering; we keep trying. */
  notice: string | null;
  /**
   * The provider's own signed link (https, expires about a day after completion), only while
   * our copy of a completed video keeps failing: the member can still save the video.
   */
  providerUrl: string | null;
  /** Same-origin URLs to play and download the result, once completed. */
  videoUrl: string | null;
  downloadUrl: string | null;
  /** Its poster frame (same origin), once kept: what a player shows before it plays. */
  posterUrl: string | null;
}

const terminal: readonly TaskState[] = [
  "completed",
  "failed",
  "submit_unknown",
  "refused",
  "cancelled",
];

export function isTerminal(status: TaskState): boolean {
  return terminal.includes(status);
}

export const stateLabels: Record<TaskState, string> = {
  waiting: "Waiting",
  cancelled: "Cancelled",
  submitting: "Submitting",
  queued: "Queued",
  in_progress: "Generating",
  completed: "Completed",
  failed: "Failed",
  submit_unknown: "Not confirmed",
  refused: "Refused",
};

/** "0:07", "12:30": elapsed time for the status line. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 101st, 111th. */
export function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  const suffix = ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** The headline of a task in our queue: "Waiting for a free slot (3rd in line)". */
export function waitingLabel(position: number | null): string {
  return position
    ? `Waiting for a free slot (${ordinal(position)} in line)`
    : "Waiting for a free slot";
}
