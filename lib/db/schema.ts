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
 * for a sequence export (issue 10: the type exists, nothing emits it yet).
 */
export const notifyEventTypes = ["completed", "failed", "export_ready"] as const;
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
export type DemoVideoRow = typeof demoVideos.$inferSelect;
export type OutboxEventRow = typeof outboxEvents.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
