import type { TaskRow } from "@/lib/db/schema";
import { describeFailure, type GatewayVideo } from "@/lib/gateway";

/** After this many `unknown` answers in a row, stop waiting and say so. */
export const MAX_UNKNOWN_POLLS = 12;

/** How a gateway answer changes our row. Pure, so the mapping is tested on its own. */
export function gatewayToRow(video: GatewayVideo, row?: TaskRow): Partial<TaskRow> {
  const now = new Date();
  const base = { progress: video.progress, errorCode: null, errorMessage: null, unknownPolls: 0 };
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
      const polls = (row?.unknownPolls ?? 0) + 1;
      if (polls >= MAX_UNKNOWN_POLLS) {
        return {
          status: "failed",
          unknownPolls: polls,
          completedAt: now,
          errorCode: "unknown_status",
          errorMessage:
            "The gateway kept answering that it does not know this task's state, so we stopped waiting. Check the gateway's console, then try again.",
        };
      }
      // Still running as far as we know: say so while we keep asking, a bounded number of times.
      return {
        unknownPolls: polls,
        errorCode: "unknown_status",
        errorMessage: "The gateway cannot tell how this task is doing right now; we keep asking.",
      };
    }
  }
}
