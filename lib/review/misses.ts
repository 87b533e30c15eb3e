import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { shareMisses } from "@/lib/db/schema";
import { env } from "@/lib/env";

/** Wrong share tokens are counted in fixed windows of this length. */
export const MISS_WINDOW_MS = 10 * 60 * 1000;
/** The key under which every client's misses are counted too (the team-wide cap). */
const ALL_CLIENTS = "*";

function windowOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MISS_WINDOW_MS) * MISS_WINDOW_MS);
}

/**
 * Whether this client (or everyone together) has tried too many wrong tokens in the current
 * window. Counted in the database, so every instance (serverless ones too) shares the count.
 * Returns when the window ends (for Retry-After), or null when the client may try.
 */
export async function limitedUntil(clientKey: string, now = new Date()): Promise<Date | null> {
  const db = await getDb();
  const start = windowOf(now);
  const rows = await db
    .select({ clientKey: shareMisses.clientKey, misses: shareMisses.misses })
    .from(shareMisses)
    .where(
      and(
        eq(shareMisses.windowStart, start),
        sql`${shareMisses.clientKey} in (${clientKey}, ${ALL_CLIENTS})`,
      ),
    );
  const { SHARE_MISSES_PER_CLIENT, SHARE_MISSES_TOTAL } = env();
  const over = rows.some((row) =>
    row.clientKey === ALL_CLIENTS
      ? row.misses >= SHARE_MISSES_TOTAL
      : row.misses >= SHARE_MISSES_PER_CLIENT,
  );
  return over ? new Date(start.getTime() + MISS_WINDOW_MS) : null;
}

/** Counts one wrong (or expired, or revoked) token for this client and for everyone. */
export async function recordMiss(clientKey: string, now = new Date()): Promise<void> {
  const db = await getDb();
  const start = windowOf(now);
  const [mine] = await db
    .insert(shareMisses)
    .values([
      { clientKey, windowStart: start, misses: 1 },
      { clientKey: ALL_CLIENTS, windowStart: start, misses: 1 },
    ])
    .onConflictDoUpdate({
      target: [shareMisses.clientKey, shareMisses.windowStart],
      set: { misses: sql`${shareMisses.misses} + 1` },
    })
    .returning({ misses: shareMisses.misses });
  // The first miss of a window clears windows older than a day: the table stays small.
  if (mine?.misses === 1) {
    await db
      .delete(shareMisses)
      .where(lt(shareMisses.windowStart, new Date(start.getTime() - 24 * 3600 * 1000)));
  }
}
