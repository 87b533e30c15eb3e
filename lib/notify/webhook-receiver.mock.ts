import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a test receiver got: headers as sent, the raw body, when it arrived. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver for webhook tests (node:http on 127.0.0.1). `answer` decides each
 * request's fate: a status, or "hang" (never answers; the connection stays open).
 */
export async function startReceiver(
  answer: (received: Received, index: number) => number | "hang" = () => 200,
) {
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      received.push(entry);
      const fate = answer(entry, received.length - 1);
      if (fate === "hang") {
        hanging.add(() => response.destroy());
        return;
      }
      response.writeHead(fate, { "content-type": "text/plain" }).end(fate < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/wan`,
    received,
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
