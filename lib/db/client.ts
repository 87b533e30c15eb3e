import "server-only";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import v8 from "node:v8";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

const MIGRATIONS = path.join(process.cwd(), "lib/db/migrations");

/**
 * Opens the database once per process and applies migrations: embedded Postgres (PGlite)
 * under DATA_DIR by default, a Postgres server when DATABASE_URL is set. Same dialect, same
 * migrations, so what runs in the demo runs in production.
 */
async function open(): Promise<Db> {
  const { DATABASE_URL, DATA_DIR } = env();
  if (DATABASE_URL) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // connect_timeout: a status request fails fast (and says "we keep trying") rather than
    // waiting out a database outage behind a pooler that accepts and holds connections.
    const sql = postgres(DATABASE_URL, { max: 10, connect_timeout: 10, onnotice: () => {} });
    const db = drizzle(sql, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS });
    return db as unknown as Db;
  }
  compileWasmOnce();
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = path.resolve(DATA_DIR, "db");
  // PGlite does not create parent folders.
  await mkdir(dir, { recursive: true });
  if (!existsSync(path.join(dir, "PG_VERSION"))) await initEmbedded(dir);
  // Postgres's shared buffers are written at start-up inside PGlite's WASM memory and stay
  // resident for the server's life, all of them: the default 128 MB cost ~130 MB of RSS for a
  // database of a few MB. 4 MB (512 pages) still holds the demo's working set; measured with
  // PGlite alone, open + migrations: WASM memory 151 MB (128 MB), 29 MB (16 MB), 17 MB (4 MB).
  // Pages beyond them are read again from the data folder, through the OS's file cache.
  const client = await PGlite.create(dir, {
    // As command-line settings, over PGlite's own: its `postgresqlconf` option would rewrite
    // the database's postgresql.conf (and drop initdb's settings in it).
    startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=4MB"],
  });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return db as unknown as Db;
}

/**
 * PGlite is Postgres compiled to a 9 MB WebAssembly module. V8 compiles it twice by default:
 * quickly (Liftoff) to start, then again, optimised (TurboFan), in the background, keeping
 * both. Measured on this project's 2-core machine: the second compile holds ~50 MB of RSS
 * for the server's life (181 → 134 MB for PGlite alone) and competes with requests for the
 * CPU while it runs (open 1.7 s → 0.4 s). The demo's queries are small, so the baseline code
 * is enough; the flag only concerns WebAssembly, and only PGlite compiles any here. Set
 * before PGlite's module is compiled (a later compile would not see it).
 */
function compileWasmOnce(): void {
  v8.setFlagsFromString("--liftoff-only");
}

/**
 * Creates a fresh embedded database (initdb) in a short-lived child process. In-process,
 * initdb's own WASM instance and memory stay reachable after it ends, and a server that opened
 * an empty folder carried ~480 MB more RSS for its whole life than one that opened an
 * existing database (measured: 788 MB against 294 MB after PGlite.create).
 */
async function initEmbedded(dir: string): Promise<void> {
  const script = [
    'const { PGlite } = await import("@electric-sql/pglite");',
    "const db = await PGlite.create(process.argv[1]);",
    "await db.close();",
  ].join("\n");
  // The child resolves PGlite from the project's node_modules, as the server does.
  await run(process.execPath, ["--input-type=module", "-e", script, dir], {
    cwd: process.cwd(),
    timeout: 120_000,
  });
}

const run = promisify(execFile);

// Kept on globalThis so dev-mode module reloads reuse one connection (PGlite allows one
// process per data folder).
const holder = globalThis as unknown as { __wanStudioDb?: Promise<Db> };

export function getDb(): Promise<Db> {
  if (!holder.__wanStudioDb) {
    holder.__wanStudioDb = open().catch((error) => {
      // Don't cache a failure: the next request tries again.
      holder.__wanStudioDb = undefined;
      throw error;
    });
  }
  return holder.__wanStudioDb;
}
