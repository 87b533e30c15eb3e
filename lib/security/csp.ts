/**
 * The Content-Security-Policy of every page. Scripts run only with this request's nonce
 * (Next.js stamps it on its own scripts); nothing may frame the app; forms post only to us
 * and to the sign-in provider; media and uploads may also reach the S3 bucket.
 */
export function contentSecurityPolicy(options: {
  nonce: string;
  /** Origins besides ours that the page loads media from or uploads to (the bucket). */
  storageOrigins?: string[];
  /** The OIDC provider: the sign-in form's POST is redirected there. */
  signInOrigin?: string;
  development?: boolean;
}): string {
  const storage = (options.storageOrigins ?? []).join(" ");
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next loads from a nonced script are trusted too.
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // React renders style attributes into the server HTML; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data: ${storage}`,
    `media-src 'self' blob: ${storage}`,
    // blob: lets the page read a dropped file back (waveforms, checks at the drop).
    `connect-src 'self' blob: ${storage}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${options.signInOrigin ?? ""}`,
    "frame-ancestors 'none'",
  ];
  return directives.map((directive) => directive.trim()).join("; ");
}

/** 128 random bits, base64: a fresh nonce per page request. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
