import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { LocalStorage } from "./local";
import type { Storage } from "./types";

export type { ByteRange, Storage, StoredObject } from "./types";

let storage: Storage | undefined;

/**
 * The app's one storage. Local disk under DATA_DIR/media for now; when the S3 driver lands,
 * choose it here from the settings (e.g. `env().S3_BUCKET ? new S3Storage(…) : new LocalStorage(…)`).
 */
export function getStorage(): Storage {
  storage ??= new LocalStorage(path.resolve(env().DATA_DIR, "media"));
  return storage;
}
