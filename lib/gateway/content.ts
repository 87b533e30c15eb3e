import {
  checkOutboundUrl,
  guardedFetch,
  type OutboundPolicy,
  OutboundRefusedError,
  outboundPolicyFor,
} from "@/lib/http/outbound";
import { GatewayError } from "./errors";
import { badResponse, type CallContext, type Connection, httpError, send } from "./request";

/**
 * Downloading a finished video: `/content` on the gateway, following its redirects by hand so
 * that each hop is checked (lib/http/outbound.ts) and our key never leaves the gateway's origin.
 */

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** What the gateway's own address allows, worked out once per client (it may need DNS). */
export function policyOnce(conn: Connection): () => Promise<OutboundPolicy> {
  let policy: Promise<OutboundPolicy> | undefined;
  return () => {
    policy ??= outboundPolicyFor(conn.base);
    return policy;
  };
}

export async function fetchContent(
  conn: Connection,
  ctx: CallContext,
  policy: () => Promise<OutboundPolicy>,
  range?: string,
): Promise<Response> {
  let url = `${conn.base}${ctx.path}`;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const onGateway = new URL(url).origin === conn.baseOrigin;
    const headers: Record<string, string> = {};
    // Never hand our key to another host (a storage bucket's signed URL needs none).
    if (onGateway) headers.Authorization = `Bearer ${conn.apiKey}`;
    if (range) headers.Range = range;
    const init: RequestInit = { method: "GET", headers, redirect: "manual" };
    // Off the gateway's origin, every connection is checked again at connect time.
    const sent = await send(
      conn,
      ctx,
      url,
      init,
      onGateway ? conn.fetch : guardedFetch(await policy()),
    );
    const { response } = sent;
    if (REDIRECTS.has(response.status)) {
      sent.stopClock();
      await response.body?.cancel().catch(() => {});
      url = await nextHop(ctx, response, url, await policy());
      continue;
    }
    if (response.status === 200 || response.status === 206) {
      sent.stopClock();
      return response;
    }
    let text = "";
    try {
      text = await response.text();
    } catch {
      // The status says enough.
    } finally {
      sent.stopClock();
    }
    throw httpError(conn, ctx, response, text);
  }
  throw badResponse(ctx, `more than ${MAX_REDIRECTS} redirects`);
}

async function nextHop(
  ctx: CallContext,
  response: Response,
  from: string,
  policy: OutboundPolicy,
): Promise<string> {
  const location = response.headers.get("location");
  let next: URL;
  try {
    next = new URL(location ?? "", from);
  } catch {
    throw badResponse(ctx, `HTTP ${response.status} without a usable Location`);
  }
  if (!location) throw badResponse(ctx, `HTTP ${response.status} without a usable Location`);
  try {
    await checkOutboundUrl(next, policy);
  } catch (error) {
    if (!(error instanceof OutboundRefusedError)) throw error;
    throw new GatewayError({
      code: "bad_response:gateway",
      message: `${ctx.method} ${ctx.path}: redirect ${error.message}`,
      outcomeUnknown: false,
    });
  }
  return next.href;
}
