import "server-only";
import { randomBytes } from "node:crypto";
import type { WriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { checkStorageKey, InvalidStorageKeyError } from "./keys";
import type { ByteRange, Storage, StoredObject } from "./types";

export { InvalidStorageKeyError };

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export function toNodeReadable(body: Readable | ReadableStream<Uint8Array>): Readable {
  if (body instanceof Readable) return body;
  // The DOM and node:stream/web declare the same class differently.
  return Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>);
}

/**
 * Files on local disk under `root`. Keys are chosen by the app, but are still checked so a
 * bad one can never reach outside `root`. Writes go to a hidden temp file in the same folder,
 * then a rename: readers see the whole object or none of it.
 */
export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute path of `key`; throws on `..`, absolute paths, empty or odd segments. */
  pathOf(key: string): string {
    const segments = checkStorageKey(key).split("/");
    const full = path.resolve(this.root, ...segments);
    if (!full.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError(key);
    return full;
  }

  async put(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
    const source = toNodeReadable(body);
    // Open before piping: a write stream opens its file in the background, so a body that
    // fails at once (an empty upload) could reject the pipeline before the file exists, and
    // the temp file would appear after the cleanup below had run.
    let sink: WriteStream | undefined;
    try {
      const handle = await open(temp, "wx", 0o600);
      sink = handle.createWriteStream();
      await pipeline(source, sink);
      const { size } = await stat(temp);
      await rename(temp, target);
      return { size };
    } catch (error) {
      source.destroy();
      sink?.destroy();
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const file = this.pathOf(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      const size = info.size;
      if (!range) {
        return { size, body: handle.createReadStream({ autoClose: true }) };
      }
      const start = range.start;
      const end = Math.min(range.end ?? size - 1, size - 1);
      if (!Number.isInteger(start) || start < 0 || start >= size || end < start) {
        throw new RangeError(`Range ${start}-${range.end ?? ""} is outside 0-${size - 1}.`);
      }
      return {
        size,
        body: handle.createReadStream({ start, end, autoClose: true }),
        range: { start, end },
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
