import type { NotifyEventType } from "@/lib/db/schema";
import { formatPin } from "@/lib/review/rules";

/**
 * The JSON a team webhook receives, in Standard Webhooks' envelope: `type`, `timestamp` and
 * `data`, plus our stable `id` (also sent as `webhook-id`). Pure types and shapers: no I/O,
 * so the outbox, the Slack shape, the browser's notices and the tests share them.
 */

/** A task's facts as the event reports them: what was asked and how it ended. */
export interface EventTask {
  id: string;
  status: string;
  prompt: string | null;
  negativePrompt: string | null;
  seconds: number;
  size: string;
  seed: number | null;
  promptExtend: boolean | null;
  watermark: boolean | null;
  /** Which media were used, e.g. "first_frame+driving_audio". */
  combination: string;
  takeSetId: string | null;
  takeIndex: number | null;
  createdAt: string;
  completedAt: string | null;
  error: { code: string; message: string } | null;
}

export interface EventMaker {
  id: string;
  name: string | null;
}

export interface EventLinks {
  /** The task's page in the studio (members sign in). */
  task?: string;
  /** The take set's page, when the task is one of several takes. */
  takeSet?: string | null;
  sequence?: string;
  /** A share link anyone can open, when one exists (lib/notify/share-links.ts). */
  share: string | null;
  /** A poster frame anyone holding the link can fetch (signed, expiring), when there is one. */
  poster?: string | null;
}

export interface TaskEventData {
  task: EventTask;
  maker: EventMaker;
  links: EventLinks;
}

/**
 * A sequence's export is ready (issue 10): written by lib/sequences/export.ts in the
 * transaction that marks its job done, owned by the member who started it.
 */
export interface ExportReadyData {
  /** `version`: which state of the sequence the film is (a changed sequence is exported anew). */
  sequence: { id: string; title: string | null; shots: number; seconds: number; version: string };
  maker: EventMaker;
  links: EventLinks & { sequence: string; export: string | null };
}

/** The longest comment text an event carries (a comment may hold 2,000 characters). */
export const COMMENT_EVENT_CHARS = 500;

/**
 * A new comment on a member's video or take set. `author.id` is the member's, or null for a
 * share-link viewer, whose `name` is whatever they typed (not checked by anyone). `maker` is
 * whose video it is (the member told about it).
 */
export interface CommentAddedData {
  comment: {
    id: string;
    /** The text, clipped to COMMENT_EVENT_CHARS; `clipped` says whether it was. */
    text: string;
    clipped: boolean;
    /** Seconds into the video the comment is pinned to; null when it is about the whole. */
    atSeconds: number | null;
    createdAt: string;
  };
  author: { id: string | null; name: string; viaShareLink: boolean };
  target: { kind: "task" | "take_set"; id: string };
  /** The video commented on (null for a take set as a whole). */
  task: { id: string; prompt: string | null } | null;
  takeSet: { id: string } | null;
  maker: EventMaker;
  links: EventLinks;
}

export type WebhookEvent =
  | { id: string; type: "completed" | "failed"; timestamp: string; data: TaskEventData }
  | { id: string; type: "export_ready"; timestamp: string; data: ExportReadyData }
  | { id: string; type: "comment_added"; timestamp: string; data: CommentAddedData };

export type { NotifyEventType };

/** The first line of a notice: "Video ready: <prompt>" / "Video failed: <reason>". */
export function headline(event: WebhookEvent): string {
  if (event.type === "export_ready") {
    return `Export ready: ${event.data.sequence.title ?? `sequence ${event.data.sequence.id}`}`;
  }
  if (event.type === "comment_added") {
    const { author, task } = event.data;
    const on = task ? clip(task.prompt?.trim() || "a video without a prompt", 120) : "a take set";
    return `${clip(author.name.trim() || "Someone", 80)} commented on ${on}`;
  }
  const { task } = event.data;
  const what = clip(task.prompt?.trim() || "a video without a prompt", 120);
  if (event.type === "completed") return `Video ready: ${what}`;
  return `Video failed: ${clip(task.error?.message ?? "no reason given", 160)}`;
}

/** The second line: which video, for a failure; the settings, for a success. */
export function detail(event: WebhookEvent): string {
  if (event.type === "export_ready") {
    return `${event.data.sequence.shots} shots · ${Math.round(event.data.sequence.seconds)} s`;
  }
  if (event.type === "comment_added") {
    const { comment } = event.data;
    const at = comment.atSeconds === null ? "" : `at ${formatPin(comment.atSeconds)}: `;
    return `${at}${comment.text}`;
  }
  const { task } = event.data;
  const take = task.takeIndex ? ` · take ${task.takeIndex}` : "";
  if (event.type === "failed") {
    return `${clip(task.prompt?.trim() || "Without a prompt", 120)} · ${task.seconds} s · ${task.size}${take}`;
  }
  return `${task.seconds} s · ${task.size}${take}${task.seed !== null ? ` · seed ${task.seed}` : ""}`;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
