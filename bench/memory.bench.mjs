// Memory bench: the server's RSS over 300 demo generations (issue 12: ≤ 250 MB, and no growth
// per 100 more). The production build runs in demo mode on the embedded database (PGlite),
// as `npm run demo` does, and each generation goes through the HTTP paths a browser uses:
// the first frame uploaded to the upload route, Generate posted to the submitVideo server
// action (as the form's fetch does), the studio page rendered for the task, the status route
// polled until the end, then the kept video and its poster fetched (the poster is made with
// ffmpeg once the result is copied: the bench waits for it, so that work is counted too), and
// the history page every 10 generations. RSS (the server and its children, from /proc) is
// printed before the first generation and after every 50.
//
// Needs the production build (`npm run build`). Env: BENCH_GENERATIONS (300), BENCH_AT_ONCE
// (3 generations in flight), BENCH_NODE_OPTIONS (passed to the server, e.g.
// `--heapsnapshot-signal=SIGUSR2` to take heap snapshots while it runs); the server also gets
// the Node flags of package.json's `start` script, on its command line as `npm run start` gives
// them (BENCH_NODE_FLAGS replaces them, e.g. `BENCH_NODE_FLAGS= ` for none). The server listens
// on the first free port of 3350–3359. Prints figures and PASS/MISS; a MISS does not fail the
// run.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  root,
  sleep,
  snapshotBuild,
  startNext,
  stopGroup,
  treeRss,
  waitForServer,
} from "./shared.mjs";

const GENERATIONS = Number(process.env.BENCH_GENERATIONS ?? 300);
const AT_ONCE = Number(process.env.BENCH_AT_ONCE ?? 3);
const REPORT_EVERY = 50;
const PORTS = [3350, 3359];
const MiB = 1024 * 1024;
const TARGET_RSS_MIB = 250;
/** "No growth per 100 more": RSS from generation 100 to the last, per 100, within noise. */
const TARGET_GROWTH_MIB_PER_100 = 10;
const POLL_EVERY_MS = 250;

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MB`;

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function benchPort() {
  for (let port = PORTS[0]; port <= PORTS[1]; port++) {
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${PORTS[0]}–${PORTS[1]}`);
}

/** The Node flags `npm run start` gives the server (`node <flags> …/next start`). */
function startNodeFlags() {
  if (process.env.BENCH_NODE_FLAGS !== undefined) {
    return process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  }
  const start = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start;
  return (/^node((?:\s+--\S+)*)\s/.exec(start)?.[1] ?? "").split(/\s+/).filter(Boolean);
}

/** The id Next gave the submitVideo action in this build (what the form's fetch sends). */
function submitActionId(appDir) {
  const manifest = JSON.parse(
    readFileSync(path.join(appDir, ".next/server/server-reference-manifest.json"), "utf8"),
  );
  const found = Object.entries(manifest.node).find(
    ([, entry]) => entry.filename === "app/actions.ts" && entry.exportedName === "submitVideo",
  );
  if (!found) throw new Error("submitVideo is not in the build's server action manifest");
  return found[0];
}

async function ok(response, what) {
  if (!response.ok) {
    throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  return response;
}

/** One generation, as the studio page makes it; returns whether a poster was made. */
async function generate(base, actionId, portrait, index) {
  const upload = await ok(
    await fetch(`${base}/api/uploads?kind=first_frame`, {
      method: "POST",
      headers: { "X-File-Name": "portrait.png", "Content-Type": "image/png" },
      body: portrait,
    }),
    "upload",
  );
  const mediaId = (await upload.json()).media.id;
  const answer = await ok(
    await fetch(`${base}/`, {
      method: "POST",
      headers: {
        "Next-Action": actionId,
        Accept: "text/x-component",
        "Content-Type": "text/plain;charset=UTF-8",
        Origin: base,
      },
      body: JSON.stringify([
        {
          media: [{ type: "first_frame", mediaId }],
          seconds: 2,
          size: "720P",
          prompt: `Memory bench ${index}: the portrait turns to the window`,
        },
        randomUUID(),
      ]),
    }),
    "submitVideo",
  );
  const text = await answer.text();
  const taskId = /"taskId":"([^"]+)"/.exec(text)?.[1];
  if (!taskId) throw new Error(`submitVideo did not start a task: ${text.slice(0, 300)}`);
  // The page shows the task (the form pushes ?task=<id>).
  await (await ok(await fetch(`${base}/?task=${taskId}`), "studio page")).arrayBuffer();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await (await ok(await fetch(`${base}/api/tasks/${taskId}`), "status")).json();
    if (view.status === "completed") break;
    if (["failed", "refused", "submit_unknown", "cancelled"].includes(view.status)) {
      throw new Error(`task ${taskId} ended ${view.status}: ${view.error?.message ?? ""}`);
    }
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not end in 60 s`);
    await sleep(POLL_EVERY_MS);
  }
  // The copy and the poster run after the status answer that saw the end: wait for them.
  let poster = false;
  const posterDeadline = Date.now() + 30_000;
  while (Date.now() < posterDeadline) {
    const response = await fetch(`${base}/api/tasks/${taskId}/poster`);
    await response.arrayBuffer();
    if (response.status === 200) {
      poster = true;
      break;
    }
    await sleep(POLL_EVERY_MS);
  }
  // The player loads the kept video.
  await (await ok(await fetch(`${base}/api/tasks/${taskId}/video`), "video")).arrayBuffer();
  if (index % 10 === 0) {
    await (await ok(await fetch(`${base}/videos`), "history page")).arrayBuffer();
  }
  return poster;
}

await main();

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-memory-bench-"));
  let server;
  try {
    const appDir = await snapshotBuild(path.join(workDir, "app"));
    const port = await benchPort();
    const base = `http://127.0.0.1:${port}`;
    // Ctrl-C (or a timeout's SIGTERM) still stops the server, which runs in its own group.
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.once(signal, () => {
        stopGroup(server?.child).finally(() => process.exit(130));
      });
    }
    server = startNext(
      appDir,
      port,
      path.join(workDir, "data"),
      {
        DEMO_STEP_MS: "100",
        POLL_INTERVAL_MS: "200",
        SUBMIT_RATE_PER_MINUTE: "100000",
        MAX_CONCURRENT_TASKS: "100",
      },
      process.env.BENCH_NODE_OPTIONS ?? "",
      startNodeFlags(),
    );
    await waitForServer(base, server);
    const actionId = submitActionId(appDir);
    const portrait = readFileSync(path.join(root, "e2e/media/portrait.png"));

    // What a visitor's first look costs: the studio page once, before any generation.
    await (await ok(await fetch(`${base}/`), "studio page")).arrayBuffer();
    const samples = [{ done: 0, rss: treeRss(server.child.pid) }];
    log(
      `server pid ${server.child.pid} on :${port}; ${GENERATIONS} generations, ${AT_ONCE} at once; node flags ${startNodeFlags().join(" ") || "(none)"}`,
    );
    log(`  after   0 generations  RSS ${mib(samples[0].rss)}`);

    const started = Date.now();
    let next = 1;
    let done = 0;
    let posters = 0;
    const worker = async () => {
      while (next <= GENERATIONS) {
        const index = next++;
        if (await generate(base, actionId, portrait, index)) posters++;
        done++;
        if (done % REPORT_EVERY === 0 || done === GENERATIONS) {
          const rss = treeRss(server.child.pid);
          samples.push({ done, rss });
          const seconds = ((Date.now() - started) / 1000).toFixed(0);
          log(`  after ${String(done).padStart(3)} generations  RSS ${mib(rss)}  (${seconds} s)`);
        }
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    // Idle for a moment: what stays once the work is over.
    await sleep(5000);
    const settled = treeRss(server.child.pid);
    log(`  5 s later               RSS ${mib(settled)}`);
    log(`posters made: ${posters}/${GENERATIONS}`);

    const peak = Math.max(...samples.map((sample) => sample.rss), settled);
    const from = samples.find((sample) => sample.done >= 100) ?? samples[0];
    const to = samples.at(-1);
    const growthPer100 =
      to.done > from.done ? ((to.rss - from.rss) / (to.done - from.done)) * 100 : 0;
    log("");
    log(
      `${peak <= TARGET_RSS_MIB * MiB ? "PASS" : "MISS"} highest RSS ${mib(peak)} (target ≤ ${TARGET_RSS_MIB} MB)`,
    );
    log(
      `${growthPer100 <= TARGET_GROWTH_MIB_PER_100 * MiB ? "PASS" : "MISS"} growth from generation ${from.done} to ${to.done}: ${mib(growthPer100)} per 100 (target ≤ ${TARGET_GROWTH_MIB_PER_100} MB, i.e. none beyond noise)`,
    );
    log(
      `${posters === GENERATIONS ? "PASS" : "MISS"} every generation kept its video and made its poster: ${posters}/${GENERATIONS}`,
    );
  } finally {
    await stopGroup(server?.child);
    rmSync(workDir, { recursive: true, force: true });
  }
}
