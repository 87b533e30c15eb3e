/**
 * Whether the gateway (a server on the internet) can fetch media URLs at a given address.
 * Pure: the page computes the address and shows the sentence before anyone submits, because
 * an unreachable URL otherwise fails the task minutes later, after it was paid for.
 */

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const bytes = parts.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : null;
}

function privateIpv4([a, b]: number[]): boolean {
  return (
    a === 127 || // loopback
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) // link-local
  );
}

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
  const v4 = ipv4(host);
  if (v4) return privateIpv4(v4);
  if (host.includes(":")) {
    if (host === "::1" || host === "::") return true;
    // IPv4-mapped (::ffff:10.0.0.1, or its hex form ::ffff:a00:1).
    const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
    if (mapped) {
      const dotted = ipv4(mapped);
      if (dotted) return privateIpv4(dotted);
      const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(mapped);
      if (hex) {
        const high = Number.parseInt(hex[1], 16);
        return privateIpv4([high >> 8, high & 0xff]);
      }
    }
    const first = Number.parseInt(host.split(":")[0] || "0", 16);
    if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7, unique local
    if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10, link-local
  }
  return false;
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
