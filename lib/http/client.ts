import "server-only";
import { createHash } from "node:crypto";
import { env } from "@/lib/env";

/** Every client that cannot be told apart shares this identity (and its limits). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * Who is asking, as far as this server can trust it, for rate limits. A route handler never
 * sees the socket, and `next start` keeps a client's own X-Forwarded-For as it came (it fills
 * the header with the socket's address only when there is none), so the header proves nothing
 * unless something we trust wrote it:
 * - on Vercel, the platform overwrites X-Forwarded-For with the address it saw;
 * - behind TRUST_PROXY_HOPS proxies of ours that each append what they saw, the entry that
 *   many places from the right is the address the outermost one saw;
 * - otherwise every client is the same unknown one: limits then hold for all together, which
 *   a forger cannot escape by writing a new address into each request.
 */
export function clientAddress(
  headers: Headers,
  settings: { VERCEL?: string; TRUST_PROXY_HOPS: number } = env(),
): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (settings.VERCEL) return chain[0] ?? UNKNOWN_CLIENT;
  const hops = settings.TRUST_PROXY_HOPS;
  if (hops > 0 && chain.length >= hops) return chain[chain.length - hops] ?? UNKNOWN_CLIENT;
  return UNKNOWN_CLIENT;
}

/** The address as limits store it: hashed, so no table keeps people's addresses. */
export function clientKey(address: string): string {
  return createHash("sha256").update(`wan-studio-client:${address}`).digest("base64url");
}
