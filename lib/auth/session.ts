import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { memberFor, safeReturnPath } from "./members";
import { signInEnabled, teamRules } from "./settings";
import { type CurrentUser, LOCAL_USER, UnauthorizedError } from "./user";

/**
 * The signed-in member for this request, or null. With sign-in off (demo mode, or
 * AUTH_DISABLED) everyone is the local user. The session is re-checked against today's
 * allow-list and admin list, so a change to them applies to existing sessions too.
 * Cached per request (the layout and the page both ask).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  if (!signInEnabled()) return LOCAL_USER;
  // Loaded only when sign-in is on: demo mode never touches Auth.js.
  const { auth } = await import("./auth");
  const session = await auth();
  const email = session?.user?.email;
  if (!email) return null;
  return memberFor({ email, name: session.user?.name }, teamRules());
});

/** The member for this request; throws UnauthorizedError when nobody is signed in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError();
  return user;
}

/** For pages: the member, or a redirect to the sign-in page that comes back to `returnTo`. */
export async function requirePageUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const { SIGN_IN_PATH } = await import("./auth");
  redirect(`${SIGN_IN_PATH}?${new URLSearchParams({ callbackUrl: safeReturnPath(returnTo) })}`);
}

/** Sends the browser to the identity provider; back at `returnTo` once signed in. */
export async function startSignIn(returnTo: unknown): Promise<never> {
  const redirectTo = safeReturnPath(returnTo);
  if (!signInEnabled()) redirect(redirectTo);
  const { OIDC_PROVIDER_ID, signIn } = await import("./auth");
  await signIn(OIDC_PROVIDER_ID, { redirectTo });
  // signIn redirects (throws) on success; reaching here means it did not.
  throw new Error("Sign-in did not redirect.");
}

/** Ends the session (the cookie) and shows the sign-in page. */
export async function endSession(): Promise<never> {
  if (!signInEnabled()) redirect("/");
  const { SIGN_IN_PATH, signOut } = await import("./auth");
  await signOut({ redirectTo: SIGN_IN_PATH });
  throw new Error("Sign-out did not redirect.");
}
