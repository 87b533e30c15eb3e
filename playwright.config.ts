import { defineConfig } from "@playwright/test";
import { AUTH_E2E } from "./e2e/auth-settings";
import { DEPLOYED_E2E } from "./e2e/deployed-settings";
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
    { name: "demo", testIgnore: [/s3\.spec\.ts$/, /auth\.spec\.ts$/, /deployed\.spec\.ts$/] },
    { name: "s3", testMatch: /s3\.spec\.ts$/, use: { baseURL: S3_E2E.baseURL } },
    { name: "auth", testMatch: /auth\.spec\.ts$/, use: { baseURL: AUTH_E2E.baseURL } },
    {
      name: "deployed",
      testMatch: /deployed\.spec\.ts$/,
      use: { baseURL: DEPLOYED_E2E.baseURL },
    },
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
        // Every demo-mode spec acts as the same local user: lift the per-member rate limit.
        SUBMIT_RATE_PER_MINUTE: "1000",
        DATA_DIR,
        // The deployed project's app uses this server's demo gateway as its real gateway.
        DEMO_GATEWAY_KEY: DEPLOYED_E2E.apiKey,
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
        AUTH_OIDC_ISSUER: "",
        AUTH_DISABLED: "",
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
        // Every demo-mode spec acts as the same local user: lift the per-member rate limit.
        SUBMIT_RATE_PER_MINUTE: "1000",
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
        AUTH_OIDC_ISSUER: "",
        AUTH_DISABLED: "",
      },
    },
    {
      // A real OpenID Connect provider for the `auth` project (prints "ready" when listening).
      command: `node e2e/oidc-provider.mjs ${AUTH_E2E.oidcPort} ${AUTH_E2E.clientId} ${AUTH_E2E.clientSecret} ${AUTH_E2E.baseURL}`,
      url: `${AUTH_E2E.issuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    },
    {
      // The same build with sign-in on: OIDC settings alone turn it on, the demo gateway stays.
      command: `rm -rf ${AUTH_E2E.dataDir} && node_modules/.bin/next start -H 127.0.0.1 -p ${AUTH_E2E.port}`,
      url: `http://127.0.0.1:${AUTH_E2E.port}/sign-in`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        // Every demo-mode spec acts as the same local user: lift the per-member rate limit.
        SUBMIT_RATE_PER_MINUTE: "1000",
        DATA_DIR: AUTH_E2E.dataDir,
        DEMO_STEP_MS: "400",
        POLL_INTERVAL_MS: "500",
        TASK_TIMEOUT_MS: "120000",
        VIDEO_API_TIMEOUT_MS: "10000",
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        MEDIA_URL_SECRET: "",
        S3_BUCKET: "",
        AUTH_DISABLED: "",
        AUTH_OIDC_ISSUER: AUTH_E2E.issuer,
        AUTH_OIDC_CLIENT_ID: AUTH_E2E.clientId,
        AUTH_OIDC_CLIENT_SECRET: AUTH_E2E.clientSecret,
        AUTH_OIDC_NAME: AUTH_E2E.providerName,
        AUTH_SECRET: AUTH_E2E.authSecret,
        AUTH_URL: AUTH_E2E.baseURL,
        AUTH_TRUST_HOST: "true",
        AUTH_ALLOWED_DOMAINS: AUTH_E2E.allowedDomains,
        AUTH_ALLOWED_EMAILS: "",
        AUTH_ADMIN_EMAILS: AUTH_E2E.adminEmails,
      },
    },
    {
      // The deployed shape's identity provider and bucket.
      command: `node e2e/oidc-provider.mjs ${DEPLOYED_E2E.oidcPort} ${DEPLOYED_E2E.clientId} ${DEPLOYED_E2E.clientSecret} ${DEPLOYED_E2E.baseURL}`,
      url: `${DEPLOYED_E2E.issuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    },
    {
      command: `node e2e/s3rver.mjs ${DEPLOYED_E2E.s3Port} ${DEPLOYED_E2E.bucket} ${DEPLOYED_E2E.s3Dir} ${DEPLOYED_E2E.baseURL}`,
      port: DEPLOYED_E2E.s3Port,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    },
    {
      // As on Vercel: Postgres, S3, sign-in, a real key, no timers (the cron route sweeps).
      command: `rm -rf ${DEPLOYED_E2E.dataDir} && node e2e/deployed-server.mjs ${DEPLOYED_E2E.port} ${DEPLOYED_E2E.databaseName}`,
      url: `http://127.0.0.1:${DEPLOYED_E2E.port}/sign-in`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        // No local state: anything written here would be a bug on Vercel.
        DATA_DIR: DEPLOYED_E2E.dataDir,
        VIDEO_API_KEY: DEPLOYED_E2E.apiKey,
        VIDEO_API_BASE_URL: `${BASE_URL}/api/demo-gateway`,
        PUBLIC_BASE_URL: DEPLOYED_E2E.baseURL,
        MEDIA_URL_SECRET: "deployed-e2e-media-url-secret-0123456789abcdef",
        POLL_INTERVAL_MS: "500",
        TASK_TIMEOUT_MS: "120000",
        VIDEO_API_TIMEOUT_MS: "10000",
        SWEEP_INTERVAL_MS: "0",
        CRON_SECRET: DEPLOYED_E2E.cronSecret,
        S3_BUCKET: DEPLOYED_E2E.bucket,
        S3_ENDPOINT: DEPLOYED_E2E.endpoint,
        S3_REGION: "us-east-1",
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: "S3RVER",
        S3_SECRET_ACCESS_KEY: "S3RVER",
        AUTH_DISABLED: "",
        AUTH_OIDC_ISSUER: DEPLOYED_E2E.issuer,
        AUTH_OIDC_CLIENT_ID: DEPLOYED_E2E.clientId,
        AUTH_OIDC_CLIENT_SECRET: DEPLOYED_E2E.clientSecret,
        AUTH_OIDC_NAME: DEPLOYED_E2E.providerName,
        AUTH_SECRET: DEPLOYED_E2E.authSecret,
        AUTH_URL: DEPLOYED_E2E.baseURL,
        AUTH_TRUST_HOST: "true",
        AUTH_ALLOWED_DOMAINS: "studio.test",
        AUTH_ALLOWED_EMAILS: "",
        AUTH_ADMIN_EMAILS: "",
      },
    },
  ],
});
