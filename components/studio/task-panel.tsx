"use client";

import Link from "next/link";
import { useId } from "react";
import {
  formatElapsed,
  isTerminal,
  stateLabels,
  type TaskView,
  waitingLabel,
} from "@/lib/task-view";
import { ApiError } from "../fetch-json";
import { useSeenWhenVisible } from "../notify/use-seen";
import { CancelTaskButton, type CancelVideo } from "./cancel-task-button";
import { TaskSeed } from "./task-seed";
import { useNow, useVideoTask } from "./use-video-task";
import { VideoPlayer, type VideoTools } from "./video-player";

const stageNotes: Partial<Record<TaskView["status"], string>> = {
  waiting:
    "The team runs only so many videos at once; this one is sent as soon as a slot frees up.",
  submitting: "Sending the request to the gateway.",
  queued: "Waiting for a slot on the model. This usually takes under a minute.",
  in_progress:
    "The model is making the video. Most take 1 to 5 minutes; you can leave this page and come back.",
};

/** Sent to the gateway and not ended: the contract has no cancel. */
const sentStates: readonly TaskView["status"][] = ["submitting", "queued", "in_progress"];
const NO_CANCEL_NOTE =
  "Already sent to the video service, which has no cancel: it will finish, and it is billed.";

/** Why the last poll failed: the server's own sentence when it said it keeps trying (503). */
function lostContactNote(error: Error): string {
  if (error instanceof ApiError && error.status === 503) return error.message;
  return "Lost contact with the server; retrying…";
}

function elapsedOf(task: TaskView, now: number): number {
  const start = Date.parse(task.createdAt);
  const end = task.completedAt ? Date.parse(task.completedAt) : now;
  return end - start;
}

interface TaskPanelProps {
  taskId: string;
  pollMs: number;
  /** In the studio: links to the task's own page and to remix it. */
  withLinks?: boolean;
  /** The `cancelVideo` action: a Cancel button while the task waits in our queue. */
  cancelVideo?: CancelVideo;
  /** The panel's name for screen readers ("Take 2 of 4" when several are shown). */
  heading?: string;
  /** Controls under the finished video (the task page: its frames for a new video). */
  videoTools?: VideoTools;
}

export function TaskPanel({
  taskId,
  pollMs,
  withLinks = false,
  cancelVideo,
  heading = "Current video",
  videoTools,
}: TaskPanelProps) {
  const headingId = useId();
  const { data: task, error, isPending } = useVideoTask(taskId, pollMs);
  const running = task ? !isTerminal(task.status) : false;
  const now = useNow(running);
  // Seen finishing here: no notice for it later, in any tab.
  useSeenWhenVisible(`task:${taskId}`, task ? isTerminal(task.status) : false);

  if (isPending) {
    return (
      <p role="status" className="text-ink-soft text-sm">
        Loading the task…
      </p>
    );
  }
  if (!task) {
    return (
      <p role="status" className="bg-danger-soft text-danger rounded-md px-3 py-2 text-sm">
        {error?.message ?? "This task could not be loaded."}
      </p>
    );
  }

  const label =
    task.status === "waiting" ? waitingLabel(task.queuePosition) : stateLabels[task.status];
  const tone =
    task.status === "completed"
      ? "text-success"
      : task.error
        ? "text-danger"
        : "text-accent-strong";
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-4">
      <h2 id={headingId} className="sr-only">
        {heading}
      </h2>
      <div role="status" aria-live="polite" className="flex flex-col gap-1">
        <p className={`text-lg font-semibold ${tone}`}>
          {label}
          <span className="text-ink-faint font-normal tabular-nums" aria-hidden="true">
            {" · "}
            {formatElapsed(elapsedOf(task, now))}
          </span>
        </p>
        {running && task.status !== "waiting" ? <StageBar progress={task.progress} /> : null}
        {stageNotes[task.status] ? (
          <p className="text-ink-soft text-sm">{stageNotes[task.status]}</p>
        ) : null}
        {task.notice ? <p className="text-warning text-sm">{task.notice}</p> : null}
        {task.providerUrl ? (
          <p className="text-sm">
            <a
              href={task.providerUrl}
              className="text-accent hover:underline"
              rel="noreferrer noopener"
              target="_blank"
            >
              Open the video service's copy
            </a>{" "}
            (the link expires about a day after the video was made)
          </p>
        ) : null}
        {task.error ? <p className="text-danger text-sm">{task.error.message}</p> : null}
        {error && !isTerminal(task.status) ? (
          <p className="text-warning text-sm">{lostContactNote(error)}</p>
        ) : null}
      </div>
      {task.status === "waiting" && cancelVideo ? (
        <CancelTaskButton taskId={task.id} cancel={cancelVideo} />
      ) : null}
      {cancelVideo && sentStates.includes(task.status) ? (
        <p className="text-ink-soft text-xs">{NO_CANCEL_NOTE}</p>
      ) : null}
      {task.status === "completed" && task.videoUrl && task.downloadUrl ? (
        <VideoPlayer
          src={task.videoUrl}
          poster={task.posterUrl}
          downloadUrl={task.downloadUrl}
          title={`${task.seconds} s · ${task.size}${task.prompt ? ` · ${task.prompt}` : ""}`}
          tools={videoTools}
        />
      ) : null}
      <TaskSeed seed={task.seed} />
      {withLinks ? (
        <p className="flex gap-4 text-sm">
          <Link href={`/videos/${task.id}`} className="text-accent hover:underline">
            Open its page
          </Link>
          {isTerminal(task.status) ? (
            <Link href={`/?remix=${task.id}`} className="text-accent hover:underline">
              Remix
            </Link>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

/** Coarse stages, as the gateway reports them (10, 20, 30… 100), not a fake smooth bar. */
function StageBar({ progress }: { progress: number }) {
  return (
    <div
      role="progressbar"
      aria-label="Generation progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={progress}
      className="bg-paper-sunk h-1.5 overflow-hidden rounded-full"
    >
      <div
        className="bg-accent h-full transition-[width] duration-700"
        style={{ width: `${Math.max(4, progress)}%` }}
      />
    </div>
  );
}
