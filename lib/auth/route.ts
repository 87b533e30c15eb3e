import "server-only";
import { getCurrentUser } from "./session";
import type { CurrentUser } from "./user";

/** What a route answers when sign-in is on and the request carries no member's session. */
export function unauthorized(message = "Sign in to continue."): Response {
  return Response.json(
    { code: "unauthorized", message },
    { status: 401, headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * Wraps a route handler so it runs only for a signed-in member (anyone, with sign-in off),
 * and hands it the member. Without one: 401, and an unread upload body is dropped, not read.
 */
export function withUser<Context>(
  handler: (request: Request, context: Context, user: CurrentUser) => Promise<Response>,
): (request: Request, context?: Context) => Promise<Response> {
  // `context` is optional only for tests that call a param-less route with a request alone;
  // Next always passes it.
  return async (request, context) => {
    const user = await getCurrentUser();
    if (!user) {
      await request.body?.cancel().catch(() => {});
      return unauthorized();
    }
    return handler(request, context as Context, user);
  };
}
