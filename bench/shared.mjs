// Helpers shared by the bench/*.bench.mjs scripts (this file is not a bench itself).
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
