import { once } from "node:events";
import http, { type IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_LENGTH_HEADER, keepContentLength, setKnownLength } from "./content-length";

// Next's own compression middleware, as `next start` puts it in front of every answer.
// biome-ignore lint/suspicious/noExplicitAny: a compiled CommonJS module without types.
const compression: () => any = createRequire(import.meta.url)("next/dist/compiled/compression");

/** A ServerResponse class of its own, so the suite never patches Node's for other tests. */
class TestResponse extends ServerResponse {}
keepContentLength(TestResponse.prototype);

/**
 * Writes `headers` the way Next's sendResponse does (appendHeader, never Content-Length),
 * then the body chunk by chunk (which makes Node answer chunked when no length is known).
 */
function sendLikeNext(res: ServerResponse, headers: Headers, body: Buffer) {
  headers.forEach((value, name) => {
    if (name !== "content-length") res.appendHeader(name, value);
  });
  res.flushHeaders();
  for (let at = 0; at < body.length; at += 1000) res.write(body.subarray(at, at + 1000));
  res.end();
}

const body = Buffer.alloc(50_000, "a"); // compressible, well over the 1 kB threshold
let answer: (res: ServerResponse) => void = () => {};
const compress = compression();
const server = http.createServer({ ServerResponse: TestResponse }, (req, res) =>
  compress(req as IncomingMessage, res, () => answer(res)),
);
let base = "";

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

/** The raw answer: Node's fetch would hide the framing, so http.get reads the headers. */
function get(method = "GET"): Promise<{ headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}/`,
      { method, headers: { "Accept-Encoding": "gzip, br" } },
      (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.on("end", () => resolve({ headers: response.headers, bytes }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

describe("keepContentLength", () => {
  it("puts a stored file's length on the wire, where Next alone answers chunked", async () => {
    const headers = new Headers({
      "Content-Type": "application/octet-stream",
      "Cache-Control": "private, no-transform",
    });
    answer = (res) => sendLikeNext(res, headers, body);
    const without = await get();
    expect(without.headers["transfer-encoding"]).toBe("chunked");
    expect(without.headers["content-length"]).toBeUndefined();

    setKnownLength(headers, body.length);
    const withLength = await get();
    expect(withLength.headers["content-length"]).toBe(String(body.length));
    expect(withLength.headers["transfer-encoding"]).toBeUndefined();
    expect(withLength.headers[KNOWN_LENGTH_HEADER]).toBeUndefined();
    expect(withLength.bytes).toBe(body.length);

    const head = await get("HEAD");
    expect(head.headers["content-length"]).toBe(String(body.length));
    expect(head.bytes).toBe(0);
  });

  it("leaves a body the compression layer re-encodes to Node's framing", async () => {
    // A compressible type without no-transform: gzip changes the length, so it must not be
    // announced (this is why stored media say no-transform).
    const headers = new Headers({ "Content-Type": "image/bmp", "Cache-Control": "private" });
    setKnownLength(headers, body.length);
    answer = (res) => sendLikeNext(res, headers, body);
    const compressed = await get();
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(compressed.headers["content-length"]).toBeUndefined();
    expect(compressed.headers[KNOWN_LENGTH_HEADER]).toBeUndefined();
    expect(compressed.bytes).toBeLessThan(body.length);

    headers.set("Cache-Control", "private, no-transform");
    const kept = await get();
    expect(kept.headers["content-encoding"]).toBeUndefined();
    expect(kept.headers["content-length"]).toBe(String(body.length));
  });

  it("installs once, and ignores a header that is not a length", async () => {
    keepContentLength(TestResponse.prototype);
    const headers = new Headers({ "Cache-Control": "no-transform" });
    headers.set(KNOWN_LENGTH_HEADER, "12; drop table");
    answer = (res) => sendLikeNext(res, headers, body);
    const response = await get();
    expect(response.headers["content-length"]).toBeUndefined();
    expect(response.headers[KNOWN_LENGTH_HEADER]).toBeUndefined();
    expect(response.bytes).toBe(body.length);
  });
});
