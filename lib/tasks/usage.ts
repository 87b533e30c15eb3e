import "server-only";
import { desc, gte, max, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema";
import { priceRates } from "@/lib/env";
import { chargedSql, costSql, countWhen, refundedSql, sumWhen } from "./charge";

export interface UsageRow {
  /** UTC day, "2026-11-25". */
  day: string;
  memberId: string;
  memberName: string;
  /** Videos that may be billed: running, completed, our own give-ups, unconfirmed creates. */
  tasks: number;
  seconds: number;
  /** Estimated, at today's rates, over `tasks`. */
  spendUsd: number;
  /** Videos the gateway reported failed, which it refunds; not in `tasks` or `spendUsd`. */
  refunded: number;
  /** What those would have cost, estimated at today's rates. */
  refundedUsd: number;
  /** Creates the gateway refused: nothing started, nothing to pay. */
  refused: number;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * Tasks, seconds and estimated spend per member per UTC day, newest day first, with refunded
 * failures and refused creates counted apart (charge.ts says which is which).
 */
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
      tasks: countWhen(chargedSql),
      seconds: sumWhen(chargedSql, sql`${tasks.seconds}`),
      spend: sumWhen(chargedSql, costSql(rates)),
      refunded: countWhen(refundedSql),
      refundedSpend: sumWhen(refundedSql, costSql(rates)),
      refused: countWhen(sql`${tasks.status} = 'refused'`),
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
    seconds: Number(row.seconds),
    spendUsd: cents(Number(row.spend)),
    refunded: Number(row.refunded),
    refundedUsd: cents(Number(row.refundedSpend)),
    refused: Number(row.refused),
  }));
}

function csvField(value: string | number): string {
  const text = String(value);
  // Quote what needs it, and defuse spreadsheet formulas in names.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The new columns come last, so a spreadsheet reading the first six by position still works. */
export function usageCsv(rows: UsageRow[]): string {
  const header = [
    "day",
    "member",
    "member_id",
    "tasks",
    "seconds",
    "estimated_spend_usd",
    "refunded_tasks",
    "refunded_usd",
    "refused_tasks",
  ];
  const lines = rows.map((row) =>
    [
      row.day,
      row.memberName,
      row.memberId,
      row.tasks,
      row.seconds,
      row.spendUsd.toFixed(2),
      row.refunded,
      row.refundedUsd.toFixed(2),
      row.refused,
    ]
      .map(csvField)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
