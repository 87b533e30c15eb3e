import "server-only";

/**
 * Every job kind, registered by its owner's module (lib/jobs/runner.ts registerJobKind):
 * import the runner's drivers from here, never from lib/jobs directly, so that whoever runs
 * jobs (the sweeper under `next start`, the cron route, a request's after-work) knows every
 * kind. Add a kind by importing its owner's registration below.
 */
import "@/lib/tasks/frames";
import "@/lib/sequences/reroll";
import "@/lib/sequences/export";

export { getJob, getJobByKey } from "@/lib/jobs/runner";
export { runJobsNow, runJobsSoon, startJobSweeper } from "@/lib/jobs/sweeper";
export {
  type ExportState,
  exportState,
  readyExport,
  startExport,
} from "@/lib/sequences/export";
