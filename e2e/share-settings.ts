/**
 * The `share` Playwright project: the same build with sign-in on (so a share link is seen by
 * someone truly signed out) and Postgres (a fresh database the spec can reach, to move a
 * link's expiry into the past instead of waiting). Test-only values, not secrets.
 */
export const SHARE_E2E = {
  port: 3310,
  baseURL: "http://localhost:3310",
  oidcPort: 3311,
  issuer: "http://127.0.0.1:3311",
  clientId: "wan-studio-share",
  clientSecret: "share-e2e-client-secret-not-real",
  authSecret: "share-e2e-auth-secret-0123456789abcdef",
  providerName: "Share SSO",
  dataDir: ".data-e2e-share",
  databaseName: "wan_e2e_share",
  allowedDomains: "team.test",
  adminEmails: "lead@team.test",
} as const;

/** The share project's database, as e2e/deployed-server.mjs creates it. */
export function shareDatabaseUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  url.pathname = `/${SHARE_E2E.databaseName}`;
  return url.toString();
}
