import "server-only";
import { env } from "@/lib/env";
import type { TeamRules } from "./members";

/**
 * Sign-in is on when OIDC is configured (lib/env refuses to start with a real key and no
 * sign-in), unless AUTH_DISABLED=true says a company proxy in front already checks people.
 */
export function signInEnabled(): boolean {
  const settings = env();
  return !settings.AUTH_DISABLED && Boolean(settings.AUTH_OIDC_ISSUER);
}

/** Read on every request, so removing someone from a list takes effect at once. */
export function teamRules(): TeamRules {
  const settings = env();
  return {
    allowedDomains: settings.AUTH_ALLOWED_DOMAINS,
    allowedEmails: settings.AUTH_ALLOWED_EMAILS,
    adminEmails: settings.AUTH_ADMIN_EMAILS,
  };
}

/** The provider's name for the sign-in button. */
export function providerName(): string {
  return env().AUTH_OIDC_NAME;
}
