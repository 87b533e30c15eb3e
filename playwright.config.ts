import { defineConfig } from "@playwright/test";
import { S3_E2E } from "./e2e/s3-settings";

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
  projects: [
    { name: "demo", testIgnore: /s3\.spec\.ts$/ },
    { name: "s3", testMatch: /s3\.spec\.ts$/, use: { baseURL: S3_E2E.baseURL } },
  ],
  // Started one after the other: the S3 app reuses the build the first entry makes.
  webServer: [
    {
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
        // The demo gateway's result links expire this soon after completion, as the provider's
        // do after ~24 h: the app must have kept its copy by then (e2e/kept-results.spec.ts).
        DEMO_CONTENT_TTL_MS: "5000",
        POLL_INTERVAL_MS: "500",
        TASK_TIMEOUT_MS: "120000",
        VIDEO_API_TIMEOUT_MS: "10000",
        MEDIA_URL_TTL_SECONDS: "3600",
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        MEDIA_URL_SECRET: "",
        S3_BUCKET: "",
      },
    },
    {
      command: `node e2e/s3rver.mjs ${S3_E2E.s3Port} ${S3_E2E.bucket} ${S3_E2E.s3Dir} ${S3_E2E.baseURL}`,
      port: S3_E2E.s3Port,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    },
    {
      command: `rm -rf ${S3_E2E.dataDir} && node_modules/.bin/next start -H 127.0.0.1 -p ${S3_E2E.port}`,
      url: S3_E2E.baseURL,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: S3_E2E.dataDir,
        DEMO_STEP_MS: "400",
        POLL_INTERVAL_MS: "500",
        TASK_TIMEOUT_MS: "120000",
        VIDEO_API_TIMEOUT_MS: "10000",
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        MEDIA_URL_SECRET: "",
        S3_BUCKET: S3_E2E.bucket,
        S3_REGION: "us-east-1",
        S3_ENDPOINT: S3_E2E.endpoint,
        S3_PUBLIC_ENDPOINT: "",
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: S3_E2E.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_E2E.secretAccessKey,
      },
    },
  ],
});
