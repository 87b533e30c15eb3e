import type { VideoRequestField } from "@/lib/video-request";

export type TaskErrorCode =
  | "media_not_found"
  | "media_wrong_kind"
  | "invalid_duration"
  | "over_budget"
  | "rate_limited"
  | "duplicate_mismatch"
  | "task_not_found"
  | "rejected"
  | "prompt_required"
  | "outcome_unknown"
  | "forbidden"
  | "not_cancellable"
  | "no_result";

/** An expected refusal from a use case; its message is written for people and may be shown. */
export class TaskError extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
    readonly field?: VideoRequestField,
  ) {
    super(message);
    this.name = "TaskError";
  }
}
