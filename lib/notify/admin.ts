import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { outboxEvents, type WebhookDeliveryStatus, webhookDeliveries } from "@/lib/db/schema";
import { maskUrl, urlKey } from "./deliver";
import { headline, type WebhookEvent } from "./events";

/** One delivery as the admin page shows it: never the full URL (it may hold a token). */
export interface DeliveryView {
  eventId: string;
  /** Names the URL in forms (a hash), so "Send again" never sends the URL to the browser. */
  key: string;
  target: string;
  type: string;
  headline: string;
  taskId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  eventAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}

/** The newest deliveries, optionally of one status. */
export async function listDeliveries(
  options: { status?: WebhookDeliveryStatus; limit?: number } = {},
): Promise<DeliveryView[]> {
  const db = await getDb();
  const rows = await db
    .select({ delivery: webhookDeliveries, event: outboxEvents })
    .from(webhookDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
    .where(options.status ? eq(webhookDeliveries.status, options.status) : undefined)
    .orderBy(desc(outboxEvents.seq), webhookDeliveries.url)
    .limit(options.limit ?? 100);
  return rows.map(({ delivery, event }) => ({
    eventId: event.id,
    key: urlKey(delivery.url),
    target: maskUrl(delivery.url),
    type: event.type,
    headline: headline(JSON.parse(event.body) as WebhookEvent),
    taskId: event.taskId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    eventAt: event.createdAt,
    lastAttemptAt: delivery.lastAttemptAt,
    nextAttemptAt: delivery.nextAttemptAt,
    deliveredAt: delivery.deliveredAt,
  }));
}

/** How many deliveries are in each status. */
export async function deliveryCounts(): Promise<Record<WebhookDeliveryStatus, number>> {
  const db = await getDb();
  const rows = await db
    .select({ status: webhookDeliveries.status, count: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .groupBy(webhookDeliveries.status);
  const counts = { pending: 0, delivered: 0, failed: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

/**
 * An admin's "Send again": the delivery goes back to pending, due now, with a fresh 24 h of
 * retries and the same event id (a receiver that has it already can tell). False when there
 * is no such delivery, or it is being tried right now.
 */
export async function sendAgain(eventId: string, key: string): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .select({ url: webhookDeliveries.url, status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.eventId, eventId));
  const target = rows.find((row) => urlKey(row.url) === key);
  if (!target) return false;
  const updated = await db
    .update(webhookDeliveries)
    .set({
      status: "pending",
      nextAttemptAt: sql`now()`,
      windowStartedAt: sql`now()`,
      deliveredAt: null,
    })
    .where(
      and(
        eq(webhookDeliveries.eventId, eventId),
        eq(webhookDeliveries.url, target.url),
        // A pending one in its lease is being tried: leave it be.
        sql`not (${webhookDeliveries.status} = 'pending' and ${webhookDeliveries.nextAttemptAt} > now() and ${webhookDeliveries.lastAttemptAt} > now() - interval '2 minutes')`,
      ),
    )
    .returning({ eventId: webhookDeliveries.eventId });
  return updated.length > 0;
}
