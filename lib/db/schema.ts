import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { MediaKind, MediaRef, VideoSize } from "@/lib/video-request";

/** What the upload route learned from the stored bytes. */
export interface MediaProbe {
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasAlpha?: boolean;
}

/** Where in which video a frame or clip was taken (seconds, frame-exact). */
export interface MediaDerivation {
  taskId: string;
  fromSeconds: number;
  toSeconds: number;
}

/** A file a person dropped into a slot, stored by `lib/storage` under `storageKey`. */
export const media = pgTable("media", {
  id: text("id").primaryKey(),
  kind: text("kind").$type<MediaKind>().notNull(),
  mimeType: text("mime_type").notNull(),
  bytes: integer("bytes").notNull(),
  originalName: text("original_name").notNull(),
  storageKey: text("storage_key").notNull(),
  probe: jsonb("probe").$type<MediaProbe>().notNull().default({}),
  /** Who uploaded it: the member's id (lower-cased email), "local" when sign-in is off. */
  ownerId: text("owner_id").notNull().default("local"),
  /**
   * Made from a video rather than uploaded: its task and the part of it taken (a frame:
   * from = to; "Continue": the last seconds). A task whose first clip has one records the
   * video as its parent.
   */
  derivedFrom: jsonb("derived_from").$type<MediaDerivation>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Our statuses. `submitting`: the row is written, the gateway call is under way.
 * `submit_unknown`: the create call's outcome is unknown (timeout, 5xx after sending); it may
 * be running and billed, so it is never resubmitted automatically.
 * `refused`: the gateway certainly refused the create (a 4xx, `build_request_failed`,
 * `model_not_found`…): nothing started, nothing is billed; the row keeps the reason.
 * `waiting`: in our own queue (MAX_CONCURRENT_TASKS), never sent; `cancelled`: taken out of
 * the queue by a member before it was sent. Neither costs anything.
 */
export const taskStatuses = [
  "waiting",
  "cancelled",
  "submitting",
  "queued",
  "in_progress",
  "completed",
  "failed",
  "submit_unknown",
  "refused",
] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const tasks = pgTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    gatewayId: text("gateway_id"),
    /** Who made it: the member's id (lower-cased email), "local" when sign-in is off. */
    ownerId: text("owner_id").notNull().default("local"),
    ownerName: text("owner_name"),
    /**
     * One click, one task: the browser sends one key per submission, shared by its retries
     * and by other tabs holding the same form; the unique index turns a repeat into a lookup.
     */
    idempotencyKey: text("idempotency_key").unique(),
    status: text("status").$type<TaskStatus>().notNull(),
    progress: integer("progress").notNull().default(0),
    seconds: integer("seconds").notNull(),
    size: text("size").$type<VideoSize>().notNull(),
    prompt: text("prompt"),
    media: jsonb("media").$type<MediaRef[]>().notNull(),
    /** The media kinds in a fixed order, e.g. "first_frame+driving_audio", for filtering. */
    combination: text("combination").notNull().default(""),
    /** The model's options, as sent. `seed` is the one actually sent (we pick it for "Random"). */
    negativePrompt: text("negative_prompt"),
    seed: integer("seed"),
    /** Null: not sent, the model's default applies (prompt_extend on, watermark off). */
    promptExtend: boolean("prompt_extend"),
    watermark: boolean("watermark"),
    /** Set when one Generate made several takes: the set, and this take's place in it (1…4). */
    takeSetId: text("take_set_id"),
    takeIndex: integer("take_index"),
    /** Creates answered 429 so far (each put it back in the queue), and when it may go again. */
    submitAttempts: integer("submit_attempts").notNull().default(0),
    nextSubmitAt: timestamp("next_submit_at", { withTimezone: true, precision: 3 }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** Consecutive reads that answered `unknown`, transient ones included (for diagnosis). */
    unknownPolls: integer("unknown_polls").notNull().default(0),
    /**
     * When the current streak of (non-transient) `unknown` answers began; null while the
     * gateway knows the task. The streak, not a count of polls, bounds how long we wait.
     */
    unknownSince: timestamp("unknown_since", { withTimezone: true }),
    // Millisecond precision, like JavaScript dates: the history's keyset cursor round-trips.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** Last time a server claimed the right to ask the gateway (coalesces polling). */
    refreshedAt: timestamp("refreshed_at", { withTimezone: true }),
    /**
     * "Continue": the video this one continues (its first clip is that video's last seconds),
     * and the part of it the clip is. Null for any other task.
     */
    parentTaskId: text("parent_task_id"),
    parentCut: jsonb("parent_cut").$type<Pick<MediaDerivation, "fromSeconds" | "toSeconds">>(),
    /** Where the finished MP4 is kept in our storage; null until copied. */
    resultKey: text("result_key"),
    resultBytes: integer("result_bytes"),
    /** Length of the kept video, probed from its bytes. */
    resultSeconds: real("result_seconds"),
    /** A JPEG frame of the result for the history, when one could be made. */
    posterKey: text("poster_key"),
    /**
     * The provider's own signed result link from the completed read (~24 h): the fallback
     * when the gateway's `/content` cuts a slow copy short; fetched without our key.
     */
    resultUrl: text("result_url"),
    /** Tries at keeping the result so far, the sentence saying why the last one failed, and
     * the earliest time of the next (back-off: a failing copy is never retried every poll). */
    resultCopyAttempts: integer("result_copy_attempts").notNull().default(0),
    resultCopyError: text("result_copy_error"),
    resultCopyNextAt: timestamp("result_copy_next_at", { withTimezone: true }),
  },
  (table) => [
    // History: newest first, optionally by state; keyset pagination on (created_at, id).
    index("tasks_created_at_idx").on(table.createdAt, table.id),
    index("tasks_status_created_at_idx").on(table.status, table.createdAt),
    index("tasks_combination_created_at_idx").on(table.combination, table.createdAt),
    // Budgets: what a member (or the team) started since a given time.
    index("tasks_owner_created_at_idx").on(table.ownerId, table.createdAt),
    index("tasks_take_set_idx").on(table.takeSetId, table.takeIndex),
  ],
);

/**
 * One Generate that made several takes of the same shot (same inputs and settings, each its
 * own seed). The tasks point here; a task stays the unit that is submitted, polled and kept.
 */
export const takeSets = pgTable(
  "take_sets",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull().default("local"),
    ownerName: text("owner_name"),
    takes: integer("takes").notNull(),
    /** The chosen take (one per set, changeable), who chose it and when. */
    pickedTaskId: text("picked_task_id"),
    pickedBy: text("picked_by"),
    pickedAt: timestamp("picked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index("take_sets_picked_idx").on(table.pickedTaskId)],
);

/**
 * Shots that continue each other (issue 10): a sequence is its shots in order, each pointing
 * at a task; the task stays the unit that is submitted, polled, kept and deleted. A shot is out
 * of date when its task's first clip was not cut from the task of the shot before it (derived
 * from `tasks.parent_task_id`, never stored).
 */
export const sequences = pgTable(
  "sequences",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull().default("local"),
    ownerName: text("owner_name"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Any change to its shots (extended, replaced, re-rolled): newest first in lists. */
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index("sequences_updated_idx").on(table.updatedAt)],
);

/**
 * `pending`: "Re-roll from here" approved this shot's new take (its cost was checked with the
 * others'); the sweeper makes it once the shot before it has a kept result. `failed`: it could
 * not be made; `rerollError` says why in a sentence. Null: nothing pending.
 */
export const rerollStatuses = ["pending", "failed"] as const;
export type RerollStatus = (typeof rerollStatuses)[number];

export const sequenceShots = pgTable(
  "sequence_shots",
  {
    sequenceId: text("sequence_id")
      .notNull()
      .references(() => sequences.id, { onDelete: "cascade" }),
    /** 0 for the first shot. */
    position: integer("position").notNull(),
    taskId: text("task_id").notNull(),
    rerollStatus: text("reroll_status").$type<RerollStatus>(),
    rerollError: text("reroll_error"),
    /** Who asked for the re-roll (their id and name): the new take is theirs. */
    rerollBy: text("reroll_by"),
    rerollByName: text("reroll_by_name"),
  },
  (table) => [
    primaryKey({ columns: [table.sequenceId, table.position] }),
    index("sequence_shots_task_idx").on(table.taskId),
    index("sequence_shots_reroll_idx").on(table.rerollStatus),
  ],
);

/** The demo gateway's own tasks: its state survives restarts like a real gateway's. */
export const demoVideos = pgTable("demo_videos", {
  id: text("id").primaryKey(),
  request: jsonb("request").$type<Record<string, unknown>>().notNull(),
  /** Set from a `[demo-fail:…]` marker in the prompt: how this task should end. */
  fault: text("fault"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What the app learned about its gateway from the gateway's own answers, e.g. that it
 * refuses a create without a prompt, so the next form asks for one before anyone pays.
 * `gateway` names which gateway (its base URL, or "demo"): a fact about one is no fact
 * about another.
 */
export const gatewayFacts = pgTable(
  "gateway_facts",
  {
    gateway: text("gateway").notNull(),
    name: text("name").notNull(),
    value: jsonb("value").$type<unknown>().notNull(),
    learnedAt: timestamp("learned_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.gateway, table.name] })],
);

/**
 * What the team hears about (lib/notify): `completed` and `failed` for a task, `export_ready`
 * for a sequence export (issue 10: the type exists, nothing emits it yet), `comment_added` for
 * a new comment on a video or a take set (lib/review).
 */
export const notifyEventTypes = ["completed", "failed", "export_ready", "comment_added"] as const;
export type NotifyEventType = (typeof notifyEventTypes)[number];

/**
 * The outbox: one row per event, written in the same transaction as the state change it
 * reports, so an event is never lost to a crash and never invented for a change that rolled
 * back. `id` is the stable event id (Standard Webhooks' `webhook-id`, the same on every try);
 * `body` the exact JSON posted, so every try sends the same bytes. The browser's "done"
 * notices read it too (by owner, newest first).
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    /** Insertion order, for the admin page. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    type: text("type").$type<NotifyEventType>().notNull(),
    taskId: text("task_id"),
    takeSetId: text("take_set_id"),
    sequenceId: text("sequence_id"),
    /** Who made the video: the member's id, "local" when sign-in is off. */
    ownerId: text("owner_id").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    index("outbox_events_owner_created_idx").on(table.ownerId, table.createdAt),
    index("outbox_events_seq_idx").on(table.seq),
  ],
);

export const webhookDeliveryStatuses = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/**
 * One event to one of WEBHOOK_URLS (as the settings named it when the event was written).
 * Claimed like our other jobs: a conditional update takes a lease (`nextAttemptAt` moves past
 * the delivery's timeout), so two sweepers never post one event to one URL at once, and a
 * server that dies mid-delivery leaves a row that falls due again when its lease ends.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => outboxEvents.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    status: text("status").$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When it may be tried next (or when the current try's lease ends). */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
    /** Retries stop 24 h after this: the event's time, or an admin's "Send again". */
    windowStartedAt: timestamp("window_started_at", { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, precision: 3 }),
    /** The receiver's HTTP status on the last try, if it answered. */
    lastStatus: integer("last_status"),
    /** Why the last try failed, in a sentence (never the secret, never a signature). */
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
  },
  (table) => [
    primaryKey({ columns: [table.eventId, table.url] }),
    index("webhook_deliveries_due_idx").on(table.status, table.nextAttemptAt),
  ],
);

export type MediaRow = typeof media.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type TakeSetRow = typeof takeSets.$inferSelect;
export type SequenceRow = typeof sequences.$inferSelect;
export type SequenceShotRow = typeof sequenceShots.$inferSelect;
export type DemoVideoRow = typeof demoVideos.$inferSelect;
export type OutboxEventRow = typeof outboxEvents.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * What a share link opens: a kept video now; a sequence export (issue 10) later, as another
 * kind pointing at its own table. The page and the video route check the kind they serve.
 */
export const shareTargetKinds = ["task", "sequence_export"] as const;
export type ShareTargetKind = (typeof shareTargetKinds)[number];

/**
 * A public link to one thing, for people without an account. Only the SHA-256 of the token is
 * kept: the token itself is shown once, to the member who made it, and a leaked table opens
 * nothing. Expired and revoked rows stay (the admin page lists them) until deleted with their
 * video.
 */
export const shareLinks = pgTable(
  "share_links",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    targetKind: text("target_kind").$type<ShareTargetKind>().notNull().default("task"),
    targetId: text("target_id").notNull(),
    createdBy: text("created_by").notNull(),
    createdByName: text("created_by_name"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
    revokedBy: text("revoked_by"),
    allowDownload: boolean("allow_download").notNull().default(true),
    showSettings: boolean("show_settings").notNull().default(false),
    allowComments: boolean("allow_comments").notNull().default(false),
    /** How often the page was opened, and when last (for the admin page). */
    opens: integer("opens").notNull().default(0),
    lastOpenedAt: timestamp("last_opened_at", { withTimezone: true, precision: 3 }),
  },
  (table) => [index("share_links_target_idx").on(table.targetKind, table.targetId)],
);

/**
 * Wrong share tokens per client and window (fixed windows): the brute-force limit. The
 * client is a hash of its address (lib/http/client.ts), never the address itself.
 */
export const shareMisses = pgTable(
  "share_misses",
  {
    clientKey: text("client_key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    misses: integer("misses").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.clientKey, table.windowStart] })],
);

/** What a comment is on: one video, or a take set as a whole. */
export const commentTargetKinds = ["task", "take_set"] as const;
export type CommentTargetKind = (typeof commentTargetKinds)[number];

/**
 * A review comment: plain text, optionally pinned to a time in the video. Written by a member
 * (`authorId`), or by a share-link viewer who typed a name (`authorId` null, `shareLinkId` set).
 */
export const comments = pgTable(
  "comments",
  {
    id: text("id").primaryKey(),
    targetKind: text("target_kind").$type<CommentTargetKind>().notNull(),
    targetId: text("target_id").notNull(),
    authorId: text("author_id"),
    authorName: text("author_name").notNull(),
    shareLinkId: text("share_link_id"),
    body: text("body").notNull(),
    /** Seconds into the video; null when the comment is about the whole. */
    atSeconds: real("at_seconds"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index("comments_target_idx").on(table.targetKind, table.targetId, table.createdAt)],
);

export const reviewDecisions = ["approved", "changes_requested"] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

/** A video's review state: the latest decision wins, with who made it and when. */
export const reviewStates = pgTable(
  "review_states",
  {
    taskId: text("task_id").primaryKey(),
    decision: text("decision").$type<ReviewDecision>().notNull(),
    decidedBy: text("decided_by").notNull(),
    decidedByName: text("decided_by_name").notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [index("review_states_decision_idx").on(table.decision)],
);

/** When a member last read the comments on one of their videos or take sets (unread counts). */
export const commentReads = pgTable(
  "comment_reads",
  {
    userId: text("user_id").notNull(),
    targetKind: text("target_kind").$type<CommentTargetKind>().notNull(),
    targetId: text("target_id").notNull(),
    readAt: timestamp("read_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.targetKind, table.targetId] })],
);

export type ShareLinkRow = typeof shareLinks.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
export type ReviewStateRow = typeof reviewStates.$inferSelect;

export const jobStatuses = ["pending", "running", "done", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * Background work (lib/jobs): one row per job of a registered kind (a Continue cut, a sequence
 * export…). Claimed with a lease (`leaseUntil`, longer than the kind may run) by a conditional
 * update under `for update skip locked`, so two sweepers never take one job; `attempts` is the
 * claim's fencing token (only the claim that holds it may report progress or finish); a job
 * whose lease ran out (its server died) falls due again, and one that failed waits
 * `nextRunAt` (back-off) before its next try.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    /** Who asked: the member's id, "local" when sign-in is off (the poll route checks it). */
    ownerId: text("owner_id").notNull().default("local"),
    /** One live job per key (e.g. one export per sequence version); null: no such rule. */
    dedupeKey: text("dedupe_key").unique(),
    status: text("status").$type<JobStatus>().notNull().default("pending"),
    /** 0..1, as the handler last reported it. */
    progress: real("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    leaseUntil: timestamp("lease_until", { withTimezone: true, precision: 3 }),
    nextRunAt: timestamp("next_run_at", { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
    result: jsonb("result").$type<unknown>(),
    /** Why it failed, in a sentence a member can read. */
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }),
    finishedAt: timestamp("finished_at", { withTimezone: true, precision: 3 }),
  },
  (table) => [index("jobs_due_idx").on(table.status, table.nextRunAt)],
);

export type JobRow = typeof jobs.$inferSelect;
