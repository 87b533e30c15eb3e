import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";
import { AUTH_E2E } from "./e2e/auth-settings";
import { DEPLOYED_E2E } from "./e2e/deployed-settings";
import { NEW_API_E2E } from "./e2e/new-api-settings";
import NO_SETTING_NAMES from "./e2e/no-settings.json";
import { QUEUE_E2E } from "./e2e/queue-settings";
import { S3_E2E } from "./e2e/s3-settings";
import { SHARE_E2E } from "./e2e/share-settings";
import { WEBHOOKS_E2E } from "./e2e/webhooks-settings";

/**
 * E2E runs a real Chromium against the production build, in demo mode, with a fresh data
 * folder every run. Debian's chromium is used because Playwright's own browser download is
 * unreachable from our machines (see ../shared/docs/machine-notes.md); it plays H.264.
 */

const PORT = 3210;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".data-e2e";

type WebServer = NonNullable<Extract<PlaywrightTestConfig["webServer"], unknown[]>>[number];

/**
 * Every optional setting the app reads, emptied: Playwright merges a server's `env` over
 * process.env, and a developer's shell must not leak a real key, database or bucket into a
 * test server. (Settings with defaults are left out: empty is not "unset" for them.) The list
 * is e2e/no-settings.json, which the benches' servers use too (bench/shared.mjs).
 */
const NO_SETTINGS = Object.fromEntries(NO_SETTING_NAMES.map((name) => [name, ""]));

/** What every test server runs with: quick demo stages and polls, no telemetry. */
const TEST_TIMINGS = {
  NEXT_TELEMETRY_DISABLED: "1",
  DEMO_STEP_MS: "400",
  POLL_INTERVAL_MS: "500",
  TASK_TIMEOUT_MS: "120000",
  VIDEO_API_TIMEOUT_MS: "10000",
  // Demo-mode specs all act as the same local user: lift the per-member rate limit.
  SUBMIT_RATE_PER_MINUTE: "1000",
  // Specs run side by side and some tasks never end (stuck, lost creates hold a slot for
  // minutes): only the `queue` project's server tests the cap.
  MAX_CONCURRENT_TASKS: "100",
};

const stop = { signal: "SIGTERM", timeout: 2_000 } as const;

/** The production build started once more, on its own port and fresh data folder. */
function appServer(options: {
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** Readiness URL (defaults to the home page). */
  url?: string;
  /** Defaults to `next start`; the deployed shape wraps it to create its database first. */
  start?: string;
  timeout?: number;
}): WebServer {
  const start = options.start ?? `node_modules/.bin/next start -H 127.0.0.1 -p ${options.port}`;
  return {
    // `next` itself, not through npx/npm, so Playwright's kill reaches it.
    command: `rm -rf ${options.dataDir} && ${start}`,
    url: options.url ?? `http://127.0.0.1:${options.port}`,
    reuseExistingServer: false,
    timeout: options.timeout ?? 60_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: stop,
    env: { ...NO_SETTINGS, ...TEST_TIMINGS, DATA_DIR: options.dataDir, ...options.env },
  };
}

/** A helper process (OIDC provider, S3 server) the app servers talk to. */
function helperServer(command: string, ready: { url: string } | { port: number }): WebServer {
  return {
    command,
    ...ready,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe",
    gracefulShutdown: stop,
  };
}

function oidcProvider(settings: {
  oidcPort: number;
  clientId: string;
  clientSecret: string;
  baseURL: string;
  issuer: string;
}): WebServer {
  return helperServer(
    `node e2e/oidc-provider.mjs ${settings.oidcPort} ${settings.clientId} ${settings.clientSecret} ${settings.baseURL}`,
    { url: `${settings.issuer}/.well-known/openid-configuration` },
  );
}

function s3rver(settings: { s3Port: number; bucket: string; s3Dir: string; baseURL: string }) {
  return helperServer(
    `node e2e/s3rver.mjs ${settings.s3Port} ${settings.bucket} ${settings.s3Dir} ${settings.baseURL}`,
    { port: settings.s3Port },
  );
}

/** Specs that run in the demo projects (`demo`, and `new-api` against the other dialect). */
const NOT_DEMO = [
  /s3\.spec\.ts$/,
  /auth\.spec\.ts$/,
  /deployed\.spec\.ts$/,
  /queue\.spec\.ts$/,
  /webhooks\.spec\.ts$/,
  /share\.spec\.ts$/,
];

/** What the demo gateway of the `new-api` servers is set to, besides its dialect. */
const NEW_API_GATEWAY = {
  DEMO_GATEWAY_DIALECT: "new-api",
  // As the main server's: kept-results.spec.ts creates straight against it with this key.
  DEMO_GATEWAY_KEY: DEPLOYED_E2E.apiKey,
  MEDIA_URL_TTL_SECONDS: "3600",
};

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
    // *.new-api.spec.ts need the new-api dialect's own behaviour (a required prompt, a cut
    // /content, a transient unknown): only the new-api project runs them.
    { name: "demo", testIgnore: [...NOT_DEMO, /\.new-api\.spec\.ts$/] },
    { name: "new-api", testIgnore: NOT_DEMO, use: { baseURL: NEW_API_E2E.baseURL } },
    { name: "s3", testMatch: /s3\.spec\.ts$/, use: { baseURL: S3_E2E.baseURL } },
    { name: "auth", testMatch: /auth\.spec\.ts$/, use: { baseURL: AUTH_E2E.baseURL } },
    { name: "queue", testMatch: /queue\.spec\.ts$/, use: { baseURL: QUEUE_E2E.baseURL } },
    {
      name: "webhooks",
      testMatch: /webhooks\.spec\.ts$/,
      use: { baseURL: WEBHOOKS_E2E.baseURL },
    },
    {
      name: "deployed",
      testMatch: /deployed\.spec\.ts$/,
      use: { baseURL: DEPLOYED_E2E.baseURL },
    },
    { name: "share", testMatch: /share\.spec\.ts$/, use: { baseURL: SHARE_E2E.baseURL } },
  ],
  // Started one after the other: the other app servers reuse the build the first one makes.
  webServer: [
    appServer({
      port: PORT,
      dataDir: DATA_DIR,
      start: `npm run build && node_modules/.bin/next start -H 127.0.0.1 -p ${PORT}`,
      timeout: 180_000,
      env: {
        // The deployed project's app uses this server's demo gateway as its real gateway, and
        // hands it presigned URLs of its own bucket.
        DEMO_GATEWAY_KEY: DEPLOYED_E2E.apiKey,
        DEMO_GATEWAY_MEDIA_ORIGINS: DEPLOYED_E2E.endpoint,
        // The demo gateway's result links expire this soon after completion, as the provider's
        // do after ~24 h: the app must have kept its copy by then (e2e/kept-results.spec.ts).
        DEMO_CONTENT_TTL_MS: "5000",
        MEDIA_URL_TTL_SECONDS: "3600",
      },
    }),
    // The same build, its demo gateway speaking mainline new-api's dialect: every demo spec
    // runs against it too. No GATEWAY_REQUIRES_PROMPT: every spec that generates writes a
    // prompt, and the ones that check the form without one must see it as documented.
    appServer({
      port: NEW_API_E2E.port,
      dataDir: NEW_API_E2E.dataDir,
      env: {
        ...NEW_API_GATEWAY,
        // Result links expire this soon, as on the main server (kept-results.spec.ts).
        DEMO_CONTENT_TTL_MS: "5000",
      },
    }),
    // Another new-api server for the *.new-api.spec.ts that need a fresh one: it must still
    // learn that its gateway requires a prompt, its result links must outlive the 60 s cut of
    // /content, and its tasks the two-minute transient unknown.
    appServer({
      port: NEW_API_E2E.fresh.port,
      dataDir: NEW_API_E2E.fresh.dataDir,
      env: { ...NEW_API_GATEWAY, DEMO_CONTENT_TTL_MS: "600000", TASK_TIMEOUT_MS: "600000" },
    }),
    // The same build with a cap of two running tasks, before a demo gateway that refuses
    // creates past two running ones (e2e/queue.spec.ts).
    appServer({
      port: QUEUE_E2E.port,
      dataDir: QUEUE_E2E.dataDir,
      env: {
        MAX_CONCURRENT_TASKS: String(QUEUE_E2E.cap),
        DEMO_GATEWAY_MAX_RUNNING: String(QUEUE_E2E.cap),
        DEMO_STEP_MS: String(QUEUE_E2E.stepMs),
      },
    }),
    // The same build with team webhooks on, posting to a test receiver (e2e/webhooks.spec.ts).
    helperServer(`node e2e/webhook-receiver.mjs ${WEBHOOKS_E2E.receiverPort}`, {
      url: `${WEBHOOKS_E2E.receiver}/`,
    }),
    appServer({
      port: WEBHOOKS_E2E.port,
      dataDir: WEBHOOKS_E2E.dataDir,
      env: {
        WEBHOOK_URLS: Object.values(WEBHOOKS_E2E.urls).join(","),
        WEBHOOK_SECRET: WEBHOOKS_E2E.secret,
        WEBHOOK_TIMEOUT_MS: String(WEBHOOKS_E2E.timeoutMs),
      },
    }),
    // The same build with S3 storage (s3rver).
    s3rver(S3_E2E),
    appServer({
      port: S3_E2E.port,
      dataDir: S3_E2E.dataDir,
      env: {
        S3_BUCKET: S3_E2E.bucket,
        S3_REGION: "us-east-1",
        S3_ENDPOINT: S3_E2E.endpoint,
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: S3_E2E.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_E2E.secretAccessKey,
      },
    }),
    // The same build with sign-in on, against a real OpenID Connect provider: OIDC settings
    // alone turn sign-in on, the demo gateway stays.
    oidcProvider(AUTH_E2E),
    appServer({
      port: AUTH_E2E.port,
      dataDir: AUTH_E2E.dataDir,
      url: `http://127.0.0.1:${AUTH_E2E.port}/sign-in`,
      env: {
        AUTH_OIDC_ISSUER: AUTH_E2E.issuer,
        AUTH_OIDC_CLIENT_ID: AUTH_E2E.clientId,
        AUTH_OIDC_CLIENT_SECRET: AUTH_E2E.clientSecret,
        AUTH_OIDC_NAME: AUTH_E2E.providerName,
        AUTH_SECRET: AUTH_E2E.authSecret,
        // Auth.js builds its callbacks from this, never from the request's Host.
        AUTH_URL: AUTH_E2E.baseURL,
        AUTH_ALLOWED_DOMAINS: AUTH_E2E.allowedDomains,
        AUTH_ADMIN_EMAILS: AUTH_E2E.adminEmails,
      },
    }),
    // As on Vercel: Postgres (a fresh database), S3, sign-in, a real key (this config's first
    // server is its gateway), no timers (the cron route sweeps), nothing left on local disk.
    oidcProvider(DEPLOYED_E2E),
    s3rver(DEPLOYED_E2E),
    appServer({
      port: DEPLOYED_E2E.port,
      dataDir: DEPLOYED_E2E.dataDir,
      url: `http://127.0.0.1:${DEPLOYED_E2E.port}/sign-in`,
      start: `node e2e/deployed-server.mjs ${DEPLOYED_E2E.port} ${DEPLOYED_E2E.databaseName}`,
      env: {
        VIDEO_API_KEY: DEPLOYED_E2E.apiKey,
        VIDEO_API_BASE_URL: `${BASE_URL}/api/demo-gateway`,
        PUBLIC_BASE_URL: DEPLOYED_E2E.baseURL,
        MEDIA_URL_SECRET: "deployed-e2e-media-url-secret-0123456789abcdef",
        SUBMIT_RATE_PER_MINUTE: "10",
        SWEEP_INTERVAL_MS: "0",
        CRON_SECRET: DEPLOYED_E2E.cronSecret,
        S3_BUCKET: DEPLOYED_E2E.bucket,
        S3_ENDPOINT: DEPLOYED_E2E.endpoint,
        S3_REGION: "us-east-1",
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: "S3RVER",
        S3_SECRET_ACCESS_KEY: "S3RVER",
        AUTH_OIDC_ISSUER: DEPLOYED_E2E.issuer,
        AUTH_OIDC_CLIENT_ID: DEPLOYED_E2E.clientId,
        AUTH_OIDC_CLIENT_SECRET: DEPLOYED_E2E.clientSecret,
        AUTH_OIDC_NAME: DEPLOYED_E2E.providerName,
        AUTH_SECRET: DEPLOYED_E2E.authSecret,
        AUTH_URL: DEPLOYED_E2E.baseURL,
        AUTH_ALLOWED_DOMAINS: "studio.test",
      },
    }),
    // Share links and review: sign-in on (the viewer is really signed out), on a fresh
    // Postgres database the spec reaches to expire a link without waiting.
    oidcProvider(SHARE_E2E),
    appServer({
      port: SHARE_E2E.port,
      dataDir: SHARE_E2E.dataDir,
      url: `http://127.0.0.1:${SHARE_E2E.port}/sign-in`,
      start: `node e2e/deployed-server.mjs ${SHARE_E2E.port} ${SHARE_E2E.databaseName}`,
      env: {
        AUTH_OIDC_ISSUER: SHARE_E2E.issuer,
        AUTH_OIDC_CLIENT_ID: SHARE_E2E.clientId,
        AUTH_OIDC_CLIENT_SECRET: SHARE_E2E.clientSecret,
        AUTH_OIDC_NAME: SHARE_E2E.providerName,
        AUTH_SECRET: SHARE_E2E.authSecret,
        AUTH_URL: SHARE_E2E.baseURL,
        AUTH_ALLOWED_DOMAINS: SHARE_E2E.allowedDomains,
        AUTH_ADMIN_EMAILS: SHARE_E2E.adminEmails,
      },
    }),
  ],
});
