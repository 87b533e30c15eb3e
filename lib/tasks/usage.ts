import "server-only";
import { count, desc, gte, max, sql, sum } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema";
import { priceRates } from "@/lib/env";

export interface UsageRow {
  /** UTC day, "2026-11-25". */
  day: string;
  memberId: string;
  memberName: string;
  tasks: number;
  seconds: number;
  /** Estimated, at today's rates. */
  spendUsd: number;
}

/** Tasks, seconds and estimated spend per member per UTC day, newest day first. */
export async function usageByMemberAndDay(days = 30, now = new Date()): Promise<UsageRow[]> {
  const db = await getDb();
  const rates = priceRates();
  const since = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)),
  );
  const day = sql<string>`to_char(${tasks.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      day,
      memberId: tasks.ownerId,
      memberName: max(tasks.ownerName),
      tasks: count(),
      seconds: sum(tasks.seconds),
      spend: sql<number>`coalesce(sum(${tasks.seconds} * case when ${tasks.size} = '1080P' then ${rates["1080P"]}::float8 else ${rates["720P"]}::float8 end), 0)::float8`,
    })
    .from(tasks)
    .where(gte(tasks.createdAt, since))
    .groupBy(day, tasks.ownerId)
    .orderBy(desc(day), tasks.ownerId);
  return rows.map((row) => ({
    day: row.day,
    memberId: row.memberId,
    memberName: row.memberName ?? row.memberId,
    tasks: Number(row.tasks),
    seconds: Number(row.seconds ?? 0),
    spendUsd: Math.round(Number(row.spend) * 100) / 100,
  }));
}

function csvField(value: string | number): string {
  const text = String(value);
  // Quote what needs it, and defuse spreadsheet formulas in names.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function usageCsv(rows: UsageRow[]): string {
  const header = ["day", "member", "member_id", "tasks", "seconds", "estimated_spend_usd"];
  const lines = rows.map((row) =>
    [row.day, row.memberName, row.memberId, row.tasks, row.seconds, row.spendUsd.toFixed(2)]
      .map(csvField)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
