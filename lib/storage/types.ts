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

/** A presigned upload: the browser PUTs the file's bytes to `url` with exactly `headers`. */
export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
  /** Unix milliseconds after which the URL no longer starts an upload. */
  expiresAt: number;
}

export interface PresignPutOptions {
  /** Signed into the URL: storage refuses a body of any other length. */
  contentLength: number;
  contentType: string;
  expiresIn: number;
}

export interface PresignGetOptions {
  /** Seconds; drivers cap it at what they can sign (S3 SigV4: 7 days). */
  expiresIn: number;
  /** Overrides the stored Content-Type / Content-Disposition in the answer. */
  contentType?: string;
  contentDisposition?: string;
}

/**
 * Storage that browsers and the gateway can reach directly (S3 and compatibles): uploads go
 * straight to it through presigned PUTs, and media/results are handed out as presigned GETs,
 * so no file body passes through a serverless function.
 */
export interface DirectStorage extends Storage {
  readonly direct: true;
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut>;
  presignGet(key: string, options: PresignGetOptions): Promise<string>;
  /** Server-side copy, replacing the stored type (the sniffed one) on the way. */
  copy(fromKey: string, toKey: string, options: { contentType: string }): Promise<void>;
}

export function isDirectStorage(storage: Storage): storage is DirectStorage {
  return (storage as Partial<DirectStorage>).direct === true;
}
