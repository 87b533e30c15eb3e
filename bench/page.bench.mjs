// Page bench: how fast wan-studio's pages paint next to a blank Next.js app (issue 12).
//
// Builds the blank app in bench/page-blank (one page with the studio's heading and sentence;
// next and react resolve from the project's node_modules, so the versions are the project's),
// takes a private copy of the project's production build (built first when there is none),
// and starts, with `next start` on ports 3330–3339: the blank app, wan-studio in demo mode,
// and wan-studio with sign-in on (against e2e/oidc-provider.mjs) for `/sign-in`. A completed
// demo video and a completed set of two takes are made through the studio first, so the task
// page and the take set page have something to show.
//
// Then, interleaved (each round loads the blank page, then each of our pages), 9 rounds:
// every load in a fresh headless Chromium context with the cache disabled, figures read from
// the browser: JS over the wire (the script responses' bodies as received, gzip), TTFB
// (navigation start → first byte), FCP, LCP, DOMContentLoaded. Prints the medians, the
// targets and PASS/MISS:
//   JS ≤ blank + 35 kB (gzip) · LCP ≤ 1.3 × blank · TTFB ≤ 2 × blank.
//
// It builds, so run it under the e2e lock:
//   flock /tmp/wan-e2e.lock npm run bench -- page
// Env: BENCH_LOADS (9), BENCH_PAGES (every page; e.g. `/,/sign-in`), BENCH_REBUILD=1 (build
// the project again even if .next exists).
// Never fails on a MISS. Everything started here is stopped at the end.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

import { root, sleep, snapshotBuild, startNext, stopGroup } from "./shared.mjs";

const LOADS = Number(process.env.BENCH_LOADS ?? 9);
/** Only these pages (names as in the table, comma-separated), e.g. `/,/videos`. */
const ONLY = process.env.BENCH_PAGES?.split(",").filter(Boolean);
const PORTS = [3330, 3331, 3332, 3333, 3334, 3335, 3336, 3337, 3338, 3339];
const BLANK_DIR = path.join(root, "bench", "page-blank");
const NEXT_BIN = path.join(root, "node_modules", ".bin", "next");
const TARGETS = { jsExtraKb: 35, lcpFactor: 1.3, ttfbFactor: 2 };
/** As e2e/auth-settings.ts: test-only values for the sign-in server, not secrets. */
const AUTH = {
  clientId: "wan-studio-page-bench",
  clientSecret: "page-bench-client-secret-not-a-real-one",
  authSecret: "page-bench-only-auth-secret-0123456789abcdef",
  providerName: "Team SSO",
  allowedDomains: "team.test",
};
/** Chromium as playwright.config.ts launches it. */
const LAUNCH = {
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
};

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** True when nothing listens on 127.0.0.1:`port`. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `count` free ports of 3330–3339. */
async function benchPorts(count) {
  const free = [];
  for (const port of PORTS) {
    if (free.length === count) break;
    if (await portIsFree(port)) free.push(port);
  }
  if (free.length < count) throw new Error(`fewer than ${count} free ports in 3330–3339`);
  return free;
}

function build(dir, label) {
  const started = Date.now();
  const result = spawnSync(NEXT_BIN, ["build"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    throw new Error(
      `next build of ${label} failed:\n${(result.stdout + result.stderr).slice(-3000)}`,
    );
  }
  log(`built ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Quick demo stages, so the videos the pages show are ready in seconds; then `env`. */
function studioSettings(env = {}) {
  return {
    DEMO_STEP_MS: "300",
    POLL_INTERVAL_MS: "500",
    SUBMIT_RATE_PER_MINUTE: "1000",
    ...env,
  };
}

/** Waits until `url` answers with one of `statuses`. */
async function waitFor(url, server, statuses = [200]) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(url, { redirect: "manual" }).catch(() => null);
    if (response && statuses.includes(response.status)) return;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${url} did not come up:\n${server.output().slice(-2000)}`);
    }
    await sleep(300);
  }
}

/** The status of one task, from the app's own route. */
async function taskStatus(base, id) {
  const response = await fetch(`${base}/api/tasks/${id}`);
  return response.ok ? (await response.json()).status : `HTTP ${response.status}`;
}

async function untilCompleted(base, ids) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const statuses = await Promise.all(ids.map((id) => taskStatus(base, id)));
    if (statuses.every((status) => status === "completed")) return;
    if (statuses.some((status) => status === "failed" || status.startsWith("HTTP"))) {
      throw new Error(`a demo video did not complete: ${statuses.join(", ")}`);
    }
    if (Date.now() > deadline) throw new Error(`demo videos still ${statuses.join(", ")}`);
    await sleep(500);
  }
}

/**
 * Through the studio, as a person would: one video, then one Generate of two takes. Returns
 * the video's id and the take set's id once every video has completed.
 */
async function makeVideos(browser, base) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/`);
    await page
      .locator('input[type="file"]')
      .and(page.getByLabel("First frame", { exact: true }))
      .setInputFiles(path.join(root, "e2e/media/portrait.png"));
    await page.getByRole("button", { name: "Remove first frame" }).waitFor();
    const generate = page.getByRole("button", { name: "Generate", exact: true });
    const prompt = page.getByRole("textbox", { name: "Prompt", exact: true });

    await prompt.fill("Page bench: the portrait turns to the window");
    await generate.click();
    await page.waitForURL(/[?&]task=/);
    const taskId = new URL(page.url()).searchParams.get("task");

    await page
      .getByRole("radiogroup", { name: "Takes" })
      .getByRole("radio", { name: "2", exact: true })
      .check();
    await prompt.fill("Page bench: two takes of the portrait turning to the window");
    await generate.click();
    await page.waitForURL(/[?&]set=/);
    const setId = new URL(page.url()).searchParams.get("set");
    const result = page.getByRole("complementary", { name: "Result" });
    for (const label of ["Take 1 of 2", "Take 2 of 2"]) {
      await result
        .getByRole("region", { name: label, exact: true })
        .getByText("Completed")
        .first()
        .waitFor({ timeout: 120_000 });
    }
    await untilCompleted(base, [taskId]);
    return { taskId, setId };
  } finally {
    await context.close();
  }
}

/** Collects the largest-contentful-paint entries from the start of the document. */
function observeLcp() {
  window.__lcp = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const element = entry.element;
      window.__lcp.push({
        time: entry.startTime,
        element: element
          ? `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40)}"`
          : "",
      });
    }
  }).observe({ type: "largest-contentful-paint", buffered: true });
}

/** One cold load of `url` in a fresh context, cache disabled: the figures. */
async function load(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    // Bytes of each script's body as they came over the wire (gzip): all bytes received for
    // the response less those of its headers.
    const headerBytes = new Map();
    let jsBytes = 0;
    cdp.on("Network.responseReceived", (event) => {
      if (event.type === "Script")
        headerBytes.set(event.requestId, event.response.encodedDataLength);
    });
    cdp.on("Network.loadingFinished", (event) => {
      const headers = headerBytes.get(event.requestId);
      if (headers !== undefined) jsBytes += event.encodedDataLength - headers;
    });
    await page.addInitScript(observeLcp);
    const response = await page.goto(url, { waitUntil: "load" });
    if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
    // Lazily loaded chunks count too: wait until the network is quiet.
    await page.waitForLoadState("networkidle");
    await sleep(200);
    const figures = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType("navigation");
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const lcp = window.__lcp.at(-1);
      return {
        ttfb: navigation.responseStart,
        fcp: fcp ? fcp.startTime : Number.NaN,
        lcp: lcp ? lcp.time : Number.NaN,
        lcpElement: lcp ? lcp.element : "",
        dcl: navigation.domContentLoadedEventEnd,
        html: navigation.encodedBodySize,
      };
    });
    return { ...figures, js: jsBytes, url: page.url() };
  } finally {
    await context.close();
  }
}

const kb = (bytes) => (bytes / 1000).toFixed(1);
const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)}` : "—");

function summarise(samples) {
  return {
    js: median(samples.map((sample) => sample.js)),
    ttfb: median(samples.map((sample) => sample.ttfb)),
    fcp: median(samples.map((sample) => sample.fcp)),
    lcp: median(samples.map((sample) => sample.lcp)),
    dcl: median(samples.map((sample) => sample.dcl)),
    html: median(samples.map((sample) => sample.html)),
    lcpElement: mostCommon(samples.map((sample) => sample.lcpElement)),
  };
}

function mostCommon(values) {
  const counts = new Map();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-page-bench-"));
  const servers = [];
  let browser;
  try {
    build(BLANK_DIR, "the blank app (bench/page-blank)");
    if (process.env.BENCH_REBUILD === "1" || !existsSync(path.join(root, ".next", "BUILD_ID"))) {
      build(root, "wan-studio");
    }
    const appDir = await snapshotBuild(path.join(workDir, "app"));
    const [blankPort, demoPort, authPort, oidcPort] = await benchPorts(4);
    const blankBase = `http://127.0.0.1:${blankPort}`;
    const demoBase = `http://127.0.0.1:${demoPort}`;
    const authBase = `http://127.0.0.1:${authPort}`;
    const issuer = `http://127.0.0.1:${oidcPort}`;

    const blank = startNext(BLANK_DIR, blankPort, path.join(workDir, "blank-data"));
    const demo = startNext(appDir, demoPort, path.join(workDir, "demo-data"), studioSettings());
    const oidc = spawn(
      process.execPath,
      [
        path.join(root, "e2e", "oidc-provider.mjs"),
        String(oidcPort),
        AUTH.clientId,
        AUTH.clientSecret,
        authBase,
      ],
      { detached: true, stdio: ["ignore", "ignore", "pipe"] },
    );
    const auth = startNext(
      appDir,
      authPort,
      path.join(workDir, "auth-data"),
      studioSettings({
        AUTH_OIDC_ISSUER: issuer,
        AUTH_OIDC_CLIENT_ID: AUTH.clientId,
        AUTH_OIDC_CLIENT_SECRET: AUTH.clientSecret,
        AUTH_OIDC_NAME: AUTH.providerName,
        AUTH_SECRET: AUTH.authSecret,
        AUTH_URL: authBase,
        AUTH_ALLOWED_DOMAINS: AUTH.allowedDomains,
      }),
    );
    servers.push(blank.child, demo.child, oidc, auth.child);
    await waitFor(`${blankBase}/`, blank);
    // An unknown task: answered from the database, so it opens (and migrates) it first.
    await waitFor(`${demoBase}/api/tasks/warm-up-probe`, demo, [404]);
    await waitFor(`${authBase}/sign-in`, auth);

    browser = await chromium.launch(LAUNCH);
    const made = Date.now();
    const { taskId, setId } = await makeVideos(browser, demoBase);
    log(`made a demo video and a set of two takes in ${((Date.now() - made) / 1000).toFixed(1)} s`);

    const pages = [
      { name: "/", url: `${demoBase}/` },
      { name: "/videos", url: `${demoBase}/videos` },
      { name: "/videos/[id]", url: `${demoBase}/videos/${taskId}` },
      { name: "/takes/[id]", url: `${demoBase}/takes/${setId}` },
      { name: "/sign-in", url: `${authBase}/sign-in` },
    ].filter((target) => !ONLY || ONLY.includes(target.name));
    // Warm-up, not counted: the first render of each page loads its modules.
    for (const target of [{ url: `${blankBase}/` }, ...pages]) await load(browser, target.url);

    const blankSamples = [];
    const ours = new Map(pages.map((target) => [target.name, []]));
    for (let round = 0; round < LOADS; round++) {
      for (const target of pages) {
        blankSamples.push(await load(browser, `${blankBase}/`));
        ours.get(target.name).push(await load(browser, target.url));
      }
    }

    const base = summarise(blankSamples);
    log();
    log(
      `median of ${LOADS} cold loads per page (blank: ${blankSamples.length}), interleaved; headless Chromium, cache disabled`,
    );
    log(
      `blank Next page: JS ${kb(base.js)} kB · TTFB ${ms(base.ttfb)} ms · FCP ${ms(base.fcp)} ms · LCP ${ms(base.lcp)} ms · DCL ${ms(base.dcl)} ms`,
    );
    log();
    const header = ["page", "figure", "blank", "ours", "target", ""];
    const rows = [];
    let misses = 0;
    for (const target of pages) {
      const figures = summarise(ours.get(target.name));
      const checks = [
        [
          "JS kB (gzip)",
          kb(base.js),
          kb(figures.js),
          `≤ ${kb(base.js + TARGETS.jsExtraKb * 1000)}`,
          figures.js <= base.js + TARGETS.jsExtraKb * 1000,
        ],
        [
          "LCP ms",
          ms(base.lcp),
          ms(figures.lcp),
          `≤ ${ms(base.lcp * TARGETS.lcpFactor)}`,
          figures.lcp <= base.lcp * TARGETS.lcpFactor,
        ],
        [
          "TTFB ms",
          ms(base.ttfb),
          ms(figures.ttfb),
          `≤ ${ms(base.ttfb * TARGETS.ttfbFactor)}`,
          figures.ttfb <= base.ttfb * TARGETS.ttfbFactor,
        ],
        ["FCP ms", ms(base.fcp), ms(figures.fcp), "", null],
        ["DCL ms", ms(base.dcl), ms(figures.dcl), "", null],
      ];
      for (const [figure, blankValue, ourValue, goal, pass] of checks) {
        if (pass === false) misses++;
        rows.push([
          target.name,
          figure,
          blankValue,
          ourValue,
          goal,
          pass === null ? "" : pass ? "PASS" : "MISS",
        ]);
      }
      rows.push([target.name, "LCP element", "", figures.lcpElement, "", ""]);
    }
    const widths = header.map((_, column) =>
      Math.max(header[column].length, ...rows.map((row) => String(row[column]).length)),
    );
    const line = (row) =>
      row
        .map((cell, column) => String(cell).padEnd(widths[column]))
        .join("  ")
        .trimEnd();
    log(line(header));
    for (const row of rows) log(line(row));
    log();
    log(
      `${misses === 0 ? "PASS" : "MISS"}: ${misses} of ${pages.length * 3} figures miss their target`,
    );
  } finally {
    await browser?.close();
    for (const child of servers.reverse()) await stopGroup(child);
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
