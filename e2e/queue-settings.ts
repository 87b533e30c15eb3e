/**
 * The `queue` Playwright project: the same build with a team-wide cap of two running tasks
 * (MAX_CONCURRENT_TASKS=2) in front of a demo gateway that refuses creates with 429 past two
 * running tasks (DEMO_GATEWAY_MAX_RUNNING=2), as a provider does. Its own data folder, where
 * the demo gateway keeps its record of creates (demo-gateway/creates.jsonl).
 */
export const QUEUE_E2E = {
  port: 3270,
  baseURL: "http://127.0.0.1:3270",
  dataDir: ".data-e2e-queue",
  cap: 2,
  /** Long enough stages (4 to the end) that the waiting takes are checked while two run. */
  stepMs: 4000,
} as const;
