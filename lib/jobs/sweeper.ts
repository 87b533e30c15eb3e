import "server-only";
import { after } from "next/server";
import { env } from "@/lib/env";
import { logEvent } from "@/lib/tasks/log";
import { type RunDueResult, runDueJobs } from "./runner";

/** The longest the in-process sweeper waits between looks at the jobs table. */
const MAX_JOB_SWEEP_MS = 5000;

/**
 * Runs the due jobs now, in this process, never throwing. Several may run at once: the media
 * jobs share one per-process limit (runner.ts), and each run claims only while a slot is free.
 */
export async function runJobsNow(): Promise<RunDueResult> {
  return runDueJobs().catch((error: unknown) => {
    logEvent("jobs.sweep_failed", { error: error instanceof Error ? error.message : "unknown" });
    return { ran: 0, done: 0, failed: 0 };
  });
}

/**
 * A job was just enqueued: run it after the answer (Next's `after()`, which keeps a Vercel
 * function alive until it ends), or at once, not awaited, outside a request.
 */
export function runJobsSoon(): void {
  try {
    after(() => runJobsNow());
  } catch {
    void runJobsNow();
  }
}

const holder = globalThis as unknown as { __wanStudioJobSweeper?: NodeJS.Timeout };

/**
 * Under `next start`: looks for due jobs (retries after their back-off, jobs a restart or a
 * dead instance left leased) every SWEEP_INTERVAL_MS, at most every 5 s, beside the task
 * sweeper and independent of it. `0` turns it off (the cron route does it on Vercel).
 */
export function startJobSweeper(): void {
  const interval = env().SWEEP_INTERVAL_MS;
  if (interval === 0 || holder.__wanStudioJobSweeper) return;
  const every = Math.min(interval, MAX_JOB_SWEEP_MS);
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    void runJobsNow().finally(() => {
      busy = false;
    });
  };
  holder.__wanStudioJobSweeper = setInterval(tick, every);
  holder.__wanStudioJobSweeper.unref();
  tick();
}
