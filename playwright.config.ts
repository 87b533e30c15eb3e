import { defineConfig } from "@playwright/test";

/**
 * E2E runs a real Chromium against the production build, in demo mode, with a fresh data
 * folder every run. Debian's chromium is used because Playwright's own browser download is
 * unreachable from our machines (see ../shared/docs/machine-notes.md); it plays H.264.
 */

const PORT = 3210;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".data-e2e";

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Two cores on our machines: more workers only slow the server and the demo gateway down.
  workers: 2,
  // A demo generation takes ~2-3 s (DEMO_STEP_MS below); the slack is for a loaded machine.
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: BASE_URL,
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // Build, then start `next` itself (not through npx/npm) so Playwright's kill reaches it.
    command: `rm -rf ${DATA_DIR} && npm run build && node_modules/.bin/next start -H 127.0.0.1 -p ${PORT}`,
    url: BASE_URL,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    // Playwright merges this over process.env: empty every setting a developer's shell could
    // leak (a real key would bill real videos), and pin the ones the tests depend on.
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR,
      DEMO_STEP_MS: "400",
      POLL_INTERVAL_MS: "500",
      TASK_TIMEOUT_MS: "120000",
      VIDEO_API_TIMEOUT_MS: "10000",
      MEDIA_URL_TTL_SECONDS: "3600",
      VIDEO_API_KEY: "",
      VIDEO_API_BASE_URL: "",
      DATABASE_URL: "",
      PUBLIC_BASE_URL: "",
      MEDIA_URL_SECRET: "",
    },
  },
});
