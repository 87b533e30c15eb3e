import "server-only";
import { env } from "@/lib/env";
import { logEvent } from "./log";
import { sweepTasks } from "./sweep";

const holder = globalThis as unknown as { __wanStudioSweeper?: NodeJS.Timeout };

/**
 * A long-running server (`next start`) sweeps on a timer. Serverless deployments don't keep
 * timers between requests; there the cron route (app/api/cron/sweep) does the same work.
 */
export function startSweeper(): void {
  const every = env().SWEEP_INTERVAL_MS;
  if (every === 0 || holder.__wanStudioSweeper) return;
  let running = false;
  holder.__wanStudioSweeper = setInterval(() => {
    if (running) return;
    running = true;
    sweepTasks()
      .catch((error: unknown) =>
        logEvent("sweep.failed", { error: error instanceof Error ? error.message : "unknown" }),
      )
      .finally(() => {
        running = false;
      });
  }, every);
  holder.__wanStudioSweeper.unref();
}
