/** Runs once when a Next.js server starts. */
export async function register() {
  // The sweeper uses Node APIs and the database: only in the Node.js runtime, never in edge.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Before the first request: stored media keep their Content-Length on the wire.
    const { keepContentLength } = await import("@/lib/http/content-length");
    keepContentLength();
    const { startSweeper } = await import("@/lib/tasks/sweeper");
    startSweeper();
    // Team webhooks: retries and anything a restart left in the outbox (lib/notify).
    const { startWebhookSweeper } = await import("@/lib/notify/deliver");
    startWebhookSweeper();
    // Background jobs (lib/jobs): media work out of the request, retries, what a restart left.
    const { startJobSweeper } = await import("@/lib/job-kinds");
    startJobSweeper();
    // Sequences: approved re-rolls, shot after shot (lib/sequences).
    const { startRerollSweeper } = await import("@/lib/sequences/sweeper");
    startRerollSweeper();
  }
}
