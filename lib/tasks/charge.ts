import { type SQL, sql } from "drizzle-orm";
import { type TaskRow, tasks } from "@/lib/db/schema";
import type { PriceRates } from "@/lib/video-request";

/**
 * What a task costs the team, as far as we can tell. The gateway refunds the tasks it reports
 * failed; it never bills a create it refused. Everything else is charged, including the
 * failures that are our own decision rather than the gateway's word, because the gateway may
 * still be running (and billing) those tasks:
 */
export const ownFailureCodes = [
  /** We stopped waiting after TASK_TIMEOUT_MS (refresh.ts). */
  "timeout",
  /** We stopped after UNKNOWN_STATUS_TIMEOUT_MS of `unknown` answers (state.ts). */
  "unknown_status",
  /** The gateway answered 404 for the id: it never said the task failed. */
  "task_not_exist",
] as const;

/**
 * `charged`: counts toward budgets and spend (running, completed, our own give-ups and
 * `submit_unknown`, which may be running). `refunded`: failed by the gateway's word.
 * `free`: refused at create, or cancelled while waiting in our queue: nothing started.
 * A task `waiting` in our queue is charged: it will be sent, so budgets keep its cost aside.
 */
export type Charge = "charged" | "refunded" | "free";

export function chargeOf(row: Pick<TaskRow, "status" | "errorCode">): Charge {
  if (row.status === "refused" || row.status === "cancelled") return "free";
  if (
    row.status === "failed" &&
    !(ownFailureCodes as readonly string[]).includes(row.errorCode ?? "")
  ) {
    return "refunded";
  }
  return "charged";
}

// The same rule as chargeOf, in SQL, for sums over many rows.
const ownCodes = sql.join(
  ownFailureCodes.map((code) => sql`${code}`),
  sql`, `,
);

export const refundedSql: SQL = sql`(${tasks.status} = 'failed' and coalesce(${tasks.errorCode}, '') not in (${ownCodes}))`;
export const chargedSql: SQL = sql`(${tasks.status} not in ('refused', 'cancelled') and not ${refundedSql})`;

/** A task's estimated cost at today's rates. */
export function costSql(rates: PriceRates): SQL<number> {
  return sql<number>`(${tasks.seconds} * case when ${tasks.size} = '1080P' then ${rates["1080P"]}::float8 else ${rates["720P"]}::float8 end)`;
}

/** The sum of `value` over the rows that match `when`, 0 when none do. */
export function sumWhen(when: SQL, value: SQL): SQL<number> {
  return sql<number>`coalesce(sum(case when ${when} then ${value} else 0 end), 0)::float8`;
}

export function countWhen(when: SQL): SQL<number> {
  return sql<number>`count(*) filter (where ${when})`;
}
