// Helpers shared by the bench/*.bench.mjs scripts (this file is not a bench itself).
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A private copy of the production build to run, in `dir`: other work in this checkout may
 * rebuild `.next` while a bench runs, which would pull chunks from under a running server.
 * The copy gets the build (without its cache) and links to everything else `next start`
 * reads (node_modules, config, public, and lib/ for migrations and the demo's sample videos).
 */
export async function snapshotBuild(dir) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (existsSync(buildId)) {
      const before = readFileSync(buildId, "utf8");
      rmSync(path.join(dir, ".next"), { recursive: true, force: true });
      try {
        cpSync(path.join(root, ".next"), path.join(dir, ".next"), {
          recursive: true,
          filter: (source) => !source.startsWith(path.join(root, ".next", "cache")),
        });
        if (existsSync(buildId) && readFileSync(buildId, "utf8") === before) break;
      } catch {
        // A rebuild removed files while we copied: try again.
      }
    }
    if (Date.now() > deadline) throw new Error("no production build: run `npm run build` first");
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  for (const name of ["node_modules", "package.json", "next.config.mjs", "public", "lib"]) {
    if (existsSync(path.join(root, name))) symlinkSync(path.join(root, name), path.join(dir, name));
  }
  return dir;
}

/** Whether nobody listens on `port` on 127.0.0.1 right now. */
function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * The first free port in `first`–`last` (a bench's own range, so benches and e2e servers
 * running beside it never collide), skipping any in `taken`.
 */
export async function freePortIn(first, last, taken = []) {
  for (let port = first; port <= last; port++) {
    if (!taken.includes(port) && (await portFree(port))) return port;
  }
  throw new Error(`no free port in ${first}–${last}`);
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS of `pid` and all its descendants, in bytes (Linux /proc). */
export function treeRss(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const current = stack.pop();
    try {
      const status = readFileSync(`/proc/${current}/status`, "utf8");
      const match = status.match(/^VmRSS:\s+(\d+) kB/m);
      if (match) total += Number(match[1]) * 1024;
      for (const task of readFileSync(`/proc/${current}/task/${current}/children`, "utf8").split(
        /\s+/,
      )) {
        if (task) stack.push(Number(task));
      }
    } catch {
      // The process (or a child) ended between two reads.
    }
  }
  return total;
}

/** The p-th percentile (nearest rank) of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every optional setting the app reads, emptied, so a developer's shell cannot leak a real key,
 * database, bucket, sign-in or webhook receiver into a bench server: it starts in demo mode
 * unless a bench says otherwise. The one list the e2e servers use too (playwright.config.ts).
 */
export const NO_SETTINGS = Object.fromEntries(
  JSON.parse(readFileSync(path.join(root, "e2e/no-settings.json"), "utf8")).map((name) => [
    name,
    "",
  ]),
);

/**
 * `next start` on a private build (`snapshotBuild`), on 127.0.0.1:`port`, in its own process
 * group (so `stopGroup` ends it with its children), with DATA_DIR = `dataDir` and `settings`
 * over an environment emptied of the app's optional settings. Its output is kept for errors.
 * `nodeFlags` are given to Node on its command line (as `npm run start` gives its own).
 */
export function startNext(appDir, port, dataDir, settings = {}, nodeOptions = "", nodeFlags = []) {
  const args = ["start", "-H", "127.0.0.1", "-p", String(port)];
  const child = spawn(
    nodeFlags.length > 0 ? process.execPath : path.join(root, "node_modules/.bin/next"),
    nodeFlags.length > 0
      ? [...nodeFlags, path.join(root, "node_modules/next/dist/bin/next"), ...args]
      : args,
    {
      cwd: appDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: dataDir,
        PORT: String(port),
        ...NO_SETTINGS,
        ...settings,
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

/** Waits until `server` (from startNext) answers on `base`; throws with its output if not. */
export async function waitForServer(base, server, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${base}/api/tasks/warm-up-probe`).catch(() => null);
    if (response?.status === 404) return;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the server did not start:\n${server.output().slice(-2000)}`);
    }
    await sleep(300);
  }
}

/** Ends a process group started by startNext: SIGTERM, then SIGKILL after 5 s. */
export async function stopGroup(child) {
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
