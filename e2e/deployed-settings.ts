/**
 * The `deployed` Playwright project: the same build started as it runs on Vercel. Postgres
 * through DATABASE_URL (a fresh database), S3 storage (s3rver), sign-in against a real OIDC
 * provider, no in-process timers (the cron route sweeps), and a REAL gateway key: the gateway
 * is the main e2e server's demo gateway, which accepts exactly this key (DEMO_GATEWAY_KEY).
 * Test-only values, not secrets.
 */
export const DEPLOYED_E2E = {
  port: 3250,
  baseURL: "http://localhost:3250",
  oidcPort: 3291,
  issuer: "http://127.0.0.1:3291",
  clientId: "wan-studio-deployed",
  clientSecret: "deployed-e2e-client-secret-not-real",
  authSecret: "deployed-e2e-auth-secret-0123456789abcdef",
  providerName: "Company SSO",
  s3Port: 3223,
  endpoint: "http://127.0.0.1:3223",
  bucket: "wan-deployed",
  s3Dir: ".data-e2e-deployed-s3rver",
  dataDir: ".data-e2e-deployed",
  /** The key the deployed app sends; grepped for in every response and the client build. */
  apiKey: "sk-e2e-deployed-7c1f2a9b4d6e8f0a1b3c5d7e",
  cronSecret: "deployed-e2e-cron-secret-0123456789",
  databaseName: "wan_e2e_deployed",
} as const;
