import "server-only";
import { eq } from "drizzle-orm";
import { takeSets, tasks } from "@/lib/db/schema";
import { publicBaseUrl } from "@/lib/env";
import { type CommentAddedEvent, onCommentAdded } from "@/lib/review/comments";
import { logEvent } from "@/lib/tasks/log";
import { deliverSoon } from "./deliver";
import { COMMENT_EVENT_CHARS, type CommentAddedData, clip } from "./events";
import { recordEvent, type Tx } from "./outbox";
import { signedPosterUrl } from "./poster-link";
import { shareLinkFor } from "./share-links";

/**
 * `comment_added`: every new comment on a video or a take set goes to the team's webhooks,
 * the maker's own included (a team channel follows the whole conversation, replies too); the
 * in-app notice (the header's count, lib/review newCommentsFor) is only for others' comments.
 * Written in the comment's own transaction (lib/review's onCommentAdded hook), so the event
 * exists exactly when the comment does.
 */
export async function recordCommentEvent(tx: Tx, added: CommentAddedEvent): Promise<string> {
  const { comment, target, ownerId } = added;
  const base = publicBaseUrl();
  const [task] =
    target.kind === "task"
      ? await tx
          .select({
            id: tasks.id,
            prompt: tasks.prompt,
            ownerName: tasks.ownerName,
            takeSetId: tasks.takeSetId,
            posterKey: tasks.posterKey,
          })
          .from(tasks)
          .where(eq(tasks.id, target.id))
          .limit(1)
      : [];
  const [set] =
    target.kind === "take_set"
      ? await tx
          .select({ id: takeSets.id, ownerName: takeSets.ownerName })
          .from(takeSets)
          .where(eq(takeSets.id, target.id))
          .limit(1)
      : [];
  const takeSetId = task?.takeSetId ?? set?.id ?? null;
  const data: CommentAddedData = {
    comment: {
      id: comment.id,
      text: clip(comment.body, COMMENT_EVENT_CHARS),
      clipped: comment.body.length > COMMENT_EVENT_CHARS,
      atSeconds: comment.atSeconds,
      createdAt: comment.createdAt.toISOString(),
    },
    author: {
      id: comment.authorId,
      name: comment.authorName,
      viaShareLink: comment.authorId === null,
    },
    target: { kind: target.kind, id: target.id },
    task: task ? { id: task.id, prompt: task.prompt } : null,
    takeSet: takeSetId ? { id: takeSetId } : null,
    maker: { id: ownerId, name: task?.ownerName ?? set?.ownerName ?? null },
    links: {
      task: task ? `${base}/videos/${encodeURIComponent(task.id)}` : undefined,
      takeSet: takeSetId ? `${base}/takes/${encodeURIComponent(takeSetId)}` : null,
      share: task ? await shareLinkFor(tx, { taskId: task.id }) : null,
      poster: task?.posterKey ? signedPosterUrl(base, task.id) : null,
    },
  };
  return recordEvent(tx, {
    type: "comment_added",
    ownerId,
    taskId: task?.id,
    takeSetId,
    data,
  });
}

/**
 * Connects new comments to the outbox (once, at start-up: instrumentation.ts). Deliveries
 * start when the comment is committed; what a request leaves behind, the sweeper or the cron
 * route sends.
 */
export function connectCommentEvents(): void {
  onCommentAdded(async (tx, added) => {
    const eventId = await recordCommentEvent(tx, added);
    return () => {
      logEvent("notify.event", { eventId, commentId: added.comment.id, type: "comment_added" });
      void deliverSoon();
    };
  });
}
