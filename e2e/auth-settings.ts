/**
 * The `auth` Playwright project: the same build started again with sign-in on (still the
 * demo gateway: OIDC settings alone turn sign-in on), against a real OpenID Connect provider
 * (oidc-provider, e2e/oidc-provider.mjs) on a fixed port. Test-only values, not secrets.
 */
export const AUTH_E2E = {
  port: 3240,
  // localhost, not 127.0.0.1: Next's NextRequest rewrites 127.0.0.1 to localhost in route
  // handlers, so Auth.js's callback URL would not match a 127.0.0.1 redirect_uri.
  baseURL: "http://localhost:3240",
  oidcPort: 3290,
  issuer: "http://127.0.0.1:3290",
  clientId: "wan-studio-e2e",
  clientSecret: "e2e-client-secret-not-a-real-one",
  /** Encrypts the test sessions; a fixed string so the suite is repeatable. */
  authSecret: "e2e-only-auth-secret-0123456789abcdef",
  dataDir: ".data-e2e-auth",
  providerName: "Team SSO",
  allowedDomains: "team.test",
  adminEmails: "admin@team.test",
} as const;
