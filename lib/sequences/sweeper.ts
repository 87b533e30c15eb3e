import "server-only";
import { env } from "@/lib/env";
import { logEvent } from "@/lib/tasks/log";
import { rebuildChangedExports } from "./export";
import { advanceRerolls } from "./reroll";

const holder = globalThis as unknown as {
  __wanStudioRerolls?: { timer?: NodeJS.Timeout; running: boolean };
};

/** How often an idle server looks for approved re-rolls (a cheap indexed read). */
const IDLE_MS = 5_000;

/**
 * Re-rolls move on from the database, not from a tab: under `next start` this timer runs
 * advanceRerolls (every POLL_INTERVAL_MS while shots are pending, every few seconds
 * otherwise), then rebuilds the films of changed sequences; on Vercel the cron route does. Off when SWEEP_INTERVAL_MS is 0, like the
 * task sweeper.
 */
export function startRerollSweeper(): void {
  const every = env().SWEEP_INTERVAL_MS;
  if (every === 0 || holder.__wanStudioRerolls) return;
  const state: { timer?: NodeJS.Timeout; running: boolean } = { running: false };
  holder.__wanStudioRerolls = state;
  schedule(Math.min(every, IDLE_MS));
}

function schedule(ms: number): void {
  const state = holder.__wanStudioRerolls;
  if (!state) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(run, ms);
  state.timer.unref();
}

function run(): void {
  const state = holder.__wanStudioRerolls;
  if (!state || state.running) return;
  state.running = true;
  const idle = Math.min(env().SWEEP_INTERVAL_MS, IDLE_MS);
  advanceRerolls()
    .then(async (result) => {
      // A sequence whole again after a change gets its film rebuilt (if it had one).
      await rebuildChangedExports();
      schedule(result.pending > 0 ? env().POLL_INTERVAL_MS : idle);
    })
    .catch((error: unknown) => {
      logEvent("reroll.sweep_failed", {
        error: error instanceof Error ? error.message : "unknown",
      });
      schedule(idle);
    })
    .finally(() => {
      state.running = false;
    });
}

/** A re-roll was just approved: look now rather than at the next tick. */
export function nudgeRerolls(): void {
  if (holder.__wanStudioRerolls && !holder.__wanStudioRerolls.running) schedule(0);
}
