/** A job's progress as GET /api/jobs/[id] answers it (pure: the browser shares it). */
export interface JobView {
  id: string;
  kind: string;
  status: "pending" | "running" | "done" | "failed";
  /** 0..1. */
  progress: number;
  /** The kind's result, once done. */
  result: unknown;
  /** Why it failed, in a sentence, once failed. */
  error: string | null;
}
