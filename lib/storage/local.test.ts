import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { filesUnder } from "@/lib/media/test-media.mock";
import { InvalidStorageKeyError, LocalStorage } from "./local";
import type { StoredObject } from "./types";

async function text(object: StoredObject | null): Promise<string> {
  if (!object) throw new Error("missing object");
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("LocalStorage", () => {
  let root: string;
  let storage: LocalStorage;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "wan-storage-"));
    storage = new LocalStorage(root);
  });

  it("puts a node stream and reads it back whole", async () => {
    const { size } = await storage.put("media/a", Readable.from([Buffer.from("hello "), "world"]));
    expect(size).toBe(11);
    const object = await storage.get("media/a");
    expect(object?.size).toBe(11);
    expect(object?.range).toBeUndefined();
    expect(await text(object)).toBe("hello world");
    expect(filesUnder(root)).toEqual([path.join("media", "a")]);
  });

  it("puts a web ReadableStream", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("web "));
        controller.enqueue(new TextEncoder().encode("bytes"));
        controller.close();
      },
    });
    expect(await storage.put("results/t1.mp4", body)).toEqual({ size: 9 });
    expect(await text(await storage.get("results/t1.mp4"))).toBe("web bytes");
  });

  it("reads inclusive byte ranges and clamps the end", async () => {
    await storage.put("k", Readable.from([Buffer.from("0123456789")]));
    const middle = await storage.get("k", { start: 2, end: 5 });
    expect(middle?.range).toEqual({ start: 2, end: 5 });
    expect(middle?.size).toBe(10);
    expect(await text(middle)).toBe("2345");
    expect(await text(await storage.get("k", { start: 7 }))).toBe("789");
    const clamped = await storage.get("k", { start: 8, end: 100 });
    expect(clamped?.range).toEqual({ start: 8, end: 9 });
    expect(await text(clamped)).toBe("89");
    await expect(storage.get("k", { start: 10 })).rejects.toThrow(RangeError);
  });

  it("stats and deletes; a missing object is null, deleting it twice is fine", async () => {
    await storage.put("media/x", Readable.from([Buffer.alloc(1234)]));
    expect(await storage.stat("media/x")).toEqual({ size: 1234 });
    await storage.delete("media/x");
    await storage.delete("media/x");
    expect(await storage.stat("media/x")).toBeNull();
    expect(await storage.get("media/x")).toBeNull();
    expect(await storage.get("nothing/here")).toBeNull();
    expect(await storage.stat("media")).toBeNull();
  });

  it("overwrites whole: a second put replaces the object", async () => {
    await storage.put("k", Readable.from([Buffer.from("first version")]));
    await storage.put("k", Readable.from([Buffer.from("second")]));
    expect(await text(await storage.get("k"))).toBe("second");
  });

  it("leaves nothing (no object, no temp file) when the stream fails midway", async () => {
    await storage.put("media/keep", Readable.from([Buffer.from("old")]));
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(100_000, 1);
        yield Buffer.alloc(100_000, 2);
        throw new Error("connection reset");
      })(),
    );
    await expect(storage.put("media/broken", failing)).rejects.toThrow("connection reset");
    expect(await storage.stat("media/broken")).toBeNull();
    expect(filesUnder(root)).toEqual([path.join("media", "keep")]);

    // Replacing an existing object: a failed put keeps the old bytes intact.
    const failingAgain = Readable.from(
      (async function* () {
        yield Buffer.from("new partial");
        throw new Error("gone");
      })(),
    );
    await expect(storage.put("media/keep", failingAgain)).rejects.toThrow("gone");
    expect(await text(await storage.get("media/keep"))).toBe("old");
    expect(filesUnder(root)).toEqual([path.join("media", "keep")]);
  });

  it("leaves no temp file when the stream fails before its first byte (an empty upload)", async () => {
    // The write stream used to open its file in the background: a body failing at once
    // rejected the put before the file existed, and the temp file appeared after cleanup.
    for (let round = 0; round < 50; round++) {
      const failing = Readable.from(
        // biome-ignore lint/correctness/useYield: fails before yielding, on purpose
        (async function* () {
          throw new Error("This file is empty");
        })(),
      );
      await expect(storage.put(`media/empty-${round}`, failing)).rejects.toThrow("empty");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(filesUnder(root)).toEqual([]);
  });

  it("refuses keys that could leave the root or hide among temp files", async () => {
    for (const key of [
      "../escape",
      "media/../../escape",
      "/etc/passwd",
      "media//x",
      "",
      ".hidden",
      "media/.x.tmp",
      "a\\b",
      "media/x/",
      "%2e%2e/x",
    ]) {
      await expect(storage.put(key, Readable.from([Buffer.from("x")])), key).rejects.toThrow(
        InvalidStorageKeyError,
      );
      await expect(storage.get(key), key).rejects.toThrow(InvalidStorageKeyError);
      await expect(storage.delete(key), key).rejects.toThrow(InvalidStorageKeyError);
    }
    expect(existsSync(path.join(root, "..", "escape"))).toBe(false);
    expect(filesUnder(root)).toEqual([]);
  });

  it("takes keys made from base64url task ids, which may start with _ or -", async () => {
    // Regression: one task in 32 has an id like "_2Pr7eDd081F"; its result must be kept.
    for (const key of ["results/_2Pr7eDd081F.mp4", "posters/-x9.jpg"]) {
      await storage.put(key, Readable.from([Buffer.from("ok")]));
      expect((await storage.stat(key))?.size).toBe(2);
      await storage.delete(key);
    }
  });
});
