import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/user";

/**
 * Ownership with two members (and an admin) on a real embedded database: private uploads,
 * the team-shared inputs of existing tasks, and who may delete what. The gateway is a stub
 * that queues every create, so only our rules decide.
 */

const MEDIA = path.resolve(__dirname, "../../e2e/media");
const alice: CurrentUser = {
  id: "alice@team.test",
  email: "alice@team.test",
  name: "Alice",
  isAdmin: false,
};
const bob: CurrentUser = {
  id: "bob@team.test",
  email: "bob@team.test",
  name: "Bob",
  isAdmin: false,
};
const admin: CurrentUser = {
  id: "admin@team.test",
  email: "admin@team.test",
  name: null,
  isAdmin: true,
};

let tasksLib: typeof import("./index");
let mediaLib: typeof import("@/lib/media");
let storageLib: typeof import("@/lib/storage");
let server: Server;
let origin = "";
const creates: string[] = [];

beforeAll(async () => {
  process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-owners-"));
  process.env.DATABASE_URL = "";
  process.env.VIDEO_API_KEY = "";
  process.env.VIDEO_API_BASE_URL = "";
  await (await import("@/lib/db/client")).getDb();
  tasksLib = await import("./index");
  mediaLib = await import("@/lib/media");
  storageLib = await import("@/lib/storage");
  server = createServer((req, res) => {
    creates.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify({
        id: `video_${creates.length}`,
        status: "queued",
        progress: 0,
        created_at: Math.floor(Date.now() / 1000),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // This fake gateway is "the server's own address", where demo mode finds its gateway.
  process.env.PORT = new URL(origin).port;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function upload(owner: CurrentUser, file = "portrait.png") {
  return mediaLib.ingestUpload({
    kind: "first_frame",
    body: createReadStream(path.join(MEDIA, file)),
    declaredName: file,
    owner,
  });
}

function submit(user: CurrentUser, mediaId: string) {
  return tasksLib.submitTask(
    { media: [{ type: "first_frame", mediaId }], seconds: 5, size: "720P", prompt: user.id },
    user,
  );
}

async function keepFakeResult(taskId: string) {
  const storage = storageLib.getStorage();
  await storage.put(tasksLib.resultKeyFor(taskId), Readable.from([Buffer.from("mp4")]));
  await storage.put(`posters/${taskId}.jpg`, Readable.from([Buffer.from("jpg")]));
}

describe("media ownership", () => {
  it("records who uploaded a file", async () => {
    const row = await upload(alice);
    expect(row.ownerId).toBe("alice@team.test");
  });

  it("refuses another member's private upload exactly like an unknown id", async () => {
    const frame = await upload(alice);
    const before = creates.length;
    const foreign = await submit(bob, frame.id).catch((error: unknown) => error);
    const unknown = await submit(bob, "doesnotexist0000").catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(tasksLib.TaskError);
    expect(foreign).toMatchObject({ code: "media_not_found", field: "first_frame" });
    expect((foreign as Error).message).toBe((unknown as Error).message);
    expect(creates.length).toBe(before);
  });

  it("lets the owner use it, and then the team (a remix of a shared video)", async () => {
    const frame = await upload(alice);
    const made = await submit(alice, frame.id);
    expect(made).toMatchObject({
      ownerId: "alice@team.test",
      ownerName: "Alice",
      status: "queued",
    });
    const remix = await submit(bob, frame.id);
    expect(remix).toMatchObject({ ownerId: "bob@team.test", ownerName: "Bob", status: "queued" });
    expect(remix.id).not.toBe(made.id);
  });
});

describe("deleting a task", () => {
  it("refuses anyone but the maker or an admin, with a clear sentence, and keeps it", async () => {
    const task = await submit(alice, (await upload(alice)).id);
    const refused = await tasksLib.deleteTask(task.id, bob).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "forbidden" });
    expect((refused as Error).message).toMatch(/Only Alice, who made this video, or an admin/);
    expect(await tasksLib.getTaskRow(task.id)).toBeTruthy();
  });

  it("lets the maker delete it, with its kept video and poster", async () => {
    const task = await submit(alice, (await upload(alice)).id);
    await keepFakeResult(task.id);
    await tasksLib.deleteTask(task.id, alice);
    expect(await tasksLib.getTaskRow(task.id)).toBeUndefined();
    const storage = storageLib.getStorage();
    expect(await storage.stat(tasksLib.resultKeyFor(task.id))).toBeNull();
    expect(await storage.stat(`posters/${task.id}.jpg`)).toBeNull();
    await expect(tasksLib.deleteTask(task.id, alice)).rejects.toMatchObject({
      code: "task_not_found",
    });
  });

  it("lets an admin delete anyone's", async () => {
    const task = await submit(bob, (await upload(bob)).id);
    await tasksLib.deleteTask(task.id, admin);
    expect(await tasksLib.getTaskRow(task.id)).toBeUndefined();
  });

  it("says who made what: canDeleteTask and ownerLabel", () => {
    expect(tasksLib.canDeleteTask({ ownerId: "alice@team.test" }, alice)).toBe(true);
    expect(tasksLib.canDeleteTask({ ownerId: "alice@team.test" }, bob)).toBe(false);
    expect(tasksLib.canDeleteTask({ ownerId: "alice@team.test" }, admin)).toBe(true);
    expect(tasksLib.ownerLabel({ ownerId: "local", ownerName: null })).toBe("Local user");
    expect(tasksLib.ownerLabel({ ownerId: "x@team.test", ownerName: null })).toBe("x@team.test");
  });
});
