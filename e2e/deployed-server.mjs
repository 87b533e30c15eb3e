// Starts the production build in its deployed shape for the `deployed` Playwright project:
// first a fresh Postgres database (dropped and created on TEST_DATABASE_URL's server), then
// `next start` with the environment Playwright passed in, DATABASE_URL pointing at it.
// Usage: node e2e/deployed-server.mjs <port> <database name>
import { spawn } from "node:child_process";
import postgres from "postgres";

const [port, database] = process.argv.slice(2);
if (!port || !/^[a-z_][a-z0-9_]*$/.test(database ?? "")) {
  console.error("usage: node e2e/deployed-server.mjs <port> <database name>");
  process.exit(2);
}
const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const admin = postgres(server, { max: 1, onnotice: () => {} });
try {
  await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${database}`);
} catch (error) {
  console.error(
    `Postgres at ${new URL(server).host} is needed (.ci/run starts one): ${error.message}`,
  );
  process.exit(1);
} finally {
  await admin.end();
}
const url = new URL(server);
url.pathname = `/${database}`;

const child = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", port], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: url.toString() },
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
