import "server-only";
import NextAuth, { type NextAuthConfig } from "next-auth";
import { env } from "@/lib/env";
import { memberFor } from "./members";
import { signInEnabled, teamRules } from "./settings";

/** The provider's id in Auth.js URLs: the callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";
export const SIGN_IN_PATH = "/sign-in";

/**
 * Auth.js, configured per request from lib/env (so `next build` needs no settings): one
 * OpenID Connect provider, sessions in an encrypted cookie (no session table), and the team's
 * allow-list checked when someone comes back from the provider.
 */
function config(): NextAuthConfig {
  const settings = env();
  return {
    secret: settings.AUTH_SECRET,
    trustHost: settings.AUTH_TRUST_HOST,
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    providers: signInEnabled()
      ? [
          {
            id: OIDC_PROVIDER_ID,
            name: settings.AUTH_OIDC_NAME,
            type: "oidc",
            issuer: settings.AUTH_OIDC_ISSUER,
            clientId: settings.AUTH_OIDC_CLIENT_ID,
            clientSecret: settings.AUTH_OIDC_CLIENT_SECRET,
            authorization: { params: { scope: "openid email profile" } },
            // Ask the userinfo endpoint: every provider answers email there; not all put it
            // in the ID token.
            idToken: false,
          },
        ]
      : [],
    callbacks: {
      signIn({ profile }) {
        const email = typeof profile?.email === "string" ? profile.email : "";
        const member = memberFor(
          {
            email,
            emailVerified:
              typeof profile?.email_verified === "boolean" ? profile.email_verified : undefined,
            name: typeof profile?.name === "string" ? profile.name : undefined,
          },
          teamRules(),
        );
        if (member) return true;
        const refused = new URLSearchParams({ refused: email || "unknown" });
        return `${SIGN_IN_PATH}?${refused}`;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
