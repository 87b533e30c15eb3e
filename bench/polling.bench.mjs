// Polling bench: 200 viewers watch 20 running tasks for 60 s, each asking the status route
// every 2 s (± jitter), like the page's react-query polling when it is set to 2 s. However
// many viewers watch, the server must ask the gateway about each task at most once per
// POLL_INTERVAL_MS (the DB-claimed refresh in lib/tasks/refresh.ts).
//
// How: a counting proxy (node:http on 127.0.0.1) stands in for the gateway and forwards to
// the app's own demo gateway; the production server runs with VIDEO_API_BASE_URL pointing at
// the proxy, so every gateway call it makes is seen and counted per task. The 20 tasks are
// made through the real UI with Chromium (drop a portrait, type a prompt, Generate), then the
// browser closes and only the simulated viewers poll.
//
// Needs the production build (`npm run build`) and /usr/bin/chromium. Env: BENCH_SECONDS (60),
// BENCH_VIEWERS (200), BENCH_TASKS (20). Prints figures and PASS/MISS; a MISS does not fail
// the run. Everything listens on 127.0.0.1 and everything started here is stopped at the end.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import {
  freePort,
  percentile,
  root,
  sleep,
  snapshotBuild,
  startNext,
  stopGroup,
  waitForServer,
} from "./shared.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 200);
const TASKS = Number(process.env.BENCH_TASKS ?? 20);
const VIEWER_EVERY_MS = 2000;
const VIEWER_JITTER_MS = 500;
const POLL_INTERVAL_MS = 5000;
// 4 stages per task: 4 × 60 s keeps every task running through making all 20 of them on a
// busy machine and the whole viewing window after (20 s a stage would let the first finish).
const DEMO_STEP_MS = 60_000;
const TARGET_GETS_PER_INTERVAL = 1;

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

/**
 * The gateway stand-in, run in its own process (`--proxy <port> <gatewayPort>`) so that the
 * viewers' load on this one cannot delay its clock: forwards everything to the gateway
 * server's demo gateway and stamps each retrieve (GET /v1/videos/<id>) as it arrives.
 */
function runProxy(proxyPort, gatewayPort) {
  const retrieves = {}; // gateway id → [ms timestamps]
  let other = 0;
  const server = http.createServer((req, res) => {
    const match = /^\/v1\/videos\/([^/?]+)(\?.*)?$/.exec(req.url ?? "");
    if (req.method === "GET" && match) {
      retrieves[match[1]] ??= [];
      retrieves[match[1]].push(Date.now());
    } else {
      other++;
    }
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: gatewayPort,
        method: req.method,
        path: `/api/demo-gateway${req.url}`,
        headers: { ...req.headers, host: `127.0.0.1:${gatewayPort}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end('{"error":{"message":"proxy: upstream failed","type":"upstream_error"}}');
    });
    req.pipe(upstream);
  });
  server.listen(proxyPort, "127.0.0.1", () => process.send?.({ ready: true }));
  process.on("message", (message) => {
    if (message === "report") process.send?.({ retrieves, other });
  });
  process.on("disconnect", () => process.exit(0));
}

function startProxy(proxyPort, gatewayPort) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), "--proxy", String(proxyPort), String(gatewayPort)],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const ready = new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", () => reject(new Error("the proxy exited")));
  });
  return {
    child,
    ready,
    report: () =>
      new Promise((resolve) => {
        child.once("message", resolve);
        child.send("report");
      }),
  };
}

/**
 * `next start` on the private build. The app under test talks to the proxy as its gateway;
 * the gateway server is a second instance whose demo gateway answers (as one wan-studio can
 * serve another's demo), so gateway work does not queue behind the status requests measured.
 */
function startApp(appDir, appPort, gatewayUrl, dataDir) {
  return startNext(appDir, appPort, dataDir, {
    // No key: the app sends the demo key to whatever VIDEO_API_BASE_URL is (lib/env.ts).
    VIDEO_API_BASE_URL: gatewayUrl,
    DEMO_STEP_MS: String(DEMO_STEP_MS),
    POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    // Only viewers drive refreshes: the sweeper would add calls of its own.
    SWEEP_INTERVAL_MS: "0",
    // 20 creates within a minute, from one person.
    SUBMIT_RATE_PER_MINUTE: "1000",
  });
}

/** Makes the tasks through the studio page, as a person would; returns their ids. */
async function makeTasks(base) {
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
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${base}/`);
    const generate = page.getByRole("button", { name: "Generate", exact: true });
    const firstFrame = page
      .locator('input[type="file"]')
      .and(page.getByLabel("First frame", { exact: true }));
    await firstFrame.setInputFiles(path.join(root, "e2e/media/portrait.png"));
    await page.getByRole("button", { name: "Remove first frame" }).waitFor();
    const ids = [];
    // The portrait stays in its slot after Generate: each task re-uses the same stored file.
    for (let i = 0; i < TASKS; i++) {
      await page
        .getByRole("textbox", { name: "Prompt" })
        .fill(`Polling bench task ${i + 1}: the portrait turns to the window`);
      await generate.click();
      const previous = ids.at(-1);
      // The URL changes (a client-side push) once the action answers; an alert says why not.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const task = new URL(page.url()).searchParams.get("task");
        if (task !== null && task !== previous) break;
        const alert = page.getByRole("form", { name: "New video" }).getByRole("alert");
        if ((await alert.count()) > 0) {
          throw new Error(`Generate failed: ${await alert.first().textContent()}`);
        }
        if (Date.now() > deadline) throw new Error("Generate did not start a task in 30 s");
        await sleep(100);
      }
      ids.push(new URL(page.url()).searchParams.get("task"));
      await page.waitForFunction(() => {
        const button = [...document.querySelectorAll("button")].find(
          (candidate) => candidate.textContent?.trim() === "Generate",
        );
        return button && !button.disabled;
      });
    }
    return ids;
  } finally {
    await browser.close();
  }
}

/** One viewer: polls one task's status route every 2 s ± jitter until the deadline. */
async function viewer(base, taskId, deadline, latencies, errors) {
  await sleep(Math.random() * VIEWER_EVERY_MS);
  while (Date.now() < deadline) {
    const started = performance.now();
    try {
      const response = await fetch(`${base}/api/tasks/${taskId}`);
      await response.arrayBuffer();
      if (!response.ok) errors.push(response.status);
      latencies.push(performance.now() - started);
    } catch {
      errors.push("network");
    }
    const wait = VIEWER_EVERY_MS + (Math.random() * 2 - 1) * VIEWER_JITTER_MS;
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())));
  }
}

if (process.argv[2] === "--proxy") {
  runProxy(Number(process.argv[3]), Number(process.argv[4]));
} else {
  await main();
}

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-polling-bench-"));
  const dataDir = path.join(workDir, "data");
  let app;
  let gateway;
  let proxy;
  try {
    const appDir = await snapshotBuild(path.join(workDir, "app"));
    const appPort = await freePort();
    const gatewayPort = await freePort();
    const proxyPort = await freePort();
    proxy = startProxy(proxyPort, gatewayPort);
    await proxy.ready;
    gateway = startApp(appDir, gatewayPort, "", path.join(workDir, "gateway-data"));
    app = startApp(appDir, appPort, `http://127.0.0.1:${proxyPort}`, dataDir);
    const base = `http://127.0.0.1:${appPort}`;
    await waitForServer(`http://127.0.0.1:${gatewayPort}`, gateway, 60_000);
    await waitForServer(base, app, 60_000);

    const makeStarted = Date.now();
    const taskIds = await makeTasks(base);
    log(
      `made ${taskIds.length} tasks through the studio in ${((Date.now() - makeStarted) / 1000).toFixed(1)} s`,
    );

    const latencies = [];
    const errors = [];
    const viewStarted = Date.now();
    const deadline = viewStarted + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: VIEWERS }, (_, index) =>
        viewer(base, taskIds[index % taskIds.length], deadline, latencies, errors),
      ),
    );
    const viewEnded = Date.now();
    const counted = await proxy.report();
    const retrieves = new Map(Object.entries(counted.retrieves));

    // Per task, per POLL_INTERVAL_MS window of the viewing time: how many retrieves reached
    // the gateway. Also the smallest gap between two retrieves of one task.
    const windows = Math.floor((viewEnded - viewStarted) / POLL_INTERVAL_MS);
    const perWindow = [];
    let minGapMs = Number.POSITIVE_INFINITY;
    let totalRetrieves = 0;
    for (const [, times] of retrieves) {
      const inView = times.filter(
        (t) => t >= viewStarted && t < viewStarted + windows * POLL_INTERVAL_MS,
      );
      totalRetrieves += inView.length;
      const counts = new Array(windows).fill(0);
      for (const t of inView) counts[Math.floor((t - viewStarted) / POLL_INTERVAL_MS)]++;
      perWindow.push(...counts);
      for (let i = 1; i < times.length; i++) minGapMs = Math.min(minGapMs, times[i] - times[i - 1]);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const maxPerWindow = Math.max(...perWindow);
    const meanPerWindow = perWindow.reduce((sum, n) => sum + n, 0) / perWindow.length;
    const statuses = await Promise.all(
      taskIds.map(async (id) => (await (await fetch(`${base}/api/tasks/${id}`)).json()).status),
    );

    log("");
    log(
      `viewers ${VIEWERS} on ${taskIds.length} tasks for ${((viewEnded - viewStarted) / 1000).toFixed(1)} s, each every ${VIEWER_EVERY_MS} ms ± ${VIEWER_JITTER_MS} ms; POLL_INTERVAL_MS ${POLL_INTERVAL_MS}`,
    );
    log(
      `tasks still running at the end: ${statuses.filter((s) => s === "queued" || s === "in_progress").length}/${taskIds.length} (${[...new Set(statuses)].join(", ")})`,
    );
    log("");
    log("  status route (GET /api/tasks/<id>)");
    log(
      `    requests            ${latencies.length} (${(latencies.length / ((viewEnded - viewStarted) / 1000)).toFixed(0)}/s), errors ${errors.length}`,
    );
    log(`    latency p50         ${percentile(sorted, 50).toFixed(1)} ms`);
    log(`    latency p95         ${percentile(sorted, 95).toFixed(1)} ms`);
    log(`    latency max         ${sorted.at(-1).toFixed(1)} ms`);
    log("  gateway (GET /v1/videos/<id>, counted at the proxy)");
    log(
      `    retrieves in view   ${totalRetrieves} for ${retrieves.size} tasks over ${windows} windows of ${POLL_INTERVAL_MS / 1000} s`,
    );
    log(`    per task per window max ${maxPerWindow}, mean ${meanPerWindow.toFixed(2)}`);
    log(`    smallest gap between two retrieves of one task ${(minGapMs / 1000).toFixed(2)} s`);
    log(
      `    without coalescing it would be ~${Math.round(latencies.length)} retrieves (one per status request)`,
    );
    log(`    other gateway calls (creates, content) ${counted.other}`);
    // A retrieve that times out is sent once more (lib/tasks/gateway.ts, "poll"): the proxy
    // counts both, so a busy gateway shows up here as retries, not as a broken claim.
    const timeouts = (
      app.output().match(/"event":"task\.refresh_failed"[^\n]*"code":"timeout:gateway"/g) ?? []
    ).length;
    const failed = (app.output().match(/"event":"task\.refresh_failed"/g) ?? []).length;
    log(
      `    refreshes that failed (after the client's retry) ${failed}, of them timeouts ${timeouts}`,
    );
    // The claim (a conditional UPDATE, judged by the database's clock) lets at most one
    // refresh start per task per interval; the GET then leaves when the server's event loop
    // gets to it, so on a saturated server two GETs can land in one fixed window at the proxy
    // (see the smallest gap). What the claim bounds is the rate: ≤ windows + 1 over the run.
    let worstRate = 0;
    for (const [, times] of retrieves) {
      const end = viewStarted + windows * POLL_INTERVAL_MS;
      const inView = times.filter((t) => t >= viewStarted && t < end);
      worstRate = Math.max(worstRate, inView.length / windows);
    }
    const seconds = POLL_INTERVAL_MS / 1000;
    log(`    per task over the run: worst ${worstRate.toFixed(2)} GETs per ${seconds} s interval`);
    log("");
    const bound = (TARGET_GETS_PER_INTERVAL * (windows + 1)) / windows;
    log(
      `${worstRate <= bound ? "PASS" : "MISS"} gateway GETs per task per ${seconds} s interval over the run: worst ${worstRate.toFixed(2)} (target ≤ ${TARGET_GETS_PER_INTERVAL}; one more allowed at the edges)`,
    );
    log(
      `${maxPerWindow <= TARGET_GETS_PER_INTERVAL ? "PASS" : "MISS"} gateway GETs in any fixed ${seconds} s window at the proxy: max ${maxPerWindow} (target ≤ ${TARGET_GETS_PER_INTERVAL})`,
    );
  } finally {
    await stopGroup(app?.child);
    await stopGroup(gateway?.child);
    if (proxy && proxy.child.exitCode === null) {
      const exited = new Promise((resolve) => proxy.child.once("exit", resolve));
      proxy.child.kill("SIGTERM");
      await exited;
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}
