import "server-only";
import { Readable } from "node:stream";
import { GatewayError } from "@/lib/gateway";
import { guardedFetch, OutboundRefusedError, outboundPolicyFor } from "@/lib/http/outbound";

/**
 * Where a finished video's bytes come from, and the checks they pass on the way to storage:
 * they must start like an MP4 (`ftyp`), and arrive whole (as many bytes as Content-Length
 * said). Every failure is a `CopyFailure` whose message is a phrase for people ("the
 * gateway's download stopped after 1200 of 5000 bytes"): no URL, no key.
 */

export class CopyFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CopyFailure";
  }
}

/** How long the provider's link may take to answer, and to deliver the whole file. */
const LINK_HEADERS_MS = 30_000;
const LINK_TOTAL_MS = 15 * 60_000;

function lengthOf(response: Response): number | undefined {
  if (response.status !== 200) return undefined;
  const header = response.headers.get("content-length");
  const n = header === null ? Number.NaN : Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The body as a Node stream that fails (as a stream error, never an uncaught exception)
 * unless the bytes start like an MP4 and, when the length was announced, arrive whole.
 */
export function checkedVideo(response: Response, from: string): Readable {
  const { body } = response;
  if (!body) throw new CopyFailure(`${from} sent no content`);
  const reader = body.getReader();
  const expected = lengthOf(response);
  async function* bytes() {
    let head = Buffer.alloc(0);
    let checked = false;
    let total = 0;
    try {
      for (;;) {
        let chunk: Buffer;
        try {
          const next = await reader.read();
          if (next.done) break;
          chunk = Buffer.from(next.value);
        } catch (error) {
          throw new CopyFailure(
            `${from} broke off after ${total}${expected ? ` of ${expected}` : ""} bytes`,
            { cause: error },
          );
        }
        total += chunk.length;
        if (checked) {
          yield chunk;
          continue;
        }
        head = Buffer.concat([head, chunk]);
        if (head.length < 8) continue;
        checked = true;
        if (head.subarray(4, 8).toString("latin1") !== "ftyp") {
          throw new CopyFailure(`${from} sent something that is not an MP4 video`);
        }
        yield head;
      }
      if (!checked) throw new CopyFailure(`${from} sent too little to be a video`);
      if (expected !== undefined && total !== expected) {
        throw new CopyFailure(`${from} stopped after ${total} of ${expected} bytes`);
      }
    } finally {
      // Stop the download whatever ended the copy (a failed check, a storage error).
      await reader.cancel().catch(() => {});
    }
  }
  const stream = Readable.from(bytes());
  // Destroyed before it was ever read (storage refused at once): still let the download go.
  stream.once("close", () => reader.cancel().catch(() => {}));
  return stream;
}

/** What a gateway error says about the download, as a phrase. */
export function gatewayCopyFailure(error: unknown): CopyFailure {
  if (error instanceof CopyFailure) return error;
  if (error instanceof GatewayError) {
    const what = error.status
      ? `answered HTTP ${error.status}`
      : error.code.replace(":gateway", "");
    return new CopyFailure(`the gateway's download failed (${what})`, { cause: error });
  }
  return new CopyFailure("the gateway's download failed", { cause: error });
}

/**
 * The provider's own signed link, fetched WITHOUT our key and only where the outbound guard
 * allows (https, public addresses; the gateway's own kind of address in tests).
 */
export async function fetchProviderLink(link: string, gatewayBaseUrl: string): Promise<Response> {
  const policy = await outboundPolicyFor(gatewayBaseUrl);
  const total = AbortSignal.timeout(LINK_TOTAL_MS);
  const headersIn = new AbortController();
  const timer = setTimeout(() => headersIn.abort(), LINK_HEADERS_MS);
  let response: Response;
  try {
    response = await guardedFetch(policy)(link, {
      signal: AbortSignal.any([total, headersIn.signal]),
    });
  } catch (error) {
    if (error instanceof OutboundRefusedError) {
      throw new CopyFailure(
        "the provider's link was refused (only public https addresses are fetched)",
        { cause: error },
      );
    }
    throw new CopyFailure("the provider's link could not be reached", { cause: error });
  } finally {
    clearTimeout(timer);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new CopyFailure(
      response.status === 403 || response.status === 404 || response.status === 410
        ? `the provider's link has expired (HTTP ${response.status})`
        : `the provider's link answered HTTP ${response.status}`,
    );
  }
  return response;
}
