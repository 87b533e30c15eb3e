import type { JobStatus } from "@/lib/db/schema";

/** What the sequence page shows about its export (pure: the browser shares it). */
export interface ExportState {
  /** The sequence's version now (null: nothing whole to export). */
  version: string | null;
  /** The newest export job, whatever its state. */
  latest: {
    jobId: string;
    version: string;
    status: JobStatus;
    progress: number;
    error: string | null;
    mine: boolean;
  } | null;
  /** The newest finished export (maybe of an older version: then it is out of date). */
  ready: ReadyExport | null;
}

/** A finished export, as /api/sequences/[id]/export/status reports it. */
export interface ReadyExport {
  bytes: number;
  seconds: number;
  shots: number;
  version: string;
  title: string | null;
  finishedAt: string;
}
