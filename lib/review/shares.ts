import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type ShareLinkRow, shareLinks, type TaskRow, tasks } from "@/lib/db/schema";
import { getTaskRow } from "@/lib/tasks";
import { ReviewError } from "./errors";
import { limitedUntil, recordMiss } from "./misses";
import type { ShareLinkOptions } from "./rules";
import { shareLinkOptionsSchema } from "./schemas";
import { hashShareToken, isShareTokenShape, newReviewId, shareTokenFor } from "./tokens";

const DAY_MS = 24 * 3600 * 1000;

/** A share link as its maker and admins see it (never the token, which is not kept). */
export interface ShareLinkSummary {
  id: string;
  targetKind: ShareLinkRow["targetKind"];
  targetId: string;
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  allowDownload: boolean;
  showSettings: boolean;
  allowComments: boolean;
  opens: number;
  lastOpenedAt: Date | null;
  state: "active" | "expired" | "revoked";
}

function summary(row: ShareLinkRow, now: Date): ShareLinkSummary {
  return {
    id: row.id,
    targetKind: row.targetKind,
    targetId: row.targetId,
    createdBy: row.createdBy,
    createdByName: row.createdByName ?? (row.createdBy === "local" ? "Local user" : row.createdBy),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    allowDownload: row.allowDownload,
    showSettings: row.showSettings,
    allowComments: row.allowComments,
    opens: row.opens,
    lastOpenedAt: row.lastOpenedAt,
    state: row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "active",
  };
}

/** A finished video whose copy we keep: the only thing a share link may open (for now). */
function isShareable(task: TaskRow): boolean {
  return task.status === "completed" && task.resultKey !== null;
}

/**
 * Makes a share link for a kept video. Any member may share any video (the team sees all of
 * them). The token (derived from the link's id: tokens.ts) is returned here; only its hash is
 * stored.
 */
export async function createShareLink(
  taskId: string,
  input: unknown,
  user: CurrentUser,
  now = new Date(),
): Promise<{ token: string; link: ShareLinkSummary }> {
  const options: ShareLinkOptions = shareLinkOptionsSchema.parse(input);
  const task = await getTaskRow(taskId);
  if (!task) throw new ReviewError("task_not_found", "There is no such video.");
  if (!isShareable(task)) {
    throw new ReviewError(
      "not_shareable",
      "Only a finished video whose copy the studio keeps can be shared.",
    );
  }
  const id = newReviewId("sl");
  const token = shareTokenFor(id);
  const db = await getDb();
  const [row] = await db
    .insert(shareLinks)
    .values({
      id,
      tokenHash: hashShareToken(token),
      targetKind: "task",
      targetId: task.id,
      createdBy: user.id,
      createdByName: user.name ?? user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.days * DAY_MS),
      allowDownload: options.allowDownload,
      showSettings: options.showSettings,
      allowComments: options.allowComments,
    })
    .returning();
  if (!row) throw new Error("The share link was not written.");
  return { token, link: summary(row, now) };
}

/**
 * Revokes a link at once. Whoever made it, whoever made the video, and admins may. Revoking
 * twice is fine (the first revocation stands).
 */
export async function revokeShareLink(
  linkId: string,
  user: CurrentUser,
  now = new Date(),
): Promise<ShareLinkSummary> {
  const db = await getDb();
  const [row] = await db.select().from(shareLinks).where(eq(shareLinks.id, linkId)).limit(1);
  if (!row) throw new ReviewError("share_not_found", "There is no such share link.");
  const task = row.targetKind === "task" ? await getTaskRow(row.targetId) : undefined;
  const may = user.isAdmin || row.createdBy === user.id || task?.ownerId === user.id;
  if (!may) {
    throw new ReviewError(
      "forbidden",
      "Only whoever made this link, whoever made the video, or an admin can revoke it.",
    );
  }
  if (row.revokedAt) return summary(row, now);
  const [revoked] = await db
    .update(shareLinks)
    .set({ revokedAt: now, revokedBy: user.id })
    .where(and(eq(shareLinks.id, linkId), isNull(shareLinks.revokedAt)))
    .returning();
  return summary(revoked ?? row, now);
}

/** A video's share links, newest first (active, expired and revoked alike). */
export async function shareLinksFor(taskId: string, now = new Date()): Promise<ShareLinkSummary[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.targetKind, "task"), eq(shareLinks.targetId, taskId)))
    .orderBy(desc(shareLinks.createdAt));
  return rows.map((row) => summary(row, now));
}

/** Every share link, newest first, with its video's prompt: the admin page. */
export async function allShareLinks(
  limit = 200,
  now = new Date(),
): Promise<(ShareLinkSummary & { prompt: string | null; videoGone: boolean })[]> {
  const db = await getDb();
  const rows = await db
    .select({ link: shareLinks, prompt: tasks.prompt, taskId: tasks.id })
    .from(shareLinks)
    .leftJoin(tasks, and(eq(shareLinks.targetKind, "task"), eq(tasks.id, shareLinks.targetId)))
    .orderBy(desc(shareLinks.createdAt))
    .limit(limit);
  return rows.map(({ link, prompt, taskId }) => ({
    ...summary(link, now),
    prompt,
    videoGone: taskId === null,
  }));
}

/**
 * The active link of a video, if one exists (the latest made). Its token is not kept: for its
 * URL, see `liveShareUrl`.
 */
export async function activeShareFor(
  taskId: string,
  now = new Date(),
): Promise<ShareLinkSummary | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(shareLinks)
    .where(
      and(
        eq(shareLinks.targetKind, "task"),
        eq(shareLinks.targetId, taskId),
        isNull(shareLinks.revokedAt),
        gt(shareLinks.expiresAt, now),
      ),
    )
    .orderBy(desc(shareLinks.createdAt))
    .limit(1);
  return row ? summary(row, now) : null;
}

/** What a share page may show: the one video, and only what its maker allowed. */
export interface SharedVideo {
  linkId: string;
  expiresAt: Date;
  allowDownload: boolean;
  allowComments: boolean;
  task: TaskRow;
  /** The prompt and settings, only when the maker chose to show them. */
  settings: {
    prompt: string | null;
    negativePrompt: string | null;
    seconds: number;
    size: string;
    seed: number | null;
    combination: string;
  } | null;
}

export type ShareLookup =
  | { found: true; shared: SharedVideo }
  | { found: false; limitedUntil: Date | null };

/**
 * Opens a share token for `clientKey` (lib/http/client.ts). A client over its limit of wrong
 * tokens is refused before any lookup, so even a right token finds nothing then. A wrong,
 * expired or revoked token, or one whose video is gone, is one and the same miss.
 */
export async function openShare(
  token: string,
  clientKey: string,
  options: { countOpen?: boolean; now?: Date } = {},
): Promise<ShareLookup> {
  const now = options.now ?? new Date();
  const limited = await limitedUntil(clientKey, now);
  if (limited) return { found: false, limitedUntil: limited };
  const shared = isShareTokenShape(token) ? await lookUp(token, now) : null;
  if (!shared) {
    await recordMiss(clientKey, now);
    return { found: false, limitedUntil: null };
  }
  if (options.countOpen) {
    const db = await getDb();
    await db
      .update(shareLinks)
      .set({ opens: sql`${shareLinks.opens} + 1`, lastOpenedAt: now })
      .where(eq(shareLinks.id, shared.linkId));
  }
  return { found: true, shared };
}

async function lookUp(token: string, now: Date): Promise<SharedVideo | null> {
  const db = await getDb();
  const [link] = await db
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.tokenHash, hashShareToken(token)))
    .limit(1);
  if (!link || link.revokedAt || link.expiresAt <= now || link.targetKind !== "task") return null;
  const task = await getTaskRow(link.targetId);
  if (!task || !isShareable(task)) return null;
  return {
    linkId: link.id,
    expiresAt: link.expiresAt,
    allowDownload: link.allowDownload,
    allowComments: link.allowComments,
    task,
    settings: link.showSettings
      ? {
          prompt: task.prompt,
          negativePrompt: task.negativePrompt,
          seconds: task.seconds,
          size: task.size,
          seed: task.seed,
          combination: task.combination,
        }
      : null,
  };
}

/** A database or an open transaction: the webhooks' events read inside the change's own. */
type Reader = Pick<Awaited<ReturnType<typeof getDb>>, "select">;

/**
 * The URL of a video's newest live share link (not revoked, not expired) whose token this
 * server can make again (tokens.ts), on `base` (the public base URL from settings, never a
 * request's Host); null when there is none. A link made before tokens were derived, or under
 * another secret, is passed over: it still opens, but its token is nowhere to be had.
 */
export async function liveShareUrl(
  db: Reader,
  taskId: string,
  base: string,
  now = new Date(),
): Promise<string | null> {
  const rows = await db
    .select({ id: shareLinks.id, tokenHash: shareLinks.tokenHash })
    .from(shareLinks)
    .where(
      and(
        eq(shareLinks.targetKind, "task"),
        eq(shareLinks.targetId, taskId),
        isNull(shareLinks.revokedAt),
        gt(shareLinks.expiresAt, now),
      ),
    )
    .orderBy(desc(shareLinks.createdAt), desc(shareLinks.id))
    .limit(20);
  for (const row of rows) {
    const token = shareTokenFor(row.id);
    if (hashShareToken(token) === row.tokenHash) return `${base}/s/${token}`;
  }
  return null;
}
