// An S3-compatible bucket for the `s3` Playwright project (see playwright.config.ts): s3rver
// on a fixed port, objects under a fresh folder, one bucket whose CORS rules let the app's
// origin PUT (direct uploads) and GET (presigned media and videos), like a real bucket set up
// for browser uploads. Usage: node e2e/s3rver.mjs <port> <bucket> <dir> <allowed origin>
import { rmSync } from "node:fs";
import path from "node:path";
import S3rver from "s3rver";

const [port = "3222", bucket = "wan-e2e", dir = ".data-e2e-s3rver", origin = "*"] =
  process.argv.slice(2);
const directory = path.resolve(dir);
rmSync(directory, { recursive: true, force: true });

const cors = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

const server = new S3rver({
  address: "127.0.0.1",
  port: Number(port),
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [cors] }],
});
await server.run();
console.log(`s3rver ready on http://127.0.0.1:${port}, bucket ${bucket}, in ${directory}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close().finally(() => process.exit(0));
  });
}
