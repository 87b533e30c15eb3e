// Runs every bench/*.bench.mjs in turn (alphabetically), each in its own Node process.
// Benches print their figures and PASS/MISS lines; a MISS does not fail the run, a bench that
// crashes does. Most benches need the production build: run `npm run build` first. The page
// bench (page.bench.mjs) builds itself, so run it under the e2e lock:
// `flock /tmp/wan-e2e.lock npm run bench -- page`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((name) => name.endsWith(".bench.mjs"))
  // Matched on the bench's own name (`js` would match every `.mjs` file otherwise).
  .filter(
    (name) =>
      only.length === 0 || only.some((word) => name.replace(/\.bench\.mjs$/, "").includes(word)),
  )
  .sort();

if (benches.length === 0) {
  console.log("no bench/*.bench.mjs files matched");
  process.exit(0);
}

const failed = [];
for (const name of benches) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(dir, name)], { stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(name);
  console.log(`=== ${name}: ${result.status === 0 ? "done" : "FAILED"} in ${seconds} s`);
}
if (failed.length > 0) {
  console.log(`\nbenches that failed to run: ${failed.join(", ")}`);
  process.exit(1);
}
