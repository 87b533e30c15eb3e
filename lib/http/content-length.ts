import { ServerResponse } from "node:http";

/**
 * Next.js (16.4) drops `Content-Length` from every Response a route handler returns: its
 * `sendResponse` (next/dist/server/send-response.js, FORBIDDEN_HEADERS) skips the header
 * because a body that `fetch` decoded may no longer match it, and then writes the body chunk
 * by chunk, so Node answers `Transfer-Encoding: chunked`. For the files we serve from storage
 * the length is exact and matters: downloads show their size and progress, and a HEAD tells
 * a client how big a video is. The route sets this private header as well; `keepContentLength`
 * (installed once at server start, see instrumentation.ts) turns it back into `Content-Length`
 * at the moment Node writes the headers, and never lets it reach the client.
 */
export const KNOWN_LENGTH_HEADER = "x-wan-content-length";

/** Sets the body's exact length on `headers`: `Content-Length` and the header Next passes on. */
export function setKnownLength(headers: Headers, bytes: number): void {
  headers.set("Content-Length", String(bytes));
  headers.set(KNOWN_LENGTH_HEADER, String(bytes));
}

const installed = Symbol.for("wan-studio.keepContentLength");

type WriteHead = ServerResponse["writeHead"];

/**
 * Wraps `ServerResponse.prototype.writeHead` (idempotent). Only a response carrying
 * KNOWN_LENGTH_HEADER is touched, and only when nothing re-encodes its body: a response that
 * a compression layer has already given a `Content-Encoding`, or that is chunked on purpose,
 * keeps Node's framing.
 */
export function keepContentLength(proto: ServerResponse = ServerResponse.prototype): void {
  const target = proto as ServerResponse & { [installed]?: true };
  if (target[installed]) return;
  const original: WriteHead = proto.writeHead;
  const writeHead = function (this: ServerResponse, ...args: Parameters<WriteHead>) {
    const known = this.getHeader(KNOWN_LENGTH_HEADER);
    if (known !== undefined) {
      this.removeHeader(KNOWN_LENGTH_HEADER);
      const value = String(known);
      const untouched =
        !this.hasHeader("content-encoding") &&
        !this.hasHeader("transfer-encoding") &&
        !this.hasHeader("content-length");
      if (untouched && /^\d+$/.test(value)) this.setHeader("Content-Length", value);
    }
    return original.apply(this, args);
  } as WriteHead;
  Object.defineProperty(target, "writeHead", {
    value: writeHead,
    writable: true,
    configurable: true,
  });
  target[installed] = true;
}
