/** Runs once when a Next.js server starts. */
export async function register() {
  // The sweeper uses Node APIs and the database: only in the Node.js runtime, never in edge.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startSweeper } = await import("@/lib/tasks/sweeper");
    startSweeper();
  }
}
