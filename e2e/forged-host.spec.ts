import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { serverActionId } from "./actions";
import { fixturePath } from "./pages/studio";

// Nothing a request says about where we live may choose a server we call. Every path that
// talks to the gateway (submit action, status route, video route, cron sweep) and the studio
// page is sent a forged Host, X-Forwarded-Host, X-Forwarded-Proto and Forwarded naming a
// listener on another loopback port: that listener must never hear from the app.

let trap: Server;
let trapped: string[] = [];
let trapHost = "";

test.beforeAll(async () => {
  trap = createServer((req, res) => {
    trapped.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  trapHost = `127.0.0.1:${(trap.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  trap.closeAllConnections();
  await new Promise((resolve) => trap.close(resolve));
});

test.beforeEach(() => {
  trapped = [];
});

/** Every header that could name "our" address, all naming the trap. */
function forged(): Record<string, string> {
  return {
    Host: trapHost,
    "X-Forwarded-Host": trapHost,
    "X-Forwarded-Proto": "http",
    Forwarded: `for=203.0.113.7;host=${trapHost};proto=http`,
  };
}

async function uploadFrame(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/uploads?kind=first_frame", {
    headers: { "Content-Type": "image/png", "X-File-Name": "portrait.png", ...forged() },
    data: readFileSync(fixturePath("portrait.png")),
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { media: { id: string } }).media.id;
}

/** Calls submitVideo as a hand-made request would, Origin forged to match the forged host. */
async function submit(request: APIRequestContext, prompt: string): Promise<string> {
  const mediaId = await uploadFrame(request);
  const response = await request.post("/", {
    headers: {
      ...forged(),
      Origin: `http://${trapHost}`,
      "Next-Action": serverActionId("submitVideo"),
      Accept: "text/x-component",
      "Content-Type": "text/plain;charset=UTF-8",
    },
    data: JSON.stringify([
      { media: [{ type: "first_frame", mediaId }], seconds: 2, size: "720P", prompt },
      crypto.randomUUID(),
    ]),
  });
  const text = await response.text();
  const taskId = /"taskId":"([A-Za-z0-9_-]+)"/.exec(text)?.[1];
  expect(taskId, `submitVideo answered ${response.status()}: ${text.slice(0, 300)}`).toBeTruthy();
  return taskId as string;
}

/** Polls the status route (with forged headers) until the task settles. */
async function pollUntilSettled(request: APIRequestContext, taskId: string) {
  let status = "";
  await expect
    .poll(
      async () => {
        const response = await request.get(`/api/tasks/${taskId}`, { headers: forged() });
        expect(response.status()).toBe(200);
        status = ((await response.json()) as { status: string }).status;
        return status;
      },
      { timeout: 30_000, intervals: [300] },
    )
    .toMatch(/completed|failed/);
  return status;
}

test("submit and status route: the task runs on the configured gateway, none of it reaches the forged host", async ({
  request,
}) => {
  const taskId = await submit(request, "A lighthouse at dusk, forged headers");
  expect(await pollUntilSettled(request, taskId)).toBe("completed");
  const video = await request.get(`/api/tasks/${taskId}/video`, {
    headers: { ...forged(), Range: "bytes=0-7" },
  });
  // 206 from our kept copy; a full 200 while it still streams from a gateway that ignores
  // Range (mainline new-api's /content does).
  expect([200, 206]).toContain(video.status());
  expect((await video.body()).subarray(4, 8).toString("latin1")).toBe("ftyp");
  expect(trapped).toEqual([]);
});

test("video route streaming from the gateway (result never kept) and the cron sweep ignore forged hosts", async ({
  request,
}) => {
  // Completes, but its content always answers 502: never kept, so the video route and every
  // sweep go back to the gateway for it.
  const taskId = await submit(request, "A harbour at night [demo-fail:content]");
  expect(await pollUntilSettled(request, taskId)).toBe("completed");

  const video = await request.get(`/api/tasks/${taskId}/video`, { headers: forged() });
  expect(video.status()).toBe(502);
  expect(await video.json()).toMatchObject({ code: "video_not_found" });

  // The server is bound to 127.0.0.1, so a caller that came through no proxy is on this
  // machine and may sweep: its forged Host changes nothing about where the sweep connects.
  const swept = await request.get("/api/cron/sweep", { headers: { Host: trapHost } });
  expect(swept.status()).toBe(200);
  expect((await swept.json()) as { checked: number }).toMatchObject({
    checked: expect.any(Number),
  });
  expect(trapped).toEqual([]);
});

test("cron without CRON_SECRET: a request that came through a proxy is refused, whatever its Host", async ({
  request,
}) => {
  for (const headers of [
    { Host: "evil.example", "X-Forwarded-For": "203.0.113.7" },
    { Host: "127.0.0.1", Forwarded: "for=203.0.113.7" },
    // A proxy appends the address it saw to whatever the client claimed.
    { "X-Forwarded-For": "127.0.0.1, 203.0.113.7" },
    forged(),
  ]) {
    const response = await request.get("/api/cron/sweep", { headers });
    expect(response.status(), JSON.stringify(headers)).toBe(403);
    expect(await response.json()).toEqual({ code: "forbidden", message: "Not allowed." });
  }
  expect(trapped).toEqual([]);
});

test("the studio page renders the same with forged headers and names no forged host", async ({
  request,
}) => {
  const response = await request.get("/", { headers: forged() });
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain("New video");
  expect(html).not.toContain(trapHost);
  expect(trapped).toEqual([]);
});
