import { eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { type DemoVideoRow, demoVideos } from "@/lib/db/schema";

/** Where the demo gateway keeps its tasks: the app's database, or memory in unit tests. */
export interface DemoStore {
  insert(row: DemoVideoRow): Promise<void>;
  get(id: string): Promise<DemoVideoRow | undefined>;
  /** Its tasks created after `since` (those that may still run), for the concurrency cap. */
  createdSince(since: Date): Promise<DemoVideoRow[]>;
}

export function dbDemoStore(db: () => Promise<Db>): DemoStore {
  return {
    async insert(row) {
      await (await db()).insert(demoVideos).values(row);
    },
    async get(id) {
      const rows = await (await db())
        .select()
        .from(demoVideos)
        .where(eq(demoVideos.id, id))
        .limit(1);
      return rows[0];
    },
    async createdSince(since) {
      return (await db()).select().from(demoVideos).where(gt(demoVideos.createdAt, since));
    },
  };
}

export function memoryDemoStore(): DemoStore {
  const rows = new Map<string, DemoVideoRow>();
  return {
    async insert(row) {
      rows.set(row.id, structuredClone(row));
    },
    async get(id) {
      const row = rows.get(id);
      return row ? structuredClone(row) : undefined;
    },
    async createdSince(since) {
      return [...rows.values()]
        .filter((row) => row.createdAt.getTime() > since.getTime())
        .map((row) => structuredClone(row));
    },
  };
}
