// Helpers shared by the bench/*.bench.mjs scripts (this file is not a bench itself).
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync } from "node:fs";
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
