// Traced-files bench: how many bytes each route of the production build drags into its
// serverless function. Next writes, next to every compiled route under .next/server/app, a
// `<route>.nft.json` listing the files that route needs at run time (paths relative to the
// .nft.json itself); a Vercel deployment copies exactly those into the route's function.
// This bench sums the sizes of those files per route (each file counted once per route),
// with the share that is ffmpeg (@ffmpeg-installer) and the share that is PGlite
// (@electric-sql/pglite), and prints PASS/MISS against issue 12's targets: a route that does
// not run ffmpeg traces no ffmpeg and at most 30 MB.
//
// Needs the production build (`npm run build`). Run with `npm run bench traced` or
// `node bench/traced.bench.mjs`. Never fails on a MISS.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { root } from "./shared.mjs";

const MiB = 1024 * 1024;
const TARGET_MIB = 30;
/**
 * Routes whose code never reaches lib/tasks/poster.ts (the only place ffmpeg runs: result
 * copy and delete), so they should trace no ffmpeg. Matched as substrings of the route path.
 */
const NO_FFMPEG_ROUTES = [
  "/_global-error",
  "/api/auth",
  "/api/demo-gateway",
  "/api/media",
  "/api/uploads",
  "/icon.svg",
  "/usage/export",
];

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

const rows = [];
for (const nft of nftFiles(appDir).sort()) {
  const route = `/${path
    .relative(appDir, nft)
    .replace(/\.nft\.json$/, "")
    .replace(/\\/g, "/")}`;
  const { files = [] } = JSON.parse(readFileSync(nft, "utf8"));
  const seen = new Set();
  let total = 0;
  let ffmpeg = 0;
  let pglite = 0;
  for (const relative of files) {
    const file = path.resolve(path.dirname(nft), relative);
    if (seen.has(file)) continue;
    seen.add(file);
    const size = sizeOf(file);
    total += size;
    if (file.includes(`${path.sep}@ffmpeg-installer${path.sep}`)) ffmpeg += size;
    if (file.includes(`${path.sep}@electric-sql${path.sep}pglite`)) pglite += size;
  }
  // The route's compiled file itself is part of the function too.
  total += sizeOf(nft.replace(/\.nft\.json$/, ""));
  rows.push({ route, files: seen.size, total, ffmpeg, pglite });
}

const mib = (bytes) => (bytes / MiB).toFixed(1).padStart(6);
log(
  `routes traced: ${rows.length} (target: ≤ ${TARGET_MIB} MB and no ffmpeg where ffmpeg does not run)`,
);
log(
  `${"route".padEnd(48)} ${"files".padStart(6)} ${"MB".padStart(6)} ${"ffmpeg".padStart(6)} ${"pglite".padStart(6)}`,
);
let misses = 0;
for (const row of rows) {
  const routePath = row.route.replace(/\/(page|route)\.js$/, "") || "/";
  const runsFfmpeg = !NO_FFMPEG_ROUTES.some((route) => routePath.includes(route));
  const pass = runsFfmpeg || (row.ffmpeg === 0 && row.total <= TARGET_MIB * MiB);
  if (!pass) misses += 1;
  log(
    `${row.route.padEnd(48)} ${String(row.files).padStart(6)} ${mib(row.total)} ${mib(row.ffmpeg)} ${mib(row.pglite)}  ${
      runsFfmpeg ? "(runs ffmpeg)" : pass ? "PASS" : "MISS"
    }`,
  );
}
const largest = Math.max(0, ...rows.map((row) => row.total));
log();
log(`largest route: ${(largest / MiB).toFixed(1)} MB`);
log(
  `${misses === 0 ? "PASS" : "MISS"}: ${rows.length - misses}/${rows.length} routes within target`,
);
