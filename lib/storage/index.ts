import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { LocalStorage } from "./local";
import { S3Storage } from "./s3";
import type { Storage } from "./types";

export type {
  ByteRange,
  DirectStorage,
  PresignedPut,
  Storage,
  StoredObject,
} from "./types";
export { isDirectStorage } from "./types";

let storage: Storage | undefined;

/** The app's one storage: the S3-compatible bucket when S3_BUCKET is set, else local disk. */
export function getStorage(): Storage {
  storage ??= createStorage();
  return storage;
}

function createStorage(): Storage {
  const settings = env();
  if (!settings.S3_BUCKET) return new LocalStorage(path.resolve(settings.DATA_DIR, "media"));
  const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = settings;
  return new S3Storage({
    bucket: settings.S3_BUCKET,
    region: settings.S3_REGION,
    endpoint: settings.S3_ENDPOINT,
    publicEndpoint: settings.S3_PUBLIC_ENDPOINT,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  });
}

/** For tests: forget the storage so the next call reads the settings again. */
export function resetStorageForTests(): void {
  storage = undefined;
}
