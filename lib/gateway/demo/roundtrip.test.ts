import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";
import {
  buildCreateBody,
  createGatewayClient,
  type GatewayClient,
  type GatewayError,
} from "@/lib/gateway";
import { createDemoGateway } from "./handler";
import { nodeListener } from "./node-handler";
import { dbDemoStore } from "./store";

// The real client, unchanged, against the demo gateway over HTTP, with the demo's state in a
// real (embedded) Postgres on disk that is closed and reopened halfway: a restart loses nothing.

const KEY = "wan-studio-demo";
const STEP_MS = 100;

let dataDir = "";
let pg: PGlite | undefined;
const servers: http.Server[] = [];

async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function openDb(): Promise<Db> {
  pg = await PGlite.create(path.join(dataDir, "db"));
  const db = drizzle(pg, { schema });
  await migrate(db, { migrationsFolder: path.join(process.cwd(), "lib/db/migrations") });
  return db as unknown as Db;
}

/** A demo gateway process: its own HTTP server over the database in `dataDir`. */
async function startGateway(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const db = await openDb();
  const gateway = createDemoGateway({
    store: dbDemoStore(async () => db),
    apiKey: KEY,
    stepMs: STEP_MS,
    media: { allow: (url) => url.origin === mediaOrigin },
  });
  const server = http.createServer(nodeListener(gateway));
  const origin = await listen(server);
  return {
    baseUrl: `${origin}/api/demo-gateway`,
    stop: async () => {
      servers.splice(servers.indexOf(server), 1);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pg && !pg.closed) await pg.close();
    },
  };
}

let mediaOrigin = "";
let gateway: { baseUrl: string; stop: () => Promise<void> };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "wan-demo-"));
  const png = await readFile(path.join(__dirname, "test-media/first-frame.png"));
  mediaOrigin = await listen(
    http.createServer((req, res) => {
      if (req.url !== "/media/first-frame.png?sig=ok") {
        res.writeHead(403, { "Content-Type": "text/plain" });
        return res.end("bad signature");
      }
      res.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length });
      res.end(png);
    }),
  );
  // The first open of an empty data folder runs initdb: seconds on a busy machine.
  gateway = await startGateway();
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pollUntilDone(client: GatewayClient, id: string) {
  const seen: string[] = [];
  let video = await client.getVideo(id);
  for (let i = 0; video.status !== "completed" && video.status !== "failed" && i < 200; i++) {
    seen.push(`${video.status}:${video.progress}`);
    await sleep(STEP_MS / 4);
    video = await client.getVideo(id);
  }
  return { video, seen };
}

describe("the real client against the demo gateway", () => {
  it("creates, polls to completed across a restart, and downloads a real MP4", async () => {
    let client = createGatewayClient({ baseUrl: gateway.baseUrl, apiKey: KEY, retryBaseMs: 5 });
    const body = buildCreateBody({ seconds: 4, size: "720P", prompt: "a slow pan" }, [
      { type: "first_frame", url: `${mediaOrigin}/media/first-frame.png?sig=ok` },
    ]);
    const created = await client.createVideo(body);
    expect(created.status).toBe("queued");
    expect(created.id).toMatch(/^task_[0-9a-f]{24}$/);

    // Restart the gateway: same data folder, new process state.
    await gateway.stop();
    gateway = await startGateway();
    client = createGatewayClient({ baseUrl: gateway.baseUrl, apiKey: KEY, retryBaseMs: 5 });

    // The task made before the restart is still there and finishes.
    const survivor = await pollUntilDone(client, created.id);
    expect(survivor.video.status).toBe("completed");

    // A task made now is watched through its stages.
    const second = await client.createVideo(body);
    const { video, seen } = await pollUntilDone(client, second.id);
    expect(video.status).toBe("completed");
    expect(video.progress).toBe(100);
    expect(video.completedAt?.getTime()).toBeGreaterThanOrEqual(second.createdAt.getTime());
    expect(seen.some((s) => s.startsWith("in_progress:"))).toBe(true);

    const response = await client.downloadVideoContent(created.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe("ftyp");

    const part = await client.downloadVideoContent(created.id, { range: "bytes=0-15" });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 16));
  }, 60_000);

  it("turns the demo's refusals into GatewayErrors the app understands", async () => {
    const client = createGatewayClient({ baseUrl: gateway.baseUrl, apiKey: KEY, retryBaseMs: 5 });
    const frame = {
      type: "first_frame" as const,
      url: `${mediaOrigin}/media/first-frame.png?sig=ok`,
    };
    const attempt = async (prompt: string, media = [frame]) => {
      try {
        await client.createVideo(buildCreateBody({ seconds: 5, size: "720P", prompt }, media));
      } catch (error) {
        return error as GatewayError;
      }
      throw new Error("expected a refusal");
    };

    const badUrl = await attempt("x", [
      { ...frame, url: `${mediaOrigin}/media/first-frame.png?sig=bad` },
    ]);
    expect(badUrl.code).toBe("rejected:gateway");
    expect(badUrl.userMessage).toMatch(
      /first frame could not be downloaded from its URL \(HTTP 403\)/,
    );
    expect((await attempt("[demo-fail:quota]")).code).toBe("quota:gateway");
    const limited = await attempt("[demo-fail:rate-limit]");
    expect(limited.code).toBe("rate_limited:gateway");
    expect(limited.retryAfterMs).toBe(2000);
    const down = await attempt("[demo-fail:unavailable]");
    expect(down.code).toBe("unavailable:gateway");
    expect(down.outcomeUnknown).toBe(true);

    const wrongKey = createGatewayClient({ baseUrl: gateway.baseUrl, apiKey: "not-the-key" });
    await expect(wrongKey.getVideo("x")).rejects.toMatchObject({ code: "unauthorized:gateway" });
    await expect(client.getVideo("task_missing")).rejects.toMatchObject({
      code: "not_found:gateway",
    });

    const moderated = await client.createVideo(
      buildCreateBody({ seconds: 5, size: "720P", prompt: "[demo-fail:moderation]" }, [frame]),
    );
    await sleep(STEP_MS * 5);
    const failed = await client.getVideo(moderated.id);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/^DataInspectionFailed/);

    const expired = await client.createVideo(
      buildCreateBody({ seconds: 5, size: "1080P", prompt: "[demo-fail:content]" }, [frame]),
    );
    await sleep(STEP_MS * 5);
    expect((await client.getVideo(expired.id)).status).toBe("completed");
    await expect(
      createGatewayClient({
        baseUrl: gateway.baseUrl,
        apiKey: KEY,
        retries: 0,
      }).downloadVideoContent(expired.id),
    ).rejects.toMatchObject({ code: "unavailable:gateway", status: 502 });
  }, 60_000);
});
