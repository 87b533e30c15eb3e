/**
 * What the browser announces when a video someone started finishes (components/notify): one
 * notice per task, or one per take set once all its takes are done. Pure: the feed route
 * builds them, the browser shows them.
 */
export interface DoneNotice {
  /** What is announced, once across tabs: `task:<id>`, `set:<id>` or `export:<sequence>:<version>`. */
  key: string;
  kind: "completed" | "failed";
  /**
   * "Video ready: <prompt>" / "Video failed: <reason>" / "Takes ready: <prompt>" /
   * "Export ready: <sequence>".
   */
  title: string;
  body: string;
  /** Where clicking goes: the video's page, or the take set's. */
  url: string;
  /** When the event was written (ms since epoch). */
  at: number;
}

/** The key a sequence's export (one per version of the sequence) is announced under. */
export function exportNoticeKey(sequenceId: string, version: string): string {
  return `export:${sequenceId}:${version}`;
}

/** The key a started task (or take set) is announced under. */
export function noticeKey(target: { taskId?: string | null; takeSetId?: string | null }): string {
  return target.takeSetId ? `set:${target.takeSetId}` : `task:${target.taskId}`;
}
