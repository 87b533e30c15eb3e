import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import {
  type NotifyEventType,
  outboxEvents,
  type TaskRow,
  webhookDeliveries,
} from "@/lib/db/schema";
import { env, publicBaseUrl } from "@/lib/env";
import type { TaskEventData, WebhookEvent } from "./events";
import { signedPosterUrl } from "./poster-link";
import { shareLinkFor } from "./share-links";

/** A transaction (or the database): events are written inside the state change's own. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

/** Our statuses a finished task can land in, and the event each one is. */
const EVENT_FOR_STATUS: Partial<Record<TaskRow["status"], "completed" | "failed">> = {
  completed: "completed",
  failed: "failed",
  // Never made (the gateway refused), or its outcome is unknown: the maker hears it failed.
  refused: "failed",
  submit_unknown: "failed",
};

/** The event a task's move into `status` announces, if any. */
export function eventTypeFor(status: TaskRow["status"]): "completed" | "failed" | undefined {
  return EVENT_FOR_STATUS[status];
}

function taskData(row: TaskRow, base: string, share: string | null): TaskEventData {
  return {
    task: {
      id: row.id,
      status: row.status,
      prompt: row.prompt,
      negativePrompt: row.negativePrompt,
      seconds: row.seconds,
      size: row.size,
      seed: row.seed,
      promptExtend: row.promptExtend,
      watermark: row.watermark,
      combination: row.combination,
      takeSetId: row.takeSetId,
      takeIndex: row.takeIndex,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      error:
        row.status === "completed" || !row.errorMessage
          ? null
          : { code: row.errorCode ?? "failed", message: row.errorMessage },
    },
    maker: { id: row.ownerId, name: row.ownerName },
    links: {
      task: `${base}/videos/${encodeURIComponent(row.id)}`,
      takeSet: row.takeSetId ? `${base}/takes/${encodeURIComponent(row.takeSetId)}` : null,
      share,
      poster: row.status === "completed" ? signedPosterUrl(base, row.id) : null,
    },
  };
}

/**
 * Writes an event and one pending delivery per WEBHOOK_URLS entry, with `tx`: call it inside
 * the transaction of the state change it reports. The body is fixed here, so every try of
 * every delivery posts the same bytes under the same id.
 */
export async function recordEvent(
  tx: Tx,
  event: {
    type: NotifyEventType;
    ownerId: string;
    taskId?: string;
    takeSetId?: string | null;
    sequenceId?: string;
    data: WebhookEvent["data"];
  },
): Promise<string> {
  const id = `evt_${randomUUID().replace(/-/g, "")}`;
  const body = JSON.stringify({
    id,
    type: event.type,
    timestamp: new Date().toISOString(),
    data: event.data,
  });
  await tx.insert(outboxEvents).values({
    id,
    type: event.type,
    ownerId: event.ownerId,
    taskId: event.taskId ?? null,
    takeSetId: event.takeSetId ?? null,
    sequenceId: event.sequenceId ?? null,
    body,
  });
  const urls = env().WEBHOOK_URLS;
  if (urls.length > 0) {
    await tx.insert(webhookDeliveries).values(urls.map((url) => ({ eventId: id, url })));
  }
  return id;
}

/**
 * The event for a task that has just finished (`row` as the transaction left it), or nothing
 * when its status announces nothing. Returns the event id.
 */
export async function recordTaskEvent(tx: Tx, row: TaskRow): Promise<string | undefined> {
  const type = eventTypeFor(row.status);
  if (!type) return undefined;
  const base = publicBaseUrl();
  const share = await shareLinkFor(tx, { taskId: row.id });
  return recordEvent(tx, {
    type,
    ownerId: row.ownerId,
    taskId: row.id,
    takeSetId: row.takeSetId,
    data: taskData(row, base, share),
  });
}
