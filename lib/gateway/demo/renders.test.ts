import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoGateway, routeDemoRequest } from "./handler";
import { probe } from "./render.test-helpers";
import { createDemoRenderer, type DemoRenderer } from "./renders";
import { type DemoStore, memoryDemoStore } from "./store";

// The demo gateway with its renderer: a task completes only when its render is done, the
// render runs in the background (never inside the create or a read), its result is what
// /content serves, a render that fails fails the task, and a render lost with a restart is
// made again.

const KEY = "demo-key";
const ROOT = "http://app.test/api/demo-gateway";
const media = (name: string) => readFileSync(path.join(process.cwd(), "e2e/media", name));
const fontFile = path.join(process.cwd(), "lib/gateway/demo/assets/demo-caption-font.ttf");
const work = mkdtempSync(path.join(tmpdir(), "wan-renders-test-"));

// A PNG by its signature (the create's sniffing passes it) that no decoder can read.
const brokenPng = Buffer.concat([media("portrait.png").subarray(0, 64), Buffer.alloc(4000, 7)]);
const files: Record<string, { type: string; bytes: Buffer }> = {
  "/landscape.jpg": { type: "image/jpeg", bytes: media("landscape.jpg") },
  "/broken.png": { type: "image/png", bytes: brokenPng },
  "/clip.mp4": { type: "video/mp4", bytes: media("clip.mp4") },
};
let server: http.Server;
let origin = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": file.type }).end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

function setup(dir: string, store: DemoStore = memoryDemoStore()) {
  let ids = 0;
  const allow = (url: URL) => url.origin === origin;
  const renderer: DemoRenderer = createDemoRenderer({ dir, fontFile, media: { allow } });
  const gateway = createDemoGateway({
    store,
    apiKey: KEY,
    stepMs: 0,
    media: { allow },
    newId: () => `task_${dir.length}_${++ids}`,
    renderer,
  });
  const call = (method: string, pathname: string, body?: unknown) =>
    routeDemoRequest(
      gateway,
      new Request(`${ROOT}${pathname}`, {
        method,
        headers: { Authorization: `Bearer ${KEY}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const read = async (id: string) => (await call("GET", `/v1/videos/${id}`)).json();
  return { call, read, renderer, store };
}

const request = (mediaItems: { type: string; url: string }[], extra = {}) => ({
  model: "wan2.7-i2v",
  media: mediaItems,
  seconds: "3",
  size: "720P",
  prompt: "a test render",
  ...extra,
});

describe("demo gateway with renders", () => {
  it("holds the task in progress while it renders, then serves the render", async () => {
    const dir = path.join(work, "a");
    const { call, read, renderer } = setup(dir);
    const started = Date.now();
    const created = await call(
      "POST",
      "/v1/videos",
      request([{ type: "first_frame", url: `${origin}/landscape.jpg` }]),
    );
    // The create answers at once: the render is not inside it.
    expect(Date.now() - started).toBeLessThan(1000);
    const { id } = await created.json();
    // Its stages are over (stepMs 0), its render is not: the last stage holds.
    expect(await read(id)).toMatchObject({ status: "in_progress", progress: 30 });
    await renderer.idle();
    expect(await read(id)).toMatchObject({ status: "completed", progress: 100 });

    const content = await call("GET", `/v1/videos/${id}/content`);
    expect(content.status).toBe(200);
    const file = path.join(work, "a-result.mp4");
    writeFileSync(file, Buffer.from(await content.arrayBuffer()));
    const probed = probe(file);
    expect(probed.video).toMatchObject({ codec: "h264", width: 1280, height: 720, frames: 72 });
    expect(probed.audio?.codec).toBe("aac");
    // Nothing but the result is left in its folder.
    expect(readdirSync(dir)).toEqual([`${id}.mp4`]);
  });

  it("fails the task when its inputs cannot be rendered, and cleans up", async () => {
    const dir = path.join(work, "b");
    const { call, read, renderer } = setup(dir);
    const created = await call(
      "POST",
      "/v1/videos",
      request([{ type: "first_frame", url: `${origin}/broken.png` }]),
    );
    const { id } = await created.json();
    await renderer.idle();
    const failed = await read(id);
    expect(failed).toMatchObject({ status: "failed" });
    expect(JSON.stringify(failed)).toContain("InternalError: The video could not be made");
    // No path or ffmpeg output reaches the caller.
    expect(JSON.stringify(failed)).not.toMatch(/\/tmp|ffmpeg version|Invalid data/);
    expect(readdirSync(dir)).toEqual([`${id}.failed`]);
  });

  it("renders nothing for a task that fails by a demo fault", async () => {
    const dir = path.join(work, "c");
    const { call, read, renderer } = setup(dir);
    const created = await call(
      "POST",
      "/v1/videos",
      request([{ type: "first_frame", url: `${origin}/landscape.jpg` }], {
        prompt: "[demo-fail:moderation] nope",
      }),
    );
    const { id } = await created.json();
    await renderer.idle();
    expect(await read(id)).toMatchObject({ status: "failed" });
    // No render was ever started: its folder was not even made.
    expect(existsSync(dir)).toBe(false);
  });

  it("keeps renders across a restart, and makes a lost one again", async () => {
    const dir = path.join(work, "d");
    const store = memoryDemoStore();
    const first = setup(dir, store);
    const created = await first.call(
      "POST",
      "/v1/videos",
      request([{ type: "first_clip", url: `${origin}/clip.mp4` }], { seconds: "5" }),
    );
    const { id } = await created.json();
    await first.renderer.idle();
    expect(await first.read(id)).toMatchObject({ status: "completed" });

    // A new process over the same data folder: the render is on disk.
    const second = setup(dir, store);
    expect(await second.read(id)).toMatchObject({ status: "completed" });
    expect((await second.call("GET", `/v1/videos/${id}/content`)).status).toBe(200);

    // Lost (the process died mid-render, leaving its work folder): made again on the next read.
    unlinkSync(path.join(dir, `${id}.mp4`));
    mkdtempSync(path.join(dir, `.job-${id}-`));
    const third = setup(dir, store);
    expect(await third.read(id)).toMatchObject({ status: "in_progress", progress: 30 });
    await third.renderer.idle();
    expect(await third.read(id)).toMatchObject({ status: "completed" });
    const file = path.join(work, "d-result.mp4");
    writeFileSync(
      file,
      Buffer.from(await (await third.call("GET", `/v1/videos/${id}/content`)).arrayBuffer()),
    );
    expect(probe(file).video).toMatchObject({ width: 720, height: 720, frames: 120 });
    expect(readdirSync(dir)).toEqual([`${id}.mp4`]);
  });
});
