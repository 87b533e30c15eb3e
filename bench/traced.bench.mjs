// Traced-files bench: how many bytes each route of the production build drags into its
// serverless function. Next writes, next to every compiled route under .next/server/app, a
// `<route>.nft.json` listing the files that route needs at run time (paths relative to the
// .nft.json itself); a Vercel deployment copies exactly those into the route's function, plus
// the files of `.next/server/instrumentation.js.nft.json` into EVERY function (@vercel/next
// adds the instrumentation hook's trace to each one). This bench sums, per route, the sizes
// of the union of both lists (each file once), with the share that is ffmpeg
// (@ffmpeg-installer) and the share that is PGlite (@electric-sql/pglite), and prints
// PASS/MISS against issue 12's targets:
// - a route that runs ffmpeg (FFMPEG_ROUTES) traces the binary, or its posters would fail;
// - every other route traces no ffmpeg at all and at most 30 MB;
// - no route traces the project's own pages (app/, components/): that is the sign of a file
//   access Turbopack could not scope ("Dynamic filesystem access causes tracing of the whole
//   project"), which copies every source file and public/ into the function.
//
// Needs the production build (`npm run build`). Run with `npm run bench traced` or
// `node bench/traced.bench.mjs`. Never fails on a MISS.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { root } from "./shared.mjs";

const MiB = 1024 * 1024;
const TARGET_MIB = 30;
/**
 * The routes whose code runs ffmpeg (lib/media/ffmpeg.ts): posters (lib/tasks/poster.ts,
 * through keepResult) in the status route's after() and the cron sweep; frames and cuts in the
 * task page's actions; the demo gateway's renders; background jobs (lib/jobs: a Continue's
 * cut, a sequence's export and re-rolls) started by the jobs route, the export route and the
 * sequence page's actions. next.config.mjs traces the binary into exactly these; the sweeper
 * under `next start` needs no trace.
 */
const FFMPEG_ROUTES = [
  "/api/tasks/[id]/route.js",
  "/api/cron/sweep/route.js",
  "/videos/[id]/page.js",
  "/api/jobs/[id]/route.js",
  "/api/sequences/[id]/export/route.js",
  "/sequences/[id]/page.js",
  "/api/demo-gateway/v1/videos/route.js",
  "/api/demo-gateway/v1/videos/[id]/route.js",
  "/api/demo-gateway/v1/videos/[id]/content/route.js",
];
const FFMPEG_BINARY = `${path.sep}@ffmpeg-installer${path.sep}${process.platform}-${process.arch}${path.sep}ffmpeg`;

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

function nftFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...nftFiles(full));
    else if (entry.name.endsWith(".nft.json")) found.push(full);
  }
  return found;
}

const appDir = path.join(root, ".next", "server", "app");
if (!existsSync(appDir)) {
  log("no production build: run `npm run build` first");
  process.exit(1);
}

/** Real size of a traced file (symlinks followed); 0 when it is gone. */
function sizeOf(file) {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

/** The files of one .nft.json, as absolute paths. */
function tracedFiles(nft) {
  const { files = [] } = JSON.parse(readFileSync(nft, "utf8"));
  return files.map((relative) => path.resolve(path.dirname(nft), relative));
}

function measure(files) {
  let total = 0;
  let ffmpeg = 0;
  let pglite = 0;
  let binary = false;
  let project = 0;
  for (const file of files) {
    const relative = path.relative(root, file);
    if (/^(app|components)[\\/]/.test(relative)) project += 1;
    const size = sizeOf(file);
    total += size;
    if (file.includes(`${path.sep}@ffmpeg-installer${path.sep}`)) ffmpeg += size;
    if (file.includes(`${path.sep}@electric-sql${path.sep}pglite`)) pglite += size;
    if (file.endsWith(FFMPEG_BINARY) && size > 0) binary = true;
  }
  return { files: files.size, total, ffmpeg, pglite, binary, project };
}

const instrumentationNft = path.join(root, ".next", "server", "instrumentation.js.nft.json");
const everyFunction = existsSync(instrumentationNft)
  ? [...tracedFiles(instrumentationNft), instrumentationNft.replace(/\.nft\.json$/, "")]
  : [];

const rows = [];
for (const nft of nftFiles(appDir).sort()) {
  const route = `/${path
    .relative(appDir, nft)
    .replace(/\.nft\.json$/, "")
    .replace(/\\/g, "/")}`;
  // The route's compiled file itself is part of the function too.
  const own = [...tracedFiles(nft), nft.replace(/\.nft\.json$/, "")];
  rows.push({
    route,
    own: measure(new Set(own)),
    ...measure(new Set([...own, ...everyFunction])),
  });
}

const mib = (bytes) => (bytes / MiB).toFixed(1).padStart(6);
if (everyFunction.length > 0) {
  const hook = measure(new Set(everyFunction));
  log(
    `instrumentation hook (in every function): ${hook.files} files, ${mib(hook.total).trim()} MB, ffmpeg ${mib(hook.ffmpeg).trim()} MB, pglite ${mib(hook.pglite).trim()} MB`,
  );
}
log(
  `routes traced: ${rows.length} (target: ≤ ${TARGET_MIB} MB and no ffmpeg, except where ffmpeg runs: there the binary)`,
);
log(
  `${"route".padEnd(48)} ${"own MB".padStart(6)} ${"files".padStart(6)} ${"MB".padStart(6)} ${"ffmpeg".padStart(6)} ${"pglite".padStart(6)}`,
);
let misses = 0;
for (const row of rows) {
  const runsFfmpeg = FFMPEG_ROUTES.includes(row.route);
  const pass =
    row.project === 0 &&
    (runsFfmpeg ? row.binary : row.ffmpeg === 0 && row.total <= TARGET_MIB * MiB);
  if (!pass) misses += 1;
  const verdict = runsFfmpeg
    ? `${pass ? "PASS" : "MISS"} (runs ffmpeg: ${pass ? "binary traced" : "binary NOT traced"})`
    : pass
      ? "PASS"
      : "MISS";
  const whole =
    row.project > 0 ? ` (traces ${row.project} source files of app/ and components/)` : "";
  log(
    `${row.route.padEnd(48)} ${mib(row.own.total)} ${String(row.files).padStart(6)} ${mib(row.total)} ${mib(row.ffmpeg)} ${mib(row.pglite)}  ${verdict}${whole}`,
  );
}
const largest = Math.max(
  0,
  ...rows.filter((row) => !FFMPEG_ROUTES.includes(row.route)).map((row) => row.total),
);
log();
log("MB: the route's own trace plus the instrumentation hook's, as Vercel builds the function");
log(`largest route without ffmpeg: ${(largest / MiB).toFixed(1)} MB`);
log(
  `${misses === 0 ? "PASS" : "MISS"}: ${rows.length - misses}/${rows.length} routes within target`,
);
