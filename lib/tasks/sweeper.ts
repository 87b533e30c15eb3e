import "server-only";
import { env } from "@/lib/env";
import { logEvent } from "./log";
import { sweepTasks } from "./sweep";

const holder = globalThis as unknown as { __wanStudioSweeper?: NodeJS.Timeout | true };

/** A margin after a task falls due, so its refresh claim (judged by the database) is open. */
const DUE_MARGIN_MS = 25;

/**
 * A long-running server (`next start`) sweeps on a timer, every SWEEP_INTERVAL_MS; while
 * tasks wait in our queue, sooner: when the next running task falls due for a refresh, so a
 * finished one frees its slot within about one poll interval even if nobody watches it.
 * Serverless deployments don't keep timers between requests; there the cron route
 * (app/api/cron/sweep) does the same work, and viewers of waiting tasks move the queue on.
 */
export function startSweeper(): void {
  const every = env().SWEEP_INTERVAL_MS;
  if (every === 0 || holder.__wanStudioSweeper) return;
  holder.__wanStudioSweeper = true;
  const schedule = (ms: number) => {
    holder.__wanStudioSweeper = setTimeout(run, ms);
    holder.__wanStudioSweeper.unref();
  };
  const run = () => {
    sweepTasks(50, { detach: true })
      .then((result) =>
        schedule(
          result.nextInMs === null
            ? every
            : Math.min(every, Math.max(50, result.nextInMs + DUE_MARGIN_MS)),
        ),
      )
      .catch((error: unknown) => {
        logEvent("sweep.failed", { error: error instanceof Error ? error.message : "unknown" });
        schedule(every);
      });
  };
  schedule(every);
}
