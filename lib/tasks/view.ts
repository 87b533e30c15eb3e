import type { TaskRow } from "@/lib/db/schema";
import { isTerminal, type TaskView } from "@/lib/task-view";

/**
 * Our row → what the browser may see. No gateway ids or URLs leave the server; the one
 * exception is the provider's own signed https link, and only while we fail to keep a copy.
 */
export function toTaskView(row: TaskRow, extra: { queuePosition?: number | null } = {}): TaskView {
  const terminal = isTerminal(row.status);
  const message = row.errorMessage ?? "";
  const completed = row.status === "completed";
  const copyFailing = completed && !row.resultKey && row.resultCopyError !== null;
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    seconds: row.seconds,
    size: row.size,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    seed: row.seed,
    promptExtend: row.promptExtend,
    watermark: row.watermark,
    takeSetId: row.takeSetId,
    takeIndex: row.takeIndex,
    media: row.media,
    parent:
      row.parentTaskId && row.parentCut ? { taskId: row.parentTaskId, ...row.parentCut } : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    queuePosition: row.status === "waiting" ? (extra.queuePosition ?? null) : null,
    error: terminal && row.errorCode ? { code: row.errorCode, message } : null,
    notice: !terminal && row.errorCode ? message : copyFailing ? row.resultCopyError : null,
    providerUrl: copyFailing && row.resultUrl?.startsWith("https://") ? row.resultUrl : null,
    videoUrl: completed ? `/api/tasks/${row.id}/video` : null,
    downloadUrl: completed ? `/api/tasks/${row.id}/video?download=1` : null,
    posterUrl: completed && row.posterKey ? `/api/tasks/${row.id}/poster` : null,
  };
}
