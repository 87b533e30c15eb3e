import "server-only";
import { and, count, eq, gte, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { sequenceShots, tasks } from "@/lib/db/schema";
import { env, priceRates } from "@/lib/env";
import { estimateCost, formatUsd, type PriceRates, type VideoSize } from "@/lib/video-request";
import { chargedSql, costSql, sumWhen } from "./charge";
import { TaskError } from "./errors";

/** Key of the advisory lock that serialises budget checks with the insert they guard. */
export const SPEND_LOCK = 726_150;

type Tx = Pick<Db, "select" | "execute">;

function spentSql(rates: PriceRates) {
  // Estimated, with today's rates. Refused creates and the failures the gateway refunds cost
  // nothing; our own give-ups and unconfirmed creates may still be billed (charge.ts).
  return sumWhen(chargedSql, costSql(rates));
}

/**
 * What approved but not yet made videos will cost: a sequence's re-rolled shots are checked
 * against the budget once, when the member approves them, and made one after another as the
 * shot before each is kept. Until a shot's new task is written (which clears its `pending`,
 * in the same transaction), its cost, at the settings of the take it replaces, counts as spent,
 * so nothing approved meanwhile can take the same money. `by` narrows it to one member's.
 */
async function reservedSpend(tx: Tx, rates: PriceRates, by?: string): Promise<number> {
  const pending = and(
    eq(sequenceShots.rerollStatus, "pending"),
    by === undefined ? undefined : eq(sequenceShots.rerollBy, by),
  );
  const [row] = await tx
    .select({ reserved: sql<number>`coalesce(sum(${costSql(rates)}), 0)::float8` })
    .from(sequenceShots)
    .innerJoin(tasks, eq(tasks.id, sequenceShots.taskId))
    .where(pending);
  return Number(row?.reserved ?? 0);
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Refuses a submission that would pass a member's daily or the team's monthly budget, or the
 * per-member rate limit, with the numbers shown. Run inside the transaction that inserts the
 * task, after taking SPEND_LOCK, so two tabs cannot both squeeze under the limit.
 */
export async function checkSpend(
  tx: Tx,
  ownerId: string,
  request: { seconds: number; size: VideoSize },
  now = new Date(),
  /** How many videos this submission starts (its takes): all are checked together. */
  videos = 1,
): Promise<void> {
  await checkBatchSpend(tx, ownerId, Array(videos).fill(request), now, "takes");
}

/**
 * checkSpend for several videos that may differ in length and size (a sequence's re-rolled
 * shots), checked together: all fit, or the sentence says by how much they don't. `noun` names
 * them in the sentences ("These 3 shots would cost…").
 */
export async function checkBatchSpend(
  tx: Tx,
  ownerId: string,
  requests: readonly { seconds: number; size: VideoSize }[],
  now = new Date(),
  noun: "takes" | "shots" = "takes",
): Promise<void> {
  const { BUDGET_MEMBER_DAILY_USD, BUDGET_TEAM_MONTHLY_USD, SUBMIT_RATE_PER_MINUTE } = env();
  const rates = priceRates();
  const videos = requests.length;
  const cost = requests.reduce(
    (sum, request) => sum + estimateCost(request.seconds, request.size, rates),
    0,
  );
  const what = videos === 1 ? "This video" : `These ${videos} ${noun}`;

  // Every submission counts toward the rate limit, refused ones included: a refusal still
  // reached the gateway (a 429 or a quota refusal says it is already struggling), and a
  // script or a stuck button resending refused creates must be slowed down like any other.
  // Budgets, below, count only what may be billed.
  const [recent] = await tx
    .select({ n: count() })
    .from(tasks)
    .where(and(eq(tasks.ownerId, ownerId), gte(tasks.createdAt, new Date(now.getTime() - 60_000))));
  const started = recent?.n ?? 0;
  if (started + videos > SUBMIT_RATE_PER_MINUTE) {
    throw new TaskError(
      "rate_limited",
      videos === 1 || started >= SUBMIT_RATE_PER_MINUTE
        ? `You started ${started} videos in the last minute (the limit is ${SUBMIT_RATE_PER_MINUTE}). Wait a moment, then try again.`
        : `${videos} ${noun} would make ${started + videos} videos in the last minute (you started ${started}; the limit is ${SUBMIT_RATE_PER_MINUTE}). ${noun === "takes" ? "Choose fewer takes, or wait a moment." : "Wait a moment, then try again."}`,
    );
  }

  if (BUDGET_MEMBER_DAILY_USD !== undefined) {
    const [row] = await tx
      .select({ spent: spentSql(rates) })
      .from(tasks)
      .where(and(eq(tasks.ownerId, ownerId), gte(tasks.createdAt, startOfUtcDay(now))));
    const spent = Number(row?.spent ?? 0) + (await reservedSpend(tx, rates, ownerId));
    if (spent + cost > BUDGET_MEMBER_DAILY_USD + 1e-9) {
      throw new TaskError(
        "over_budget",
        `${what} would cost about ${formatUsd(cost)}, but only ${formatUsd(Math.max(0, BUDGET_MEMBER_DAILY_USD - spent))} is left of your ${formatUsd(BUDGET_MEMBER_DAILY_USD)} daily budget (${formatUsd(spent)} spent today, UTC). Try a shorter or 720P video, or ask an admin.`,
      );
    }
  }

  if (BUDGET_TEAM_MONTHLY_USD !== undefined) {
    const [row] = await tx
      .select({ spent: spentSql(rates) })
      .from(tasks)
      .where(gte(tasks.createdAt, startOfUtcMonth(now)));
    const spent = Number(row?.spent ?? 0) + (await reservedSpend(tx, rates));
    if (spent + cost > BUDGET_TEAM_MONTHLY_USD + 1e-9) {
      throw new TaskError(
        "over_budget",
        `${what} would cost about ${formatUsd(cost)}, but only ${formatUsd(Math.max(0, BUDGET_TEAM_MONTHLY_USD - spent))} is left of the team's ${formatUsd(BUDGET_TEAM_MONTHLY_USD)} monthly budget (${formatUsd(spent)} spent this month).`,
      );
    }
  }
}
