import { isIP } from "node:net";

/**
 * What kind of address an IP is, for deciding whether the server may connect to it on a URL it
 * did not make itself. Pure; IPv4, IPv6 and IPv4 inside IPv6 (mapped, NAT64, 6to4) alike.
 */

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "unique-local"
  | "cgnat"
  /** Cloud instance metadata (169.254.169.254, AWS's fd00:ec2::254): never a media host. */
  | "metadata"
  | "unspecified"
  | "multicast"
  /** Documentation, benchmarking, IETF-reserved and broadcast ranges. */
  | "reserved";

type V4Range = [base: number, bits: number, kind: AddressClass];

const v4 = (text: string) => text.split(".").reduce((n, part) => n * 256 + Number(part), 0);

// Most specific first: 169.254.169.254 is metadata before it is link-local.
const V4_RANGES: V4Range[] = [
  [v4("169.254.169.254"), 32, "metadata"],
  [v4("100.100.100.200"), 32, "metadata"], // Alibaba Cloud's instance metadata
  [v4("0.0.0.0"), 8, "unspecified"],
  [v4("10.0.0.0"), 8, "private"],
  [v4("100.64.0.0"), 10, "cgnat"],
  [v4("127.0.0.0"), 8, "loopback"],
  [v4("169.254.0.0"), 16, "link-local"],
  [v4("172.16.0.0"), 12, "private"],
  [v4("192.0.0.0"), 24, "reserved"],
  [v4("192.0.2.0"), 24, "reserved"],
  [v4("192.168.0.0"), 16, "private"],
  [v4("198.18.0.0"), 15, "reserved"],
  [v4("198.51.100.0"), 24, "reserved"],
  [v4("203.0.113.0"), 24, "reserved"],
  [v4("224.0.0.0"), 4, "multicast"],
  [v4("240.0.0.0"), 4, "reserved"],
];

function classifyV4(address: string): AddressClass {
  const n = v4(address);
  for (const [base, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return kind;
  }
  return "public";
}

/** "fe80::1%eth0" → eight 16-bit groups; a trailing dotted IPv4 counts as two groups. */
function groupsV6(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(fill).fill("0"), ...right].map((group) => Number.parseInt(group, 16));
}

function embeddedV4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function classifyV6(address: string): AddressClass {
  const g = groupsV6(address);
  const zeroUpTo = (count: number) => g.slice(0, count).every((group) => group === 0);
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible NAT64 64:ff9b::a.b.c.d reach an IPv4 host.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(embeddedV4(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) {
    return classifyV4(embeddedV4(g[6], g[7]));
  }
  // 6to4 2002:a.b.c.d::/48 tunnels to the IPv4 host inside it.
  if (g[0] === 0x2002) return classifyV4(embeddedV4(g[1], g[2]));
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  const middleZero = g.slice(2, 7).every((group) => group === 0);
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && middleZero && g[7] === 0x254) return "metadata";
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0] & 0xffc0) === 0xfec0) return "private"; // deprecated site-local
  if ((g[0] & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0] & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x2001 && g[1] === 0x0db8) return "reserved"; // documentation
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return "reserved"; // discard
  // Anything else inside ::/8 (IPv4-compatible, unassigned) is not a real public host.
  if (g[0] === 0) return "reserved";
  return "public";
}

/** The class of an IP address; `undefined` when `address` is not an IP at all. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare.replace(/%.*$/, ""));
  if (family === 4) return classifyV4(bare);
  if (family === 6) return classifyV6(bare);
  return undefined;
}
