/** Runs once when a Next.js server starts. */
export async function register() {
  // The sweeper uses Node APIs and the database: only in the Node.js runtime, never in edge.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // V8 lets the heap grow to about 2-4x what survives a full collection before it runs
    // one; the server's live heap is ~60 MB, and under a steady stream of generations its
    // RSS climbed to 320 MB after 30 of them, mostly garbage waiting (a forced collection
    // then freed 60 MB of heap). Growing by 15 % at a time keeps it near the live size
    // (253 MB after 30, same run) for more frequent, short, major collections.
    const v8 = await import("node:v8");
    v8.setFlagsFromString("--heap-growing-percent=15");
    // Before the first request: stored media keep their Content-Length on the wire.
    const { keepContentLength } = await import("@/lib/http/content-length");
    keepContentLength();
    const { startSweeper } = await import("@/lib/tasks/sweeper");
    startSweeper();
    // Team webhooks: retries and anything a restart left in the outbox (lib/notify).
    const { startWebhookSweeper } = await import("@/lib/notify/deliver");
    startWebhookSweeper();
    // New comments write their `comment_added` event in their own transaction.
    const { connectCommentEvents } = await import("@/lib/notify/comment-events");
    connectCommentEvents();
    // Old delivered events leave the outbox (WEBHOOK_RETENTION_DAYS).
    const { startOutboxPruner } = await import("@/lib/notify/prune");
    startOutboxPruner();
    // Background jobs (lib/jobs): media work out of the request, retries, what a restart left.
    const { startJobSweeper } = await import("@/lib/job-kinds");
    startJobSweeper();
    // Sequences: approved re-rolls, shot after shot (lib/sequences).
    const { startRerollSweeper } = await import("@/lib/sequences/sweeper");
    startRerollSweeper();
  }
}
