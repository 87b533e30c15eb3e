import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ResultNote } from "@/components/result-note";
import { requirePageUser } from "@/lib/auth/session";
import type { WebhookDeliveryStatus } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { type DeliveryView, deliveryCounts, listDeliveries } from "@/lib/notify/admin";
import { maskUrl } from "@/lib/notify/deliver";
import { sendWebhookAgain } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Webhooks · wan-studio" };

const FILTERS: { label: string; status?: WebhookDeliveryStatus }[] = [
  { label: "All" },
  { label: "Pending", status: "pending" },
  { label: "Delivered", status: "delivered" },
  { label: "Failed", status: "failed" },
];

const RESULTS: Record<string, string> = {
  queued: "Sending again now.",
  busy: "That delivery is being tried right now, or is gone; nothing was changed.",
  refused: "Only admins can send webhooks again.",
};

const days = (count: number) => (count === 1 ? "1 day" : `${count} days`);

const when = (date: Date | null) =>
  date ? date.toISOString().replace("T", " ").slice(0, 19).concat(" UTC") : "—";

function statusLine(delivery: DeliveryView): string {
  if (delivery.status === "delivered") return `Delivered ${when(delivery.deliveredAt)}`;
  if (delivery.status === "failed") return "Failed";
  return delivery.attempts === 0 ? "Pending" : `Pending · next try ${when(delivery.nextAttemptAt)}`;
}

/** The team webhooks' deliveries, newest first, for admins: what left, what failed and why. */
export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string; result?: string; sent?: string }>;
}) {
  const user = await requirePageUser("/admin/webhooks");
  if (!user.isAdmin) notFound();
  const { status, result, sent } = await searchParams;
  const filter = FILTERS.find((entry) => entry.status === status) ?? FILTERS[0];
  const [deliveries, counts] = await Promise.all([
    listDeliveries({ status: filter.status, limit: 200 }),
    deliveryCounts(),
  ]);
  const urls = env().WEBHOOK_URLS;
  const retention = env().WEBHOOK_RETENTION_DAYS;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Webhooks</h1>
        <p className="text-ink-soft text-sm">
          Each finished or failed video is posted to every receiver in WEBHOOK_URLS, signed, and
          tried again with back-off for 24 hours while a receiver fails or does not answer.
        </p>
        <p className="text-ink-soft text-sm">
          New comments on videos and take sets are posted too. Delivered events are kept for{" "}
          {days(retention)}, events with a failed delivery for {days(retention * 2)}; then they are
          deleted (WEBHOOK_RETENTION_DAYS).
        </p>
        {urls.length === 0 ? (
          <p className="text-ink-soft text-sm">No receivers: set WEBHOOK_URLS to post events.</p>
        ) : (
          <ul aria-label="Receivers" className="text-ink-soft mt-2 text-sm">
            {urls.map((url) => (
              <li key={url} className="font-mono">
                {maskUrl(url)}
              </li>
            ))}
          </ul>
        )}
      </div>
      {result && RESULTS[result] ? (
        <ResultNote key={sent} className="bg-accent-soft rounded-md px-3 py-2 text-sm">
          {RESULTS[result]}
        </ResultNote>
      ) : null}
      <nav aria-label="Filter deliveries" className="flex flex-wrap gap-2 text-sm">
        {FILTERS.map((entry) => {
          const count = entry.status
            ? counts[entry.status]
            : counts.pending + counts.delivered + counts.failed;
          const current = entry === filter;
          return (
            <Link
              key={entry.label}
              href={entry.status ? `/admin/webhooks?status=${entry.status}` : "/admin/webhooks"}
              aria-current={current ? "page" : undefined}
              className={`rounded-full border px-3 py-1 ${current ? "border-accent bg-accent-soft text-accent-strong font-medium" : "border-ink/15 hover:bg-paper-sunk"}`}
            >
              {entry.label} ({count})
            </Link>
          );
        })}
      </nav>
      {deliveries.length === 0 ? (
        <p className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
          No deliveries here yet.
        </p>
      ) : (
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Webhook deliveries, newest first</caption>
          <thead>
            <tr className="border-ink/15 text-ink-soft border-b text-left">
              <th scope="col" className="py-2 pr-3 font-medium">
                Event
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Receiver
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Status
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Tries
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Last answer
              </th>
              <th scope="col" className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr
                key={`${delivery.eventId}-${delivery.key}`}
                className="border-ink/5 border-b align-top"
              >
                <th scope="row" className="py-2 pr-3 text-left font-normal">
                  {delivery.taskId ? (
                    <Link
                      href={`/videos/${delivery.taskId}`}
                      className="text-accent hover:underline"
                    >
                      {delivery.headline}
                    </Link>
                  ) : (
                    delivery.headline
                  )}
                  <span className="text-ink-soft block font-mono text-xs">{delivery.eventId}</span>
                  <span className="text-ink-soft block text-xs">{when(delivery.eventAt)}</span>
                </th>
                <td className="py-2 pr-3 font-mono text-xs break-all">{delivery.target}</td>
                <td className="py-2 pr-3">{statusLine(delivery)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{delivery.attempts}</td>
                <td className="py-2 pr-3">
                  {delivery.lastStatus ? `HTTP ${delivery.lastStatus}` : null}
                  {delivery.lastError ? (
                    <span className="text-danger block">{delivery.lastError}</span>
                  ) : null}
                  {!delivery.lastStatus && !delivery.lastError ? "—" : null}
                </td>
                <td className="py-2">
                  <form action={sendWebhookAgain}>
                    <input type="hidden" name="eventId" value={delivery.eventId} />
                    <input type="hidden" name="key" value={delivery.key} />
                    <button
                      type="submit"
                      className="border-ink/15 hover:bg-paper-sunk rounded-md border px-2 py-1 whitespace-nowrap"
                    >
                      Send again
                      <span className="sr-only"> to {delivery.target}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
