import type { TaskRow } from "@/lib/db/schema";
import { describeFailure, type GatewayVideo } from "@/lib/gateway";

export interface GatewayToRowOptions {
  /** UNKNOWN_STATUS_TIMEOUT_MS: how long an unbroken streak of `unknown` answers may last. */
  unknownTimeoutMs: number;
  now?: Date;
}

const KEEP_ASKING = "The gateway cannot tell how this task is doing right now; we keep asking.";

/**
 * How a gateway answer changes our row. Pure, so the mapping is tested on its own.
 *
 * `unknown` is bounded by time, not by a count of polls: the gateway refreshes its tasks from
 * the provider in background rounds (every 15 s, minutes under load), and answers `unknown`
 * until the next good round, so a count of our polls says nothing about how long the gateway
 * has been in the dark. A streak of `unknown` starts at the first such answer
 * (`unknownSince`) and fails the task once it has lasted `unknownTimeoutMs`; any known status
 * ends the streak.
 *
 * A `transient` unknown (the gateway's own refresh hit Throttling, a timeout or an internal
 * error) never fails a task: it says the gateway still holds the task and only could not ask
 * the provider this round, which is what a known status says too, so it ends the streak
 * rather than extending it. A task answering nothing but transient unknowns is still bounded
 * by TASK_TIMEOUT_MS, checked before every read (refresh.ts).
 */
export function gatewayToRow(
  video: GatewayVideo,
  row: TaskRow | undefined,
  options: GatewayToRowOptions,
): Partial<TaskRow> {
  const now = options.now ?? new Date();
  const base = {
    progress: video.progress,
    errorCode: null,
    errorMessage: null,
    unknownPolls: 0,
    unknownSince: null,
  };
  switch (video.status) {
    case "queued":
      return { ...base, status: "queued" };
    case "in_progress":
      return { ...base, status: "in_progress", startedAt: row?.startedAt ?? now };
    case "completed":
      return {
        ...base,
        status: "completed",
        progress: 100,
        // Seen straight from queued to completed: it started no later than it finished.
        startedAt: row?.startedAt ?? video.completedAt ?? now,
        completedAt: video.completedAt ?? now,
      };
    case "failed": {
      const code = video.error?.code ?? "failed";
      return {
        ...base,
        status: "failed",
        completedAt: video.completedAt ?? now,
        errorCode: code,
        errorMessage: describeFailure(code, video.error?.message),
      };
    }
    case "unknown": {
      // Still running as far as we know: keep the state and progress, say so while we ask.
      const polls = (row?.unknownPolls ?? 0) + 1;
      const asking = {
        unknownPolls: polls,
        errorCode: "unknown_status",
        errorMessage: KEEP_ASKING,
      };
      if (video.transient) return { ...asking, unknownSince: null };
      const since = row?.unknownSince ?? now;
      if (now.getTime() - since.getTime() >= options.unknownTimeoutMs) {
        return {
          status: "failed",
          unknownPolls: polls,
          unknownSince: since,
          completedAt: now,
          errorCode: "unknown_status",
          errorMessage:
            "The gateway kept answering that it does not know this task's state, so we stopped waiting. Check the gateway's console, then try again.",
        };
      }
      return { ...asking, unknownSince: since };
    }
  }
}
