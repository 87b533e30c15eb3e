import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import {
  type ShareLinkRow,
  type ShareTargetKind,
  sequences,
  shareLinks,
  type TaskRow,
  tasks,
} from "@/lib/db/schema";
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

/** A finished video whose copy we keep: what a video's share link opens. */
function isShareable(task: TaskRow): boolean {
  return task.status === "completed" && task.resultKey !== null;
}

/** What a link is made for: a kept video, or a sequence's exported film. */
export type ShareTarget = { kind: ShareTargetKind; id: string };

/** A bare id is a video's (the links' first and most common target). */
function targetOf(target: string | ShareTarget): ShareTarget {
  return typeof target === "string" ? { kind: "task", id: target } : target;
}

/** A sequence's newest finished export, as a share link opens it. */
export interface SharedFilm {
  sequenceId: string;
  title: string | null;
  /** Its storage key: for the server's route only, never sent to a page. */
  key: string;
  bytes: number;
  seconds: number;
  shots: number;
  version: string;
  finishedAt: string;
}

/**
 * The film a sequence's link opens: its newest finished export, while the sequence exists.
 * Read through a dynamic import: lib/sequences reaches lib/review (its events carry share
 * links), so a static import here would make a cycle at load.
 */
async function sharedFilm(sequenceId: string): Promise<SharedFilm | null> {
  const db = await getDb();
  const [sequence] = await db
    .select({ id: sequences.id })
    .from(sequences)
    .where(eq(sequences.id, sequenceId))
    .limit(1);
  if (!sequence) return null;
  const { readyExport } = await import("@/lib/sequences/export");
  const ready = await readyExport(sequenceId);
  return ready ? { sequenceId, ...ready } : null;
}

/** Who made what a link opens (they may revoke its links), if it still exists. */
async function makerOf(kind: ShareTargetKind, id: string): Promise<string | undefined> {
  if (kind === "task") return (await getTaskRow(id))?.ownerId;
  const db = await getDb();
  const [row] = await db
    .select({ ownerId: sequences.ownerId })
    .from(sequences)
    .where(eq(sequences.id, id))
    .limit(1);
  return row?.ownerId;
}

/**
 * Makes a share link for a kept video (`target` a task id) or a sequence's exported film. Any
 * member may share anything the team made (the team sees all of it). A film's link opens the
 * sequence's newest finished export (so it follows "Export again"); it takes no comments,
 * since viewers' comments are on one video. The token (derived from the link's id: tokens.ts)
 * is returned here; only its hash is stored.
 */
export async function createShareLink(
  target: string | ShareTarget,
  input: unknown,
  user: CurrentUser,
  now = new Date(),
): Promise<{ token: string; link: ShareLinkSummary }> {
  const options: ShareLinkOptions = shareLinkOptionsSchema.parse(input);
  const { kind, id: targetId } = targetOf(target);
  if (kind === "task") {
    const task = await getTaskRow(targetId);
    if (!task) throw new ReviewError("task_not_found", "There is no such video.");
    if (!isShareable(task)) {
      throw new ReviewError(
        "not_shareable",
        "Only a finished video whose copy the studio keeps can be shared.",
      );
    }
  } else if (!(await sharedFilm(targetId))) {
    throw new ReviewError(
      "not_shareable",
      "Only a sequence with a finished export can be shared: export it first.",
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
      targetKind: kind,
      targetId,
      createdBy: user.id,
      createdByName: user.name ?? user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.days * DAY_MS),
      allowDownload: options.allowDownload,
      showSettings: options.showSettings,
      allowComments: kind === "task" && options.allowComments,
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
  const maker = await makerOf(row.targetKind, row.targetId);
  const may = user.isAdmin || row.createdBy === user.id || maker === user.id;
  if (!may) {
    throw new ReviewError(
      "forbidden",
      row.targetKind === "task"
        ? "Only whoever made this link, whoever made the video, or an admin can revoke it."
        : "Only whoever made this link, whoever made the sequence, or an admin can revoke it.",
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

/** A video's (or a sequence's film's) share links, newest first (active, expired and revoked alike). */
export async function shareLinksFor(
  target: string | ShareTarget,
  now = new Date(),
): Promise<ShareLinkSummary[]> {
  const { kind, id } = targetOf(target);
  const db = await getDb();
  const rows = await db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.targetKind, kind), eq(shareLinks.targetId, id)))
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
    .select({
      link: shareLinks,
      prompt: tasks.prompt,
      taskId: tasks.id,
      sequenceId: sequences.id,
    })
    .from(shareLinks)
    .leftJoin(tasks, and(eq(shareLinks.targetKind, "task"), eq(tasks.id, shareLinks.targetId)))
    .leftJoin(
      sequences,
      and(eq(shareLinks.targetKind, "sequence_export"), eq(sequences.id, shareLinks.targetId)),
    )
    .orderBy(desc(shareLinks.createdAt))
    .limit(limit);
  return rows.map(({ link, prompt, taskId, sequenceId }) => ({
    ...summary(link, now),
    prompt: link.targetKind === "task" ? prompt : null,
    videoGone: link.targetKind === "task" ? taskId === null : sequenceId === null,
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

/** What a share page may show: the one video (or film), and only what its maker allowed. */
export interface SharedVideo {
  linkId: string;
  expiresAt: Date;
  allowDownload: boolean;
  allowComments: boolean;
  /** The shared video; null for a sequence's film (then `film`). */
  task: TaskRow | null;
  film: SharedFilm | null;
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
  if (!link || link.revokedAt || link.expiresAt <= now) return null;
  if (link.targetKind === "sequence_export") {
    const film = await sharedFilm(link.targetId);
    if (!film) return null;
    return {
      linkId: link.id,
      expiresAt: link.expiresAt,
      allowDownload: link.allowDownload,
      allowComments: false,
      task: null,
      film,
      settings: null,
    };
  }
  const task = await getTaskRow(link.targetId);
  if (!task || !isShareable(task)) return null;
  return {
    linkId: link.id,
    expiresAt: link.expiresAt,
    allowDownload: link.allowDownload,
    allowComments: link.allowComments,
    task,
    film: null,
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
  target: string | ShareTarget,
  base: string,
  now = new Date(),
): Promise<string | null> {
  const { kind, id } = targetOf(target);
  const rows = await db
    .select({ id: shareLinks.id, tokenHash: shareLinks.tokenHash })
    .from(shareLinks)
    .where(
      and(
        eq(shareLinks.targetKind, kind),
        eq(shareLinks.targetId, id),
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
