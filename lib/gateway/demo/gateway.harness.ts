import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createDemoGateway, type DemoGatewayDeps } from "./handler";
import { nodeListener } from "./node-handler";
import { memoryDemoStore } from "./store";

/**
 * For tests: the demo gateway on a real node:http server (as a bench or a second app reaches
 * it), with a fake clock and numbered ids, beside a media server that serves real files for
 * its media check. Calls go through `fetch`, so every answer crosses a socket.
 */

export const HARNESS_KEY = "demo-key";
const png = readFileSync(path.join(__dirname, "test-media/first-frame.png"));
const media = path.join(process.cwd(), "e2e/media");

const files: Record<string, { type: string; bytes: Buffer }> = {
  "/frame.png": { type: "image/png", bytes: png },
  "/fake.png": { type: "image/png", bytes: Buffer.from("this is not an image at all, just text") },
  "/voice.wav": { type: "audio/wav", bytes: readFileSync(path.join(media, "voice.wav")) },
  "/clip.mp4": { type: "video/mp4", bytes: readFileSync(path.join(media, "clip.mp4")) },
};

const servers = new Set<http.Server>();

async function listen(server: http.Server): Promise<string> {
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let mediaServerUrl = "";

/** A server for the media URLs (`${mediaUrl}/frame.png`, …); 404 for anything else. */
export async function startMediaServer(): Promise<string> {
  mediaServerUrl = await listen(
    http.createServer((req, res) => {
      const file = files[req.url ?? ""];
      if (!file) {
        res.writeHead(404);
        return res.end("missing");
      }
      res.writeHead(200, { "Content-Type": file.type });
      res.end(file.bytes);
    }),
  );
  return mediaServerUrl;
}

export async function closeHarnessServers(): Promise<void> {
  await Promise.all(
    [...servers].map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
  servers.clear();
  mediaServerUrl = "";
}

/**
 * How the harness's gateways download media: quickly, and only from this harness's media
 * server. `allow` is the demo's list of trusted media origins (media-policy.ts on main: the
 * app trusts only its own signed links; without `allow` nothing is downloaded).
 */
export function mediaOptions(mediaUrl: string) {
  return { timeoutMs: 2000, allow: (url: URL) => url.origin === mediaUrl };
}

export type HarnessOptions = Partial<Omit<DemoGatewayDeps, "store" | "apiKey" | "now" | "newId">>;

/** A gateway with its own clock (starting 2026-03-01 12:00 UTC), stages of 1 s by default. */
export async function startGateway(options: HarnessOptions = {}) {
  if (!mediaServerUrl) throw new Error("startMediaServer() first: the gateway downloads from it");
  let clock = Date.parse("2026-03-01T12:00:00Z");
  let ids = 0;
  const store = memoryDemoStore();
  const gateway = createDemoGateway({
    store,
    apiKey: HARNESS_KEY,
    stepMs: 1000,
    now: () => new Date(clock),
    newId: () => `task_${++ids}`,
    media: mediaOptions(mediaServerUrl),
    ...options,
  });
  const root = `${await listen(http.createServer(nodeListener(gateway)))}/api/demo-gateway`;
  const call = (
    method: string,
    pathname: string,
    init: { body?: unknown; headers?: Record<string, string>; key?: string | null } = {},
  ) => {
    const key = init.key === undefined ? HARNESS_KEY : init.key;
    return fetch(`${root}${pathname}`, {
      method,
      headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...init.headers },
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === "string"
            ? init.body
            : JSON.stringify(init.body),
    });
  };
  return {
    root,
    call,
    /** Its tasks as it stored them: `request` is what it read from the create body. */
    store,
    create: (body: unknown) => call("POST", "/v1/videos", { body }),
    read: async (id = "task_1") => (await call("GET", `/v1/videos/${id}`)).json(),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}
