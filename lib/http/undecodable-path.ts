/**
 * A path whose %-escapes are not UTF-8 (`/api/tasks/%E0%A4%A`) cannot name anything we serve.
 * Next.js decodes dynamic segments while it matches routes, turns the URIError into a
 * DecodeError and then tries to render a `/400` page, which the App Router does not have: the
 * answer is a bare 500 (vercel/next.js#92557). proxy.ts runs before that matching, so it asks
 * this module and answers first.
 */

/** True when `pathname`, as it arrived (still percent-encoded), does not decode. */
export function isUndecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** Routes whose own errors are wrapped as `{ error: { code, message } }`. */
const WRAPPED_ERRORS = ["/api/media/", "/api/demo-gateway/", "/api/uploads"];

/** The 400 an API route answers for an undecodable path, in that route's error shape. */
export function undecodablePathResponse(pathname: string): Response {
  const problem = {
    code: "bad_path",
    message: "This address is broken (a %-escape in it is not valid). Check the link.",
  };
  const wrapped = WRAPPED_ERRORS.some((prefix) => pathname.startsWith(prefix));
  return Response.json(wrapped ? { error: problem } : problem, {
    status: 400,
    headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
  });
}
