/**
 * The `s3` Playwright project: the same build started a second time with S3 storage, against
 * s3rver (an S3-compatible server in Node, e2e/s3rver.mjs) on a fixed port.
 */
export const S3_E2E = {
  port: 3220,
  baseURL: "http://127.0.0.1:3220",
  s3Port: 3222,
  endpoint: "http://127.0.0.1:3222",
  bucket: "wan-e2e",
  dataDir: ".data-e2e-s3",
  s3Dir: ".data-e2e-s3rver",
  /** s3rver's built-in key pair (it checks the key id, not V4 signatures). */
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
} as const;
