// Probe memory bench: how much the server's RSS grows when six first clips are uploaded at
// once whose index (moov box) is bloated, once to ~31 MB (refused by the moov cap) and once
// to just under the cap (accepted, so each is parsed). Before the cap and the probe limiter,
// six 31 MB indexes cost ~65 MB each.
//
// Needs the production build (`npm run build`) and ffmpeg. The server runs on Postgres (a
// fresh `wan_bench_probe` database on TEST_DATABASE_URL's server) when one answers, as
// deployed: the embedded database holds hundreds of MB of slack that hides what a probe
// costs. Run with `npm run bench probe` or `node bench/probe-memory.bench.mjs`. Prints
// figures and PASS/MISS; never fails on a MISS.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort, root, snapshotBuild, treeRss } from "./shared.mjs";

const MiB = 1024 * 1024;
const PARALLEL = 6;
const SAMPLE_MS = 25;
/** Six refused 31 MB indexes, or six accepted 1.9 MB ones, should cost well under this. */
const TARGET_GROWTH_MIB = 50;
const outDir = path.join(root, "bench", ".out");

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

/**
 * A 3 s clip with its moov last (ffmpeg's default), padded by a `free` box of `extra` bytes:
 * inside its moov, or (`beside`) as a top-level box of its own, which no probe reads.
 */
function bloatedClip(extra, beside = false) {
  const file = path.join(outDir, `moov-${beside ? "beside" : "bloated"}-${extra}.mp4`);
  if (existsSync(file)) return file;
  mkdirSync(outDir, { recursive: true });
  const plain = path.join(outDir, "moov-last-3s.mp4");
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"],
    ...["-i", "testsrc2=size=480x480:rate=24:duration=3", "-c:v", "libx264"],
    ...["-preset", "ultrafast", "-pix_fmt", "yuv420p", plain],
  ]);
  const bytes = readFileSync(plain);
  let at = 0;
  while (bytes.toString("latin1", at + 4, at + 8) !== "moov") at += bytes.readUInt32BE(at);
  const size = bytes.readUInt32BE(at);
  const free = Buffer.alloc(extra);
  free.writeUInt32BE(extra, 0);
  free.write("free", 4, "latin1");
  const moov = Buffer.concat([bytes.subarray(at, at + size), ...(beside ? [] : [free])]);
  moov.writeUInt32BE(moov.length, 0);
  const tail = [moov, ...(beside ? [free] : []), bytes.subarray(at + size)];
  writeFileSync(file, Buffer.concat([bytes.subarray(0, at), ...tail]));
  return file;
}

/** A fresh database for the server, or "" (embedded) when no Postgres answers. */
async function freshDatabase() {
  const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = postgres(server, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin.unsafe("DROP DATABASE IF EXISTS wan_bench_probe WITH (FORCE)");
    await admin.unsafe("CREATE DATABASE wan_bench_probe");
    const url = new URL(server);
    url.pathname = "/wan_bench_probe";
    return url.toString();
  } catch (error) {
    log(`no Postgres (${error.message}): embedded database, growth figures understated`);
    return "";
  } finally {
    await admin.end();
  }
}

function post(port, file) {
  const body = readFileSync(file);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/uploads?kind=first_clip",
        method: "POST",
        headers: { "Content-Length": String(body.length), "X-File-Name": "bloated.mp4" },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** Peak RSS growth over the level just before, while PARALLEL uploads of `file` run. */
async function measure(pid, port, file) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = treeRss(pid);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, SAMPLE_MS);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: PARALLEL }, () => post(port, file)));
  clearInterval(timer);
  peak = Math.max(peak, treeRss(pid));
  return { before, peak, results, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "wan-bench-probe-"));
  const dataDir = path.join(work, "data");
  await snapshotBuild(work);
  const cases = [
    // The same upload work without a big index: what six 31 MB uploads cost by themselves.
    { name: "control: 31 MB free box beside a 3 KB moov", file: bloatedClip(31 * MiB, true) },
    { name: "moov ~31 MB", file: bloatedClip(31 * MiB) },
    { name: "moov ~1.9 MB", file: bloatedClip(Math.round(1.9 * MiB)) },
  ];
  const databaseUrl = await freshDatabase();
  const port = await freePort();
  const next = spawn(
    path.join(root, "node_modules", ".bin", "next"),
    ["start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: work,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: dataDir,
        ...Object.fromEntries(
          ["VIDEO_API_KEY", "VIDEO_API_BASE_URL", "S3_BUCKET"].map((name) => [name, ""]),
        ),
        DATABASE_URL: databaseUrl,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  next.stdout.on("data", (data) => {
    output += data;
  });
  next.stderr.on("data", (data) => {
    output += data;
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/api/tasks/warm-up`).catch(() => null);
      if (ready?.status === 404) break;
      if (Date.now() > deadline) throw new Error("next start did not answer");
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // One ordinary clip first: the route's modules and the first insert are one-time costs.
    const warm = await post(port, path.join(root, "e2e", "media", "clip.mp4"));
    if (warm.status !== 201) throw new Error(`warm-up answered ${warm.status}: ${warm.body}`);

    const database = databaseUrl ? "Postgres" : "embedded database";
    log(`${PARALLEL} parallel first-clip uploads, ${database}, load ${os.loadavg()[0].toFixed(1)}`);
    log("| file | answers | RSS before | peak | growth | per upload |");
    log("| --- | --- | --- | --- | --- | --- |");
    const growths = [];
    for (const { name, file } of cases) {
      const { before, peak, results } = await measure(next.pid, port, file);
      const answers = [...new Set(results.map((result) => result.status))].join(", ");
      const growth = (peak - before) / MiB;
      growths.push(growth);
      log(
        `| ${name} (${(readFileSync(file).length / MiB).toFixed(1)} MiB) | ${answers} | ${(before / MiB).toFixed(0)} MiB | ${(peak / MiB).toFixed(0)} MiB | ${growth.toFixed(1)} MiB | ${(growth / PARALLEL).toFixed(1)} MiB |`,
      );
      const refused = results.find((result) => result.status !== 201);
      if (refused) log(`  ${refused.status}: ${JSON.parse(refused.body).error?.message}`);
    }
    // The control runs first and absorbs the first big uploads' one-time growth; the cases
    // after it show what a bloated index adds.
    const worst = Math.max(...growths.slice(1));
    log("");
    log(
      `${worst < TARGET_GROWTH_MIB ? "PASS" : "MISS"} worst growth with a bloated index ${worst.toFixed(1)} MiB (target < ${TARGET_GROWTH_MIB} MiB)`,
    );
  } catch (error) {
    log(`probe memory bench failed: ${error.message}`);
    log(output.slice(-2000));
    process.exitCode = 1;
  } finally {
    next.kill("SIGTERM");
    await new Promise((resolve) => next.once("exit", resolve));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
