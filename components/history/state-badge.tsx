import { stateLabels, type TaskState } from "@/lib/task-view";

const tones: Record<TaskState, string> = {
  waiting: "bg-accent-soft text-accent-strong",
  cancelled: "bg-warning-soft text-warning",
  submitting: "bg-accent-soft text-accent-strong",
  queued: "bg-accent-soft text-accent-strong",
  in_progress: "bg-accent-soft text-accent-strong",
  completed: "bg-success-soft text-success",
  failed: "bg-danger-soft text-danger",
  submit_unknown: "bg-warning-soft text-warning",
  refused: "bg-danger-soft text-danger",
};

export function StateBadge({ status }: { status: TaskState }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[status]}`}>
      {stateLabels[status]}
    </span>
  );
}
