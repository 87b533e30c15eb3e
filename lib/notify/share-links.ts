import "server-only";
import { publicBaseUrl } from "@/lib/env";
import { liveShareUrl } from "@/lib/review/shares";
import type { Tx } from "./outbox";

/**
 * The public URL of a live share link for a task or a sequence's film, for the webhook's
 * `links.share` and Slack's headline link: the newest unexpired, unrevoked link whose token the
 * server can make again (lib/review/tokens.ts), on PUBLIC_BASE_URL (or what settings give in
 * its place; never a request's Host). Called inside the transaction that writes the event, so
 * it reads with `tx`. Null when there is none (a sequence's first export has none yet: a film
 * can be shared once it exists).
 */
export async function shareLinkFor(
  tx: Tx,
  target: { taskId?: string; sequenceId?: string },
): Promise<string | null> {
  if (target.taskId) return liveShareUrl(tx, target.taskId, publicBaseUrl());
  if (target.sequenceId) {
    return liveShareUrl(tx, { kind: "sequence_export", id: target.sequenceId }, publicBaseUrl());
  }
  return null;
}
