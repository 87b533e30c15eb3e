"use client";

import type { CancelVideo } from "@/components/studio/cancel-task-button";
import { TaskPanel } from "@/components/studio/task-panel";
import { type ContinueVideo, FrameActions, type TakeFrame } from "./frame-actions";

/** A task page's result: the task panel, and under a finished video, its frames for a new one. */
export function ResultPanel({
  taskId,
  pollMs,
  cancelVideo,
  takeFrame,
  continueVideo,
}: {
  taskId: string;
  pollMs: number;
  cancelVideo?: CancelVideo;
  takeFrame: TakeFrame;
  continueVideo?: ContinueVideo;
}) {
  return (
    <TaskPanel
      taskId={taskId}
      pollMs={pollMs}
      cancelVideo={cancelVideo}
      videoTools={(player) => (
        <FrameActions
          taskId={taskId}
          currentTime={player.currentTime}
          takeFrame={takeFrame}
          continueVideo={continueVideo}
        />
      )}
    />
  );
}
