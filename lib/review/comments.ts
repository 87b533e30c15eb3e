import "server-only";
import { and, asc, desc, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import {
  type CommentRow,
  type CommentTargetKind,
  commentReads,
  comments,
  reviewStates,
  takeSets,
  tasks,
} from "@/lib/db/schema";
import { getTakeSetRow } from "@/lib/takes/take-sets";
import { getTaskRow } from "@/lib/tasks";
import { ReviewError } from "./errors";
import type { ReviewDecisionName } from "./rules";
import { type CommentInput, commentInputSchema, viewerCommentInputSchema } from "./schemas";
import type { SharedVideo } from "./shares";
import { newReviewId } from "./tokens";

export interface CommentTarget {
  kind: CommentTargetKind;
  id: string;
}

/** A comment as pages show it: its text is text (React escapes it); no author email. */
export interface CommentView {
  id: string;
  authorName: string;
  /** Left by someone who opened a share link, not a member. */
  viaShareLink: boolean;
  body: string;
  atSeconds: number | null;
  createdAt: string;
  /** Whether the member looking may delete it (its author, or an admin). */
  canDelete: boolean;
}

export type Db = Awaited<ReturnType<typeof getDb>>;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What a new comment tells listeners (the team webhooks, wired by the lead). */
export interface CommentAddedEvent {
  comment: CommentRow;
  target: CommentTarget;
  /** Who owns what was commented on: the member to notify. */
  ownerId: string;
}

/**
 * A listener to new comments. It may return work to start once the comment is committed (the
 * webhooks' deliveries), never before: until then nobody else can see the rows it wrote.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a listener with nothing to start after the commit is a plain `async` function (Promise<void>); `undefined` would refuse it.
type CommentHook = (tx: Tx, event: CommentAddedEvent) => Promise<void | (() => void)>;

/**
 * Held on globalThis: the listener is connected once at start-up (instrumentation.ts), whose
 * modules Next may load apart from the ones a request runs.
 */
const holder = globalThis as unknown as { __wanStudioCommentHook?: CommentHook };

/**
 * Connects one listener to new comments. It runs inside the transaction that writes the
 * comment, so an outbox row it writes commits (or not) with the comment itself.
 */
export function onCommentAdded(hook: CommentHook | undefined): void {
  holder.__wanStudioCommentHook = hook;
}

/** A member who never gave a name is shown by email to the team, never on a public page. */
function publicName(row: CommentRow): string {
  return row.authorId !== null && row.authorName.includes("@") ? "Team member" : row.authorName;
}

function viewOf(row: CommentRow, viewer: CurrentUser | null): CommentView {
  return {
    id: row.id,
    authorName: viewer ? row.authorName : publicName(row),
    viaShareLink: row.authorId === null,
    body: row.body,
    atSeconds: row.atSeconds,
    createdAt: row.createdAt.toISOString(),
    canDelete: viewer !== null && (viewer.isAdmin || row.authorId === viewer.id),
  };
}

/** The owner of what a comment is on, or a refusal when it does not exist. */
async function ownerOf(target: CommentTarget): Promise<string> {
  if (target.kind === "task") {
    const task = await getTaskRow(target.id);
    if (!task) throw new ReviewError("task_not_found", "There is no such video.");
    return task.ownerId;
  }
  const set = await getTakeSetRow(target.id);
  if (!set) throw new ReviewError("take_set_not_found", "There is no such take set.");
  return set.ownerId;
}

function parseComment(input: unknown, viewer: boolean): CommentInput & { name?: string } {
  const parsed = (viewer ? viewerCommentInputSchema : commentInputSchema).safeParse(input);
  if (!parsed.success) {
    throw new ReviewError(
      "invalid_comment",
      parsed.error.issues[0]?.message ?? "This comment cannot be saved.",
    );
  }
  return parsed.data;
}

async function insertComment(
  values: typeof comments.$inferInsert,
  target: CommentTarget,
  ownerId: string,
): Promise<CommentRow> {
  const db = await getDb();
  const { row, after } = await db.transaction(async (tx) => {
    const [row] = await tx.insert(comments).values(values).returning();
    if (!row) throw new Error("The comment was not written.");
    const hook = holder.__wanStudioCommentHook;
    const after = hook ? await hook(tx, { comment: row, target, ownerId }) : undefined;
    return { row, after };
  });
  after?.();
  return row;
}

/** A member's comment on a video or a take set. */
export async function addComment(
  target: CommentTarget,
  input: unknown,
  user: CurrentUser,
  now = new Date(),
): Promise<CommentView> {
  const { body, atSeconds } = parseComment(input, false);
  const ownerId = await ownerOf(target);
  const row = await insertComment(
    {
      id: newReviewId("cm"),
      targetKind: target.kind,
      targetId: target.id,
      authorId: user.id,
      authorName: user.name ?? user.email,
      body,
      atSeconds,
      createdAt: now,
    },
    target,
    ownerId,
  );
  // Writing on your own work is reading it too.
  if (ownerId === user.id) await markCommentsRead(target, user, now);
  return viewOf(row, user);
}

/** A share-link viewer's comment, under the name they typed, when the link allows it. */
export async function addViewerComment(
  shared: SharedVideo,
  input: unknown,
  now = new Date(),
): Promise<CommentView> {
  const video = shared.task;
  if (!shared.allowComments || !video) {
    throw new ReviewError("comments_closed", "This link does not take comments.");
  }
  const { body, atSeconds, name } = parseComment(input, true);
  const target = { kind: "task", id: video.id } as const;
  const row = await insertComment(
    {
      id: newReviewId("cm"),
      targetKind: "task",
      targetId: video.id,
      authorId: null,
      authorName: name ?? "",
      shareLinkId: shared.linkId,
      body,
      atSeconds,
      createdAt: now,
    },
    target,
    video.ownerId,
  );
  return viewOf(row, null);
}

/** Comments on one target, oldest first. */
export async function commentsOn(
  target: CommentTarget,
  viewer: CurrentUser | null,
): Promise<CommentView[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(comments)
    .where(and(eq(comments.targetKind, target.kind), eq(comments.targetId, target.id)))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(1000);
  return rows.map((row) => viewOf(row, viewer));
}

/** Deletes a comment: its author or an admin (viewers' comments: admins). */
export async function deleteComment(commentId: string, user: CurrentUser): Promise<CommentTarget> {
  const db = await getDb();
  const [row] = await db.select().from(comments).where(eq(comments.id, commentId)).limit(1);
  if (!row) throw new ReviewError("comment_not_found", "There is no such comment.");
  if (!user.isAdmin && row.authorId !== user.id) {
    throw new ReviewError("forbidden", "Only whoever wrote a comment, or an admin, can delete it.");
  }
  await db.delete(comments).where(eq(comments.id, commentId));
  return { kind: row.targetKind, id: row.targetId };
}

/** The member has read the comments on this target up to `now`. */
export async function markCommentsRead(
  target: CommentTarget,
  user: CurrentUser,
  now = new Date(),
): Promise<void> {
  const db = await getDb();
  await db
    .insert(commentReads)
    .values({ userId: user.id, targetKind: target.kind, targetId: target.id, readAt: now })
    .onConflictDoUpdate({
      target: [commentReads.userId, commentReads.targetKind, commentReads.targetId],
      set: { readAt: sql`greatest(${commentReads.readAt}, excluded.read_at)` },
    });
}

/** New comments for a member: how many, and where the latest one is. */
export interface NewComments {
  count: number;
  latest: CommentTarget | null;
}

/**
 * Comments by others on the member's own videos and take sets that they have not read: the
 * header's badge. Counted per target against the member's last read of it.
 */
export async function newCommentsFor(user: CurrentUser): Promise<NewComments> {
  const db = await getDb();
  const ownTask = and(
    eq(comments.targetKind, "task"),
    inArray(
      comments.targetId,
      db.select({ id: tasks.id }).from(tasks).where(eq(tasks.ownerId, user.id)),
    ),
  );
  const ownSet = and(
    eq(comments.targetKind, "take_set"),
    inArray(
      comments.targetId,
      db.select({ id: takeSets.id }).from(takeSets).where(eq(takeSets.ownerId, user.id)),
    ),
  );
  const rows = await db
    .select({
      kind: comments.targetKind,
      id: comments.targetId,
      count: sql<number>`count(*)::int`,
      latest: sql<Date>`max(${comments.createdAt})`,
    })
    .from(comments)
    .leftJoin(
      commentReads,
      and(
        eq(commentReads.userId, user.id),
        eq(commentReads.targetKind, comments.targetKind),
        eq(commentReads.targetId, comments.targetId),
      ),
    )
    .where(
      and(
        or(ownTask, ownSet),
        or(isNull(comments.authorId), ne(comments.authorId, user.id)),
        or(isNull(commentReads.readAt), gt(comments.createdAt, commentReads.readAt)),
      ),
    )
    .groupBy(comments.targetKind, comments.targetId)
    .orderBy(desc(sql`max(${comments.createdAt})`))
    .limit(100);
  const [first] = rows;
  return {
    count: rows.reduce((sum, row) => sum + row.count, 0),
    latest: first ? { kind: first.kind, id: first.id } : null,
  };
}

/** The review state of a video as pages show it. */
export interface ReviewStateView {
  decision: ReviewDecisionName;
  byName: string;
  at: string;
}

/** Approve, or ask for changes: the latest decision on a video wins. Any member may decide. */
export async function decideReview(
  taskId: string,
  decision: ReviewDecisionName,
  user: CurrentUser,
  now = new Date(),
): Promise<ReviewStateView> {
  const task = await getTaskRow(taskId);
  if (!task) throw new ReviewError("task_not_found", "There is no such video.");
  const db = await getDb();
  const values = {
    taskId,
    decision,
    decidedBy: user.id,
    decidedByName: user.name ?? user.email,
    decidedAt: now,
  };
  await db
    .insert(reviewStates)
    .values(values)
    .onConflictDoUpdate({ target: reviewStates.taskId, set: values });
  return { decision, byName: values.decidedByName, at: now.toISOString() };
}

export async function reviewStateOf(taskId: string): Promise<ReviewStateView | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(reviewStates)
    .where(eq(reviewStates.taskId, taskId))
    .limit(1);
  return row
    ? { decision: row.decision, byName: row.decidedByName, at: row.decidedAt.toISOString() }
    : null;
}
