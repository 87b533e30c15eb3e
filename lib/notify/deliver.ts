import "server-only";
import { createHash } from "node:crypto";
import { and, eq, inArray, min, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import {
  outboxEvents,
  type TaskRow,
  tasks,
  type WebhookDeliveryRow,
  webhookDeliveries,
} from "@/lib/db/schema";
import { env } from "@/lib/env";
import { logEvent } from "@/lib/tasks/log";
import type { WebhookEvent } from "./events";
import { webhookHeaders } from "./signature";
import { isSlackUrl, slackMessage } from "./slack";

/**
 * Posts the outbox's events to WEBHOOK_URLS. Each (event, URL) pair is a job claimed like our
 * others: a conditional update under `for update skip locked` takes a lease a little longer
 * than one try may last, so two sweepers (or a sweeper beside a request's after-work) never
 * post one event to one URL at once, and a try cut short by a crash falls due again when the
 * lease ends. At least once, with the event's stable id: a receiver that answered but whose
 * answer we lost gets the same `webhook-id` again and can drop the repeat.
 *
 * Every try is bounded (WEBHOOK_TIMEOUT_MS) and runs on its own, so a receiver that hangs
 * delays nothing but its own deliveries. 2xx: delivered. A timeout, a lost connection, 408,
 * 425, 429 or 5xx: tried again with back-off (5 s, 15 s, 45 s… at most 2 h apart) for 24 h.
 * A redirect or another 4xx: failed at once (the receiver said no; an admin can send again).
 */

/** Retries stop this long after the event (or after an admin's "Send again"). */
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 2 * 3600 * 1000;
/** A finished video's event waits at most this long for its poster frame (Slack shows it). */
const POSTER_WAIT_MS = 120_000;
/** How often a waiting event looks again for its poster (a few cheap queries each time). */
const POSTER_RECHECK_MS = 250;
/** Claimed at most this many at a time, per claim. */
const BATCH = 25;
/** Tries one round of the pump starts at most (the cron route: four times as many). */
const MAX_PER_ROUND = 50;

/** Wait before the try after the `attempts`-th: 5 s, tripling, at most 2 h, ±20 %. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 3 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A short, stable name for a URL (admin forms, logs): never the URL, which may hold a token. */
export function urlKey(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 16);
}

/**
 * A URL as the admin page shows it: scheme, host and the first path segment. Slack's (and
 * many others') webhook URLs carry their secret in the path.
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const [first, ...rest] = parsed.pathname.split("/").filter(Boolean);
    const path = first ? `/${first}${rest.length > 0 || parsed.search ? "/…" : ""}` : "/";
    return `${parsed.origin}${path}`;
  } catch {
    return "(not a URL)";
  }
}

type Outcome =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; status?: number; error: string }
  | { kind: "failed"; status?: number; error: string };

/** What one answer (or its absence) means for the delivery. */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  if (status >= 300 && status < 400) {
    return {
      kind: "failed",
      status,
      error: `The receiver answered a redirect (HTTP ${status}); webhooks do not follow redirects, so put the final URL in WEBHOOK_URLS.`,
    };
  }
  if (status >= 500 || status === 408 || status === 425 || status === 429) {
    return { kind: "retry", status, error: `The receiver answered HTTP ${status}.` };
  }
  return {
    kind: "failed",
    status,
    error: `The receiver refused the event (HTTP ${status}); it is not tried again by itself.`,
  };
}

function failureOf(error: unknown, timeoutMs: number): Outcome {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return { kind: "retry", error: `No answer within ${timeoutMs / 1000} s.` };
  }
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return {
    kind: "retry",
    error: cause ? `Could not reach the receiver (${cause}).` : "Could not reach the receiver.",
  };
}

/** Claims the due deliveries (pending, past their time), taking a lease on each. */
async function claimDue(db: Db, limit: number): Promise<WebhookDeliveryRow[]> {
  const leaseSeconds = env().WEBHOOK_TIMEOUT_MS / 1000 + 30;
  return db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastAttemptAt: sql`now()`,
      nextAttemptAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .where(
      sql`(${webhookDeliveries.eventId}, ${webhookDeliveries.url}) in (
        select event_id, url from webhook_deliveries
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked)`,
    )
    .returning();
}

/** Records a try's outcome, if the claim is still ours (no later claim took the row). */
async function record(db: Db, row: WebhookDeliveryRow, outcome: Outcome): Promise<void> {
  const mine = and(
    eq(webhookDeliveries.eventId, row.eventId),
    eq(webhookDeliveries.url, row.url),
    eq(webhookDeliveries.attempts, row.attempts),
    eq(webhookDeliveries.status, "pending"),
  );
  if (outcome.kind === "delivered") {
    await db
      .update(webhookDeliveries)
      .set({
        status: "delivered",
        deliveredAt: sql`now()`,
        lastStatus: outcome.status,
        lastError: null,
      })
      .where(mine);
    return;
  }
  const windowEnds = row.windowStartedAt.getTime() + RETRY_WINDOW_MS;
  const now = Date.now();
  if (outcome.kind === "failed" || now >= windowEnds) {
    const error =
      outcome.kind === "failed"
        ? outcome.error
        : `${outcome.error} Gave up after 24 hours of tries (${row.attempts}).`;
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", lastStatus: outcome.status ?? null, lastError: error })
      .where(mine);
    return;
  }
  // The last try lands at the window's end, not after it.
  const next = Math.min(now + retryDelayMs(row.attempts), windowEnds);
  await db
    .update(webhookDeliveries)
    .set({
      nextAttemptAt: new Date(next),
      lastStatus: outcome.status ?? null,
      lastError: outcome.error,
    })
    .where(mine);
}

/**
 * A finished video's event waits (a quarter second at a time, two minutes at most) until its poster
 * frame is made or its copy failed: the message then shows the frame, and the links play
 * from our storage. Failures and other events never wait.
 */
function waitsForPoster(
  event: WebhookEvent,
  task: Pick<TaskRow, "posterKey" | "resultKey" | "resultCopyError"> | undefined,
  eventAt: Date,
): boolean {
  if (event.type !== "completed" || !task) return false;
  if (task.posterKey || task.resultCopyError) return false;
  const age = Date.now() - eventAt.getTime();
  // Kept but no frame after a while: the poster could not be made; go without it.
  if (task.resultKey && age > 15_000) return false;
  return age < POSTER_WAIT_MS;
}

/** Gives a claim back untouched (its try did not count): it falls due again shortly. */
async function postpone(db: Db, row: WebhookDeliveryRow, ms: number): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      attempts: row.attempts - 1,
      nextAttemptAt: new Date(Date.now() + ms),
    })
    .where(
      and(
        eq(webhookDeliveries.eventId, row.eventId),
        eq(webhookDeliveries.url, row.url),
        eq(webhookDeliveries.attempts, row.attempts),
      ),
    );
}

/** One post, bounded in time; never throws. */
async function post(url: string, event: WebhookEvent, body: string): Promise<Outcome> {
  const { WEBHOOK_SECRET, WEBHOOK_TIMEOUT_MS } = env();
  const slack = isSlackUrl(url);
  const sent = slack ? JSON.stringify(slackMessage(event)) : body;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "wan-studio-webhooks/1",
        ...webhookHeaders(slack ? undefined : WEBHOOK_SECRET, event.id, sent),
      },
      body: sent,
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    // The answer's body is not needed: drop it rather than wait for it.
    await response.body?.cancel().catch(() => {});
    return outcomeOf(response.status);
  } catch (error) {
    return failureOf(error, WEBHOOK_TIMEOUT_MS);
  }
}

export interface DeliverResult {
  claimed: number;
  delivered: number;
}

/** One claimed delivery, start to record. Never throws. */
async function attempt(
  db: Db,
  row: WebhookDeliveryRow,
  event: { body: string; createdAt: Date } | undefined,
  task: Pick<TaskRow, "posterKey" | "resultKey" | "resultCopyError"> | undefined,
): Promise<boolean> {
  try {
    if (!event) return false;
    if (!env().WEBHOOK_URLS.includes(row.url)) {
      // The server posts only where today's settings say.
      await record(db, row, {
        kind: "failed",
        error: "This URL is no longer in WEBHOOK_URLS, so nothing was sent.",
      });
      return false;
    }
    const parsed = JSON.parse(event.body) as WebhookEvent;
    if (waitsForPoster(parsed, task, event.createdAt)) {
      await postpone(db, row, POSTER_RECHECK_MS);
      return false;
    }
    const started = Date.now();
    const outcome = await post(row.url, parsed, event.body);
    await record(db, row, outcome);
    logEvent("webhook.attempt", {
      eventId: row.eventId,
      target: urlKey(row.url),
      attempt: row.attempts,
      outcome: outcome.kind,
      status: outcome.status,
      ms: Date.now() - started,
    });
    return outcome.kind === "delivered";
  } catch (error) {
    logEvent("webhook.attempt_failed", {
      eventId: row.eventId,
      target: urlKey(row.url),
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
    return false;
  }
}

/**
 * Claims due deliveries, in batches, up to `max`, and starts each on its own (not awaited).
 * The cap bounds the sockets one round opens; what is left is due, and the next round (a try
 * ending, the sweeper, the cron) takes it.
 */
async function claimAndStart(db: Db, limit: number, max: number): Promise<Promise<boolean>[]> {
  const runs: Promise<boolean>[] = [];
  while (runs.length < max) {
    const want = Math.min(limit, max - runs.length);
    const batch = await claimDue(db, want);
    if (batch.length === 0) break;
    const events = await db
      .select({
        id: outboxEvents.id,
        body: outboxEvents.body,
        createdAt: outboxEvents.createdAt,
        taskId: outboxEvents.taskId,
      })
      .from(outboxEvents)
      .where(inArray(outboxEvents.id, [...new Set(batch.map((row) => row.eventId))]));
    const taskIds = events.map((event) => event.taskId).filter((id): id is string => Boolean(id));
    const taskRows =
      taskIds.length > 0
        ? await db
            .select({
              id: tasks.id,
              posterKey: tasks.posterKey,
              resultKey: tasks.resultKey,
              resultCopyError: tasks.resultCopyError,
            })
            .from(tasks)
            .where(inArray(tasks.id, taskIds))
        : [];
    for (const row of batch) {
      const event = events.find((candidate) => candidate.id === row.eventId);
      const task = taskRows.find((candidate) => candidate.id === event?.taskId);
      runs.push(attempt(db, row, event, task));
    }
    // Fewer than asked may only mean another sweeper holds the rest: ask until none is left.
  }
  return runs;
}

/**
 * Claims every due delivery and tries each; resolves when all the tries are done (the cron
 * route, tests and benches wait for it). A slow receiver's try runs beside the others.
 */
export async function deliverDue(
  options: { db?: Db; limit?: number; max?: number } = {},
): Promise<DeliverResult> {
  const db = options.db ?? (await getDb());
  const runs = await claimAndStart(db, options.limit ?? BATCH, options.max ?? MAX_PER_ROUND * 4);
  const results = await Promise.all(runs);
  return { claimed: runs.length, delivered: results.filter(Boolean).length };
}

/** When the next pending delivery falls due, or null when none is pending. */
export async function nextDueAt(db?: Db): Promise<Date | null> {
  const database = db ?? (await getDb());
  const [row] = await database
    .select({ next: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"));
  return row?.next ? new Date(row.next) : null;
}

const pump = globalThis as unknown as {
  __wanStudioWebhookPump?: { claiming: boolean; again: boolean; timer?: NodeJS.Timeout };
};

/**
 * Delivers what is due now, in this process. Only the claims are serialised: the tries they
 * start run on their own, so a receiver that hangs never holds up the next event's claim. A
 * finished task's event leaves at once (after the answer, in a request); while deliveries
 * wait (back-off, a poster), a timer looks again when the next falls due. Resolves when the
 * tries it started are done (a request's `after()` keeps them alive on Vercel). Never throws.
 */
export async function deliverSoon(): Promise<void> {
  if (env().WEBHOOK_URLS.length === 0) return;
  if (!pump.__wanStudioWebhookPump) pump.__wanStudioWebhookPump = { claiming: false, again: false };
  const state = pump.__wanStudioWebhookPump;
  if (state.claiming) {
    state.again = true;
    return;
  }
  state.claiming = true;
  const runs: Promise<boolean>[] = [];
  try {
    const db = await getDb();
    do {
      state.again = false;
      // Each try, when it ends, sets the timer for what falls due next (a retry, a poster
      // wait): never after its siblings, one of which may hang until its timeout.
      const started = await claimAndStart(db, BATCH, MAX_PER_ROUND);
      runs.push(...started.map((run) => run.finally(() => void scheduleNext())));
    } while (state.again);
  } catch (error) {
    logEvent("webhook.claim_failed", {
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
  } finally {
    state.claiming = false;
  }
  if (runs.length === 0) await scheduleNext();
  await Promise.allSettled(runs);
}

/** A timer for the next delivery due soon (back-off, a poster), in this process. */
async function scheduleNext(): Promise<void> {
  const state = pump.__wanStudioWebhookPump;
  if (!state) return;
  const next = await nextDueAt().catch(() => null);
  if (!next) return;
  const wait = Math.max(50, next.getTime() - Date.now() + 25);
  // Far-off retries are left to the sweeper (and the cron route on Vercel).
  const every = env().SWEEP_INTERVAL_MS;
  if (every > 0 && wait > every) return;
  if (state.timer) clearTimeout(state.timer);
  state.timer = setTimeout(() => {
    state.timer = undefined;
    void deliverSoon();
  }, wait);
  state.timer.unref();
}

/**
 * Under `next start`: looks for due deliveries every SWEEP_INTERVAL_MS (retries, events a
 * crash left behind), beside the task sweeper and independent of it. On Vercel the cron
 * route calls deliverDue instead.
 */
export function startWebhookSweeper(): void {
  const every = env().SWEEP_INTERVAL_MS;
  const holder = globalThis as unknown as { __wanStudioWebhookSweeper?: NodeJS.Timeout };
  if (every === 0 || holder.__wanStudioWebhookSweeper || env().WEBHOOK_URLS.length === 0) return;
  holder.__wanStudioWebhookSweeper = setInterval(() => void deliverSoon(), every);
  holder.__wanStudioWebhookSweeper.unref();
  void deliverSoon();
}
