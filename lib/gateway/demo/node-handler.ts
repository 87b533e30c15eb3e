import type { IncomingMessage, ServerResponse } from "node:http";
import { type DemoGateway, routeDemoRequest } from "./handler";

/**
 * Mounts the demo gateway on a node:http server (tests, a stand-alone demo for a bench):
 * `http.createServer(nodeListener(gateway))`. Request bodies are small JSON, so they are
 * buffered; answers are streamed, so a body that trickles, breaks or is cut reaches the
 * caller as it would from Next, and a caller hanging up aborts the request's signal.
 */
export function nodeListener(gateway: DemoGateway) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const hangUp = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) hangUp.abort();
    });
    let response: Response;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const method = req.method ?? "GET";
      const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
        method,
        headers,
        signal: hangUp.signal,
        body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      response = await routeDemoRequest(gateway, request);
    } catch (error) {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error), type: "server_error" } }));
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    const reader = response.body.getReader();
    hangUp.signal.addEventListener("abort", () => reader.cancel().catch(() => {}), { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch {
      // The body broke (a fault, or the dialect's deadline): drop the connection, as a
      // server does once its headers have gone.
      res.destroy();
    }
  };
}
