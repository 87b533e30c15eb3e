import type { Db } from "@/lib/db/client";

/**
 * The hook for share links (issue 11, "Share links", built beside this work): the public URL
 * of a live share link for a task or a sequence export, for the webhook's `links.share` and
 * Slack's headline link. Called inside the transaction that writes the event, so it may read
 * with `tx`. Returns null until share links exist: then the newest unexpired, unrevoked link
 * whose URL we can still give (tokens are stored hashed) goes here.
 */
export async function shareLinkFor(
  _tx: Db,
  _target: { taskId?: string; sequenceId?: string },
): Promise<string | null> {
  return null;
}
