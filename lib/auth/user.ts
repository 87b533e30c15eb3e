/** The person acting: a signed-in team member, or the single local user of an open demo. */
export interface CurrentUser {
  /** Stable id: the email address, lower-cased (what budgets and ownership key on). */
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
}

/** Who owns everything made while sign-in is off (demo mode on this machine). */
export const LOCAL_USER: CurrentUser = {
  id: "local",
  email: "local@wan-studio",
  name: "Local user",
  isAdmin: true,
};

/** Thrown when a page, route or action needs a signed-in member and there is none. */
export class UnauthorizedError extends Error {
  constructor(message = "Sign in to continue.") {
    super(message);
    this.name = "UnauthorizedError";
  }
}
