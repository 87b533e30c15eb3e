import { type NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

function originOf(url: string | undefined): string | undefined {
  return url ? new URL(url).origin : undefined;
}

/**
 * Sets a per-request nonce CSP on pages. Pages only (see the matcher): API routes stream
 * uploads, and a proxy would buffer their bodies. Not an authorisation boundary: pages,
 * routes and actions check the session themselves.
 */
export function proxy(request: NextRequest) {
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
  // Next reads the nonce from the request's CSP header and stamps it on its scripts.
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
