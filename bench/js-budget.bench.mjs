// Client JavaScript budget (issue 12): how many bytes of JS each page sends over the wire,
// gzip as `next start` serves it, against the target of a blank Next 16.4.6 page + 35 kB.
//
// How: `next start` on a private copy of the production build (demo mode, a fresh data
// folder), then headless Debian Chromium (playwright-core) loads each page with the cache off
// and sums, per page, the encoded bytes (headers included, as DevTools' "transferred") of
// every script response until the network is quiet. The studio page first makes one video and
// one set of two takes through the real form, so the task page (/videos/<id>) and the take
// set's page (/takes/<id>) are measured with real content. Each page is loaded RUNS times
// (default 3) and the median is kept.
//
// The breakdown: for the scripts of the biggest pages, which modules fill them. With a build
// made with source maps (`BENCH_SOURCE_MAPS=1 npm run build`, see next.config.mjs) each
// chunk's bytes are mapped back to their packages and files; without maps only the chunks.
//
// Needs the production build (`npm run build`, under the e2e lock) and /usr/bin/chromium.
// Run with `npm run bench -- js` or `node bench/js-budget.bench.mjs`. Env: BENCH_RUNS (3),
// BENCH_PORT (3340; issue 12's benches use 3340–3349). Never fails on a MISS.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { root, snapshotBuild } from "./shared.mjs";

/** The blank Next 16.4.6 page of issue 12's table (its heading and sentence only). */
const BLANK_KB = 133.8;
const BUDGET_KB = 35;
const TARGET_KB = BLANK_KB + BUDGET_KB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PORT = Number(process.env.BENCH_PORT ?? 3340);
const kB = (bytes) => (bytes / 1000).toFixed(1);

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function startApp(appDir, dataDir) {
  const child = spawn(
    path.join(root, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(PORT)],
    {
      cwd: appDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: dataDir,
        // Demo mode, quick stages, no sign-in: whatever the shell holds must not leak in.
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        S3_BUCKET: "",
        AUTH_OIDC_ISSUER: "",
        DEMO_STEP_MS: "300",
        POLL_INTERVAL_MS: "500",
        SUBMIT_RATE_PER_MINUTE: "1000",
      },
    },
  );
  let output = "";
  child.stdout.on("data", (data) => {
    output += data;
  });
  child.stderr.on("data", (data) => {
    output += data;
  });
  return { child, output: () => output };
}

async function stopGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForApp(base, app) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(`${base}/api/tasks/warm-up-probe`).catch(() => null);
    if (response?.status === 404) return;
    if (app.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the server did not start:\n${app.output().slice(-2000)}`);
    }
    await sleep(300);
  }
}

/** One Generate through the studio form; resolves to the URL's `task` and `set`. */
async function generate(page, base, takes) {
  await page.goto(`${base}/`);
  const firstFrame = page
    .locator('input[type="file"]')
    .and(page.getByLabel("First frame", { exact: true }));
  await firstFrame.setInputFiles(path.join(root, "e2e/media/portrait.png"));
  await page.getByRole("button", { name: "Remove first frame" }).waitFor();
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("JS budget bench");
  if (takes > 1) {
    await page
      .getByRole("radiogroup", { name: "Takes" })
      .getByRole("radio", { name: String(takes), exact: true })
      .check();
  }
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await page.waitForURL((url) => url.searchParams.has(takes > 1 ? "set" : "task"));
  const url = new URL(page.url());
  return { task: url.searchParams.get("task"), set: url.searchParams.get("set") };
}

/**
 * Loads `url` with the cache off; the scripts it fetched until the network was quiet for
 * 1 s: [{ url, bytes }] with bytes as transferred (encoded body + headers).
 */
async function scriptsOf(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const scripts = new Map();
  let last = Date.now();
  cdp.on("Network.responseReceived", (event) => {
    last = Date.now();
    if (event.type === "Script") scripts.set(event.requestId, { url: event.response.url });
  });
  cdp.on("Network.loadingFinished", (event) => {
    last = Date.now();
    const script = scripts.get(event.requestId);
    if (script) script.bytes = event.encodedDataLength;
  });
  await page.goto(url, { waitUntil: "load" });
  while (Date.now() - last < 1000) await sleep(200);
  await page.close();
  return [...scripts.values()].filter((script) => script.bytes !== undefined);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// ---- source-map breakdown --------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = Object.fromEntries([...B64].map((char, index) => [char, index]));

/** Generated bytes per source of one (non-indexed) source map. */
function bytesPerSource(map, code, into) {
  const lines = code.split("\n");
  let source = 0;
  const mappingLines = map.mappings.split(";");
  for (let line = 0; line < mappingLines.length && line < lines.length; line++) {
    const segments = [];
    let column = 0;
    for (const segment of mappingLines[line].split(",")) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = B64_INDEX[char];
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      segments.push({ column, source: fields.length > 1 ? source : -1 });
    }
    const text = lines[line];
    for (let i = 0; i < segments.length; i++) {
      const end = i + 1 < segments.length ? segments[i + 1].column : text.length;
      const name = segments[i].source >= 0 ? map.sources[segments[i].source] : "(unmapped)";
      into.set(name, (into.get(name) ?? 0) + Math.max(0, end - segments[i].column));
    }
  }
}

/** "react-dom", "@tanstack/query-core", "components/studio/studio.tsx"… */
function moduleGroup(source) {
  const clean = source.replace(/^turbopack:\/\/\/(\[project\]\/)?/, "").replace(/\?.*$/, "");
  const nodeModules = clean.lastIndexOf("node_modules/");
  if (nodeModules >= 0) {
    const parts = clean.slice(nodeModules + "node_modules/".length).split("/");
    const name = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    if (name === "next") return `next/${parts.slice(1, 4).join("/")}`;
    return name;
  }
  return clean;
}

/** The chunk's raw and gzip size and, with its map, the biggest groups (raw bytes). */
function chunkBreakdown(chunkUrl) {
  const pathname = new URL(chunkUrl).pathname.replace(/^\/_next\//, "");
  const file = path.join(root, ".next", pathname);
  if (!existsSync(file)) return null;
  const code = readFileSync(file, "utf8");
  const result = { raw: code.length, gzip: gzipSync(code).length, groups: null };
  // Turbopack names a chunk's map by its own hash: follow the chunk's sourceMappingURL.
  const mapName = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
  const mapFile = mapName ? path.join(path.dirname(file), mapName) : `${file}.map`;
  if (!existsSync(mapFile)) return result;
  const map = JSON.parse(readFileSync(mapFile, "utf8"));
  const into = new Map();
  if (map.sections) {
    const lines = code.split("\n");
    for (let i = 0; i < map.sections.length; i++) {
      const start = map.sections[i].offset.line;
      const end = i + 1 < map.sections.length ? map.sections[i + 1].offset.line : lines.length;
      bytesPerSource(map.sections[i].map, lines.slice(start, end).join("\n"), into);
    }
  } else {
    bytesPerSource(map, code, into);
  }
  const groups = new Map();
  for (const [source, bytes] of into) {
    const group = moduleGroup(source);
    groups.set(group, (groups.get(group) ?? 0) + bytes);
  }
  result.groups = [...groups].sort((a, b) => b[1] - a[1]);
  return result;
}

// ---- the run ---------------------------------------------------------------------------

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  log("no production build: run `npm run build` first (under the e2e lock)");
  process.exit(1);
}
const appDir = mkdtempSync(path.join(os.tmpdir(), "wan-js-budget-app-"));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "wan-js-budget-data-"));
await snapshotBuild(appDir);
const base = `http://127.0.0.1:${PORT}`;
const app = startApp(appDir, dataDir);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
try {
  await waitForApp(base, app);
  const context = await browser.newContext();
  const maker = await context.newPage();
  maker.setDefaultTimeout(30_000);
  const single = await generate(maker, base, 1);
  const set = await generate(maker, base, 2);
  await maker.close();

  const pages = [
    ["/", "/"],
    ["/videos", "/videos"],
    ["/videos/[id]", `/videos/${single.task}`],
    ["/takes/[id]", `/takes/${set.set}`],
    ["/?task=… (result shown)", `/?task=${single.task}`],
    // No /sign-in: in demo mode (no sign-in settings) it sends the visitor on to the studio.
  ];
  const results = [];
  for (const [name, url] of pages) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await scriptsOf(context, `${base}${url}`));
    const totals = runs.map((scripts) => scripts.reduce((sum, script) => sum + script.bytes, 0));
    const total = median(totals);
    results.push({ name, total, scripts: runs[totals.indexOf(total)] });
  }

  log(
    `JS over the wire, gzip (median of ${RUNS}); target ≤ blank ${BLANK_KB} kB + ${BUDGET_KB} kB = ${TARGET_KB.toFixed(1)} kB`,
  );
  log(`${"page".padEnd(28)} ${"kB".padStart(7)} ${"files".padStart(5)} ${"vs blank".padStart(9)}`);
  for (const { name, total, scripts } of results) {
    const over = total / 1000 - BLANK_KB;
    log(
      `${name.padEnd(28)} ${kB(total).padStart(7)} ${String(scripts.length).padStart(5)} ${`${over >= 0 ? "+" : ""}${over.toFixed(1)}`.padStart(9)}  ${total / 1000 <= TARGET_KB ? "PASS" : "MISS"}`,
    );
  }

  // Which chunks, and what is in them, for every page: a chunk shared by several pages is
  // listed once, with the pages that load it.
  const chunks = new Map();
  for (const { name, scripts } of results) {
    for (const script of scripts) {
      const entry = chunks.get(script.url) ?? { bytes: script.bytes, pages: [] };
      entry.pages.push(name);
      chunks.set(script.url, entry);
    }
  }
  log();
  log("chunks, biggest first (kB transferred; the pages that load each):");
  const everyPage = results.length;
  const sorted = [...chunks].sort((a, b) => b[1].bytes - a[1].bytes);
  let mapped = false;
  for (const [url, { bytes, pages: on }] of sorted) {
    const file = new URL(url).pathname.replace(/^\/_next\/static\/chunks\//, "");
    const where = on.length === everyPage ? "every page" : on.join(", ");
    log(`${kB(bytes).padStart(6)}  ${file}  (${where})`);
    const breakdown = chunkBreakdown(url);
    if (!breakdown?.groups) continue;
    mapped = true;
    // Shares of the chunk's raw bytes, scaled to what it costs gzip.
    for (const [group, raw] of breakdown.groups.slice(0, 6)) {
      const share = raw / breakdown.raw;
      if (share < 0.03) break;
      log(`          ${kB(share * bytes).padStart(5)}  ${group}`);
    }
  }
  if (!mapped) {
    log();
    log("(no source maps: `BENCH_SOURCE_MAPS=1 npm run build` first to see what fills each chunk)");
  }
  log();
  const misses = results.filter(({ total }) => total / 1000 > TARGET_KB).length;
  log(
    `${misses === 0 ? "PASS" : "MISS"}: ${results.length - misses}/${results.length} pages within ${TARGET_KB.toFixed(1)} kB`,
  );
} finally {
  await browser.close();
  await stopGroup(app.child);
  rmSync(appDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
