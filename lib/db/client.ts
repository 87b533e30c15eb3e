import "server-only";
import { mkdir } from "node:fs/promises";
import path from "node:path";
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
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = path.resolve(DATA_DIR, "db");
  // PGlite does not create parent folders.
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return db as unknown as Db;
}

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
