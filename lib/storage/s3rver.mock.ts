/** Tests only: a real S3-compatible server (s3rver) in this process, on a free port. */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { S3StorageOptions } from "./s3";

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships CommonJS without types.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

/** Any origin may PUT/GET with any header, as a bucket set up for browser uploads. */
export const OPEN_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`;

export interface RunningS3rver {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps objects on disk. */
  dir: string;
  /** Options for an S3Storage on this server (s3rver's built-in key pair). */
  options: S3StorageOptions;
  close(): Promise<void>;
}

export async function startS3rver(bucket = "wan-test"): Promise<RunningS3rver> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wan-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [OPEN_CORS] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    options: {
      bucket,
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
