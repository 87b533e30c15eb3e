import type { IncomingMessage, ServerResponse } from "node:http";
import { type DemoGateway, routeDemoRequest } from "./handler";

/**
 * Mounts the demo gateway on a node:http server (tests, a stand-alone demo for a bench):
 * `http.createServer(nodeListener(gateway))`. Bodies are small JSON, so they are buffered.
 */
export function nodeListener(gateway: DemoGateway) {
  return async (req: IncomingMessage, res: ServerResponse) => {
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
        body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const response = await routeDemoRequest(gateway, request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error), type: "server_error" } }));
    }
  };
}
