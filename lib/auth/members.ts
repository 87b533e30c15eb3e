import type { CurrentUser } from "./user";

/** Who may sign in and who is an admin (lists lower-cased, as lib/env parses them). */
export interface TeamRules {
  allowedDomains: readonly string[];
  allowedEmails: readonly string[];
  adminEmails: readonly string[];
}

/** The identity provider's word on who signed in. */
export interface SignedInProfile {
  email?: string | null;
  /** Providers that say `false` have not checked the address: it proves nothing. */
  emailVerified?: boolean | null;
  name?: string | null;
}

/**
 * The team member this profile is, or null when the team does not include them: a verified
 * address whose domain is in `allowedDomains` (exactly: `sub.example.com` is another domain)
 * or which is in `allowedEmails`. Admins come from `adminEmails` but must be allowed too.
 */
export function memberFor(profile: SignedInProfile, rules: TeamRules): CurrentUser | null {
  const email = profile.email?.trim().toLowerCase();
  if (!email || profile.emailVerified === false) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  const domain = email.slice(at + 1);
  const allowed = rules.allowedDomains.includes(domain) || rules.allowedEmails.includes(email);
  if (!allowed) return null;
  return {
    id: email,
    email,
    name: profile.name?.trim() || null,
    isAdmin: rules.adminEmails.includes(email),
  };
}

/** What the history and the task page show for who made something. */
export function displayName(user: Pick<CurrentUser, "name" | "email">): string {
  return user.name ?? user.email;
}

/** Only somewhere inside this app, so a sign-in link cannot send people elsewhere. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return "/";
  // Backslashes and control characters: some browsers read "/\\evil.test" as another host.
  if ([...value].some((char) => char === "\\" || char.charCodeAt(0) < 32)) return "/";
  return value;
}
