import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Readable } from "node:stream";
import { type AddressClass, classifyAddress } from "./addresses";

/**
 * The guard for URLs the server fetches but did not make: a gateway's `/content` redirect and
 * the provider's own result link. Only `https` (plain `http` only to the gateway's own host),
 * and never an address inside our network (loopback, private, link-local, unique-local, CGNAT,
 * cloud metadata…) unless the gateway itself lives at such an address, as in tests and in a
 * private deployment.
 *
 * `checkOutboundUrl` resolves the name first to refuse early and clearly; `guardedFetch` then
 * checks again inside the connection's own DNS lookup, so the address connected to is the
 * address checked, and a name that re-resolves elsewhere in between (DNS rebinding) is refused.
 * It uses node:http(s) with a `lookup` hook rather than fetch: Node 20's fetch (undici 6) takes
 * no lookup hook without a second copy of undici as a dependency.
 */

export interface OutboundPolicy {
  /** Non-public address classes allowed: the ones the gateway's own base URL resolves to. */
  allowed: ReadonlySet<AddressClass>;
  /** The gateway's host when its base URL is plain http: the one host http may reach. */
  plainHttpHost?: string;
  /** Name → addresses; the system resolver unless a test provides its own. */
  resolve?: (hostname: string) => Promise<string[]>;
}

export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

function systemResolve(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((entry) => entry.address)),
    );
  });
}

async function addressesOf(hostname: string, policy: OutboundPolicy): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return [bare];
  return (policy.resolve ?? systemResolve)(bare);
}

function refusalFor(address: string, policy: OutboundPolicy): string | undefined {
  const kind = classifyAddress(address) ?? "reserved";
  if (kind === "public" || policy.allowed.has(kind)) return undefined;
  return `${kind} address`;
}

/** The policy for a gateway at `baseUrl`: what its own address allows besides public hosts. */
export async function outboundPolicyFor(
  baseUrl: string,
  resolve?: (hostname: string) => Promise<string[]>,
): Promise<OutboundPolicy> {
  const base = new URL(baseUrl);
  const policy: OutboundPolicy = {
    allowed: new Set(),
    plainHttpHost: base.protocol === "http:" ? base.hostname : undefined,
    resolve,
  };
  const addresses = await addressesOf(base.hostname, policy).catch(() => []);
  const allowed = new Set<AddressClass>();
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind && kind !== "public") allowed.add(kind);
  }
  return { ...policy, allowed };
}

/** Throws `OutboundRefusedError` unless `target` is a URL this policy lets the server fetch. */
export async function checkOutboundUrl(target: string | URL, policy: OutboundPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new OutboundRefusedError("not a URL");
  }
  // Only the origin in messages: the path and query of a signed link are a credential.
  const where = url.protocol === "http:" || url.protocol === "https:" ? url.host : url.protocol;
  if (
    url.protocol !== "https:" &&
    !(url.protocol === "http:" && url.hostname === policy.plainHttpHost)
  ) {
    throw new OutboundRefusedError(`refused ${where}: only https links are followed`);
  }
  let addresses: string[];
  try {
    addresses = await addressesOf(url.hostname, policy);
  } catch {
    throw new OutboundRefusedError(`refused ${where}: the name does not resolve`);
  }
  if (addresses.length === 0) throw new OutboundRefusedError(`refused ${where}: no address`);
  for (const address of addresses) {
    const why = refusalFor(address, policy);
    if (why) throw new OutboundRefusedError(`refused ${where}: it resolves to a ${why}`);
  }
  return url;
}

/** A `lookup` for node:net that answers only with addresses the policy allows. */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options === "object" ? options.family : options;
    const wantsAll = typeof options === "object" && options.all === true;
    addressesOf(hostname, policy)
      .then((found) => {
        const addresses: LookupAddress[] = found
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !family || entry.family === family);
        const bad = addresses.map((entry) => refusalFor(entry.address, policy)).find(Boolean);
        if (bad || addresses.length === 0) {
          const error = new OutboundRefusedError(
            `refused ${hostname}: ${bad ? `it resolves to a ${bad}` : "no address"}`,
          );
          return (callback as (error: Error) => void)(error);
        }
        if (wantsAll) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((error: Error) => (callback as (error: Error) => void)(error));
  };
}

/**
 * A fetch-shaped GET/HEAD over node:http(s) whose every connection passes `guardedLookup`.
 * Follows no redirect (the caller checks each hop) and streams the body.
 */
export function guardedFetch(
  policy: OutboundPolicy,
): (target: string, init?: RequestInit) => Promise<Response> {
  return async (target, init = {}) => {
    const url = await checkOutboundUrl(target, policy);
    const method = init.method ?? "GET";
    const client = url.protocol === "https:" ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method,
          headers: Object.fromEntries(new Headers(init.headers)),
          lookup: guardedLookup(policy),
          // A fresh connection each time: a pooled socket would skip the lookup (and the check).
          agent: false,
          signal: init.signal ?? undefined,
        },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (Array.isArray(value)) for (const item of value) headers.append(name, item);
            else if (value !== undefined) headers.set(name, value);
          }
          const status = response.statusCode ?? 502;
          const empty = method === "HEAD" || status === 204 || status === 304;
          if (empty) response.resume();
          resolve(
            new Response(empty ? null : (Readable.toWeb(response) as ReadableStream), {
              status,
              statusText: response.statusMessage,
              headers,
            }),
          );
        },
      );
      request.on("error", reject);
      request.end();
    });
  };
}
