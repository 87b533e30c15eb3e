import "server-only";
import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { outboxEvents, tasks } from "@/lib/db/schema";
import { isTerminal } from "@/lib/task-view";
import { clip, detail, headline, type WebhookEvent } from "./events";
import { type DoneNotice, exportNoticeKey, noticeKey } from "./notices";

/** How far back a browser may ask: a notice older than a day is no news. */
const MAX_LOOKBACK_MS = 24 * 3600 * 1000;

/**
 * The notices for `ownerId`'s videos that finished since `since` (ms), oldest first: read
 * from the outbox, so exactly the finishes the team's webhooks report. A take of a set is
 * announced with its set, once every take has finished; until then it says nothing.
 */
export async function doneNotices(ownerId: string, since: number): Promise<DoneNotice[]> {
  const db = await getDb();
  const from = new Date(Math.max(since, Date.now() - MAX_LOOKBACK_MS));
  const events = await db
    .select()
    .from(outboxEvents)
    .where(
      and(
        eq(outboxEvents.ownerId, ownerId),
        gt(outboxEvents.createdAt, from),
        ne(outboxEvents.type, "comment_added"),
      ),
    )
    .orderBy(asc(outboxEvents.createdAt))
    .limit(200);
  const setIds = [...new Set(events.map((event) => event.takeSetId).filter(Boolean))] as string[];
  const takes =
    setIds.length > 0
      ? await db
          .select({ takeSetId: tasks.takeSetId, status: tasks.status, prompt: tasks.prompt })
          .from(tasks)
          .where(inArray(tasks.takeSetId, setIds))
      : [];
  const notices = new Map<string, DoneNotice>();
  for (const row of events) {
    if (row.type === "export_ready") {
      // The export a member started is ready (the event is theirs: outbox owner = starter).
      const event = JSON.parse(row.body) as Extract<WebhookEvent, { type: "export_ready" }>;
      const key = exportNoticeKey(event.data.sequence.id, event.data.sequence.version);
      notices.set(key, {
        key,
        kind: "completed",
        title: headline(event),
        body: detail(event),
        url: `/sequences/${encodeURIComponent(row.sequenceId ?? event.data.sequence.id)}`,
        at: row.createdAt.getTime(),
      });
      continue;
    }
    // Comments reach the browser through the header's count (lib/review), not as done notices.
    if (row.type !== "completed" && row.type !== "failed") continue;
    const event = JSON.parse(row.body) as Extract<WebhookEvent, { type: "completed" | "failed" }>;
    const key = noticeKey(row);
    if (!row.takeSetId) {
      notices.set(key, {
        key,
        kind: event.type,
        title: headline(event),
        body: detail(event),
        url: `/videos/${encodeURIComponent(row.taskId ?? "")}`,
        at: row.createdAt.getTime(),
      });
      continue;
    }
    const set = takes.filter((take) => take.takeSetId === row.takeSetId);
    if (notices.has(key) || set.some((take) => !isTerminal(take.status))) continue;
    const ready = set.filter((take) => take.status === "completed").length;
    const what = clip(set[0]?.prompt?.trim() || "takes without a prompt", 120);
    notices.set(key, {
      key,
      kind: ready > 0 ? "completed" : "failed",
      title: ready > 0 ? `Takes ready: ${what}` : `Takes failed: ${what}`,
      body: `${ready} of ${set.length} takes ready`,
      url: `/takes/${encodeURIComponent(row.takeSetId)}`,
      at: row.createdAt.getTime(),
    });
  }
  return [...notices.values()];
}
