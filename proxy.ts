import { type NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/env";
import { isUndecodablePath, undecodablePathResponse } from "@/lib/http/undecodable-path";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

function originOf(url: string | undefined): string | undefined {
  return url ? new URL(url).origin : undefined;
}

/** Set on requests for share-link pages (see app/layout.tsx). */
const SHARE_PAGE_HEADER = "x-wan-share-page";

/** Where an undecodable page address is sent: the app's not-found page (404). */
const NOT_FOUND_PAGE = "/_not-found";

/**
 * Answers an undecodable path before Next's route matching turns it into a 500 (see
 * lib/http/undecodable-path.ts): 400 in the route's error shape for the API, the not-found
 * page for pages. Then sets a per-request nonce CSP on pages. Not an authorisation boundary:
 * pages, routes and actions check the session themselves.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const undecodable = isUndecodablePath(pathname);
  if (pathname.startsWith("/api/")) {
    return undecodable ? undecodablePathResponse(pathname) : NextResponse.next();
  }
  const settings = env();
  const nonce = newNonce();
  const bucket = settings.S3_BUCKET
    ? originOf(settings.S3_PUBLIC_ENDPOINT ?? settings.S3_ENDPOINT)
    : undefined;
  const policy = contentSecurityPolicy({
    nonce,
    storageOrigins: bucket ? [bucket] : settings.S3_BUCKET ? ["https://*.amazonaws.com"] : [],
    signInOrigin: originOf(settings.AUTH_OIDC_ISSUER),
    development: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  // Share-link pages (/s/<token>) get a layout without the studio's header: no way in from
  // them. Only this proxy says so; whatever a request claims is dropped.
  headers.delete(SHARE_PAGE_HEADER);
  if (pathname.startsWith("/s/")) headers.set(SHARE_PAGE_HEADER, "1");
  // Next reads the nonce from the request's CSP header and stamps it on its scripts.
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = undecodable
    ? NextResponse.rewrite(new URL(NOT_FOUND_PAGE, request.url), { request: { headers } })
    : NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    // Every API route but the uploads: a proxy gets a copy of the request body, and Next
    // buffers (and cuts at 10 MB) what it copies; upload paths have no dynamic segment.
    "/api/((?!uploads).*)",
    {
      source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
