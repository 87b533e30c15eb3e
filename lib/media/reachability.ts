/**
 * Whether the gateway (a server on the internet) can fetch media URLs at a given address.
 * Pure: the page computes the address and shows the sentence before anyone submits, because
 * an unreachable URL otherwise fails the task minutes later, after it was paid for.
 */

import { classifyAddress } from "@/lib/http/addresses";

/** True for loopback, private, link-local and local-only names the internet cannot reach. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (!host) return true;
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host.endsWith(".local") || host.endsWith(".internal")) return true;
  // An IP literal: the same address classes the outbound guard refuses.
  const kind = classifyAddress(host);
  return kind !== undefined && kind !== "public";
}

/**
 * The sentence to show when the gateway would receive media URLs at `mediaUrl` it cannot
 * fetch; undefined when they look reachable, or when the gateway is the in-app demo one
 * (it runs inside this server and reaches localhost fine).
 */
export function unreachableMediaWarning(
  mediaUrl: string,
  options: { demoGateway: boolean },
): string | undefined {
  if (options.demoGateway) return undefined;
  let host: string;
  try {
    host = new URL(mediaUrl).hostname;
  } catch {
    return `Uploaded media would be handed to the video gateway at an address it cannot use (${mediaUrl}). Configure S3 storage or set PUBLIC_BASE_URL to an address the gateway can reach.`;
  }
  if (!isPrivateHost(host)) return undefined;
  const origin = new URL(mediaUrl).origin;
  return `The video gateway fetches uploaded media from ${origin}, a private address it cannot reach, so videos would fail after you submit. Configure S3 storage or set PUBLIC_BASE_URL to an address the gateway can reach.`;
}
