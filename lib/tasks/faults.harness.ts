import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Real parts for the fault tests (faults.suite.ts, faults.database.test.ts): the demo gateway
 * and the media route on a node:http server, every gateway call recorded, and the app's
 * modules loaded only after the test's settings are in process.env (env() reads them once).
 */

export const MEDIA = path.resolve(__dirname, "../../e2e/media");

type Handler = (request: Request) => Promise<Response>;

export interface Call {
  method: string;
  path: string;
  at: number;
}

export interface Served {
  server: Server;
  origin: string;
  calls: Call[];
  /** Requests whose answer has not finished (a hang that never lets go shows here). */
  inFlight: () => number;
}

/**
 * A node:http server handing each request to `route` as a web Request. The request's signal
 * aborts when the caller hangs up, as Next's does, so a hanging fault lets go; a body that
 * breaks mid-stream breaks the connection, as it would behind any server.
 */
export async function serve(route: (url: URL) => Handler | null): Promise<Served> {
  const calls: Call[] = [];
  let open = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    calls.push({ method: req.method ?? "GET", path: url.pathname, at: Date.now() });
    open++;
    res.on("close", () => open--);
    const handler = route(url);
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const hangUp = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) hangUp.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      signal: hangUp.signal,
      // @ts-expect-error Node's fetch needs this for a streamed body.
      duplex: "half",
    });
    try {
      const response = await handler(request);
      if (res.destroyed) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) {
        res.end();
        return;
      }
      await pipeline(Readable.fromWeb(response.body as never), res).catch(() => res.destroy());
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, calls, inFlight: () => open };
}

export async function closeServers(servers: Server[]) {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}

/** The app's modules, loaded once the settings are in place. */
export async function loadApp() {
  // Opening the database (initdb + migrations for PGlite) takes seconds on a busy machine.
  await (await import("@/lib/db/client")).getDb();
  const tasks = await import("./index");
  const media = await import("@/lib/media");
  const storage = await import("@/lib/storage");
  const demo = await import("@/lib/gateway/demo");
  const mediaRoute = await import("@/app/api/media/[id]/route");
  const { LOCAL_USER } = await import("@/lib/auth/user");

  /** The app's server: the demo gateway and the media route, as Next mounts them. */
  const app = await serve((url) => {
    if (url.pathname.startsWith("/api/demo-gateway/")) {
      return (request) => demo.routeDemoRequest(demo.demoGateway, request);
    }
    const found = /^\/api\/media\/([^/]+)$/.exec(url.pathname);
    if (found) {
      return (request) => mediaRoute.GET(request, { params: Promise.resolve({ id: found[1] }) });
    }
    return null;
  });
  // The demo gateway is reached on this server's own bound address (lib/env selfOrigin).
  process.env.PORT = new URL(app.origin).port;

  async function upload(file = "portrait.png") {
    return media.ingestUpload({
      kind: "first_frame",
      body: createReadStream(path.join(MEDIA, file)),
      declaredName: file,
    });
  }

  /** Uploads a first frame and submits one 2 s video with `prompt`. */
  async function submit(prompt: string) {
    const frame = await upload();
    return tasks.submitTask(
      { media: [{ type: "first_frame", mediaId: frame.id }], seconds: 2, size: "720P", prompt },
      LOCAL_USER,
    );
  }

  /** One viewer's poll: refresh, and run the deferred work (the result copy) to its end. */
  async function poll(id: string) {
    const work: Promise<unknown>[] = [];
    const row = await tasks.refreshTask(id, (job) => {
      work.push(job());
    });
    await Promise.all(work);
    return row;
  }

  return { app, tasks, media, storage, demo, upload, submit, poll };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
