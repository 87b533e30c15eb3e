"use client";

import type { CancelVideo } from "@/components/studio/cancel-task-button";
import { TaskPanel } from "@/components/studio/task-panel";
import { FrameActions, type TakeFrame } from "./frame-actions";

/** A task page's result: the task panel, and under a finished video, its frames for a new one. */
export function ResultPanel({
  taskId,
  pollMs,
  cancelVideo,
  takeFrame,
}: {
  taskId: string;
  pollMs: number;
  cancelVideo?: CancelVideo;
  takeFrame: TakeFrame;
}) {
  return (
    <TaskPanel
      taskId={taskId}
      pollMs={pollMs}
      cancelVideo={cancelVideo}
      videoTools={(player) => (
        <FrameActions taskId={taskId} currentTime={player.currentTime} takeFrame={takeFrame} />
      )}
    />
  );
}
