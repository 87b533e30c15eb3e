import "server-only";
import { type CurrentUser, LOCAL_USER, UnauthorizedError } from "./user";

/**
 * The signed-in member for this request, or null. Sign-in is not configured yet: everyone is
 * the local user. (Auth.js replaces this body; callers keep using these two functions.)
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  return LOCAL_USER;
}

/** The member for this request; throws UnauthorizedError when nobody is signed in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError();
  return user;
}
