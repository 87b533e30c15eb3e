import type { Readable } from "node:stream";

export interface StoredObject {
  /** Total size of the object in bytes. */
  size: number;
  /** The bytes asked for: the whole object, or `range` when one was given. */
  body: Readable;
  /** Inclusive byte range actually returned, when a range was asked for. */
  range?: { start: number; end: number };
}

export interface ByteRange {
  start: number;
  /** Inclusive; omitted means "to the end". */
  end?: number;
}

/**
 * Where uploaded media and kept results live. Keys are opaque, slash-separated and chosen by
 * the app (never by a user), e.g. `media/<id>` or `results/<taskId>.mp4`.
 */
export interface Storage {
  /** Streams `body` into `key`; the object appears whole or not at all. Returns bytes written. */
  put(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<{ size: number }>;
  /** Reads `key`, or the inclusive `range` of it; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  /** Size of `key`, or null when missing. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
}
