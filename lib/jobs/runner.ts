import "server-only";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { type JobRow, jobs } from "@/lib/db/schema";
import { createLimiter } from "@/lib/media/limiter";
import { logEvent } from "@/lib/tasks/log";

/**
 * The one job runner (DESIGN.md, "One job machinery"). Owners register a kind with its
 * handler; anyone enqueues a job of it; the sweepers (lib/jobs/sweeper.ts under `next start`,
 * the cron route on Vercel) claim due jobs and run them.
 *
 * - Claim: a conditional update of one row picked `for update skip locked` (Postgres and
 *   PGlite), which sets a lease longer than the kind may run, so two instances never hold one
 *   job; `attempts` goes up by one and is the claim's token: progress and the finish only land
 *   while the row still holds that token, so a claim whose lease ran out can never finish a
 *   job another claim took over.
 * - Bounded: each kind has a time limit (its AbortSignal fires, ffmpeg is killed) and the
 *   runner gives up waiting at that limit; `ffmpeg` kinds share a per-process limit of one
 *   job per core (at most 2), the others run beside them.
 * - Retried with back-off up to the kind's attempts, unless the handler threw a JobError
 *   (a sentence for the member: retrying would not help). A job whose lease ran out on its
 *   last attempt (its server died each time) is failed, not run again.
 * - Each run gets a temporary folder, removed on every path.
 */

export class JobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobError";
  }
}

export interface JobContext<P> {
  job: JobRow;
  payload: P;
  /** Reports how far it is, 0..1 (written at most every PROGRESS_EVERY_MS). */
  progress: (fraction: number) => Promise<void>;
  /** Fires at the kind's time limit (and when the process stops it). */
  signal: AbortSignal;
  /** A folder of its own, removed after the run whatever happens. */
  tempDir: string;
}

/** A transaction inside which a job is marked done (see JobKind.onDone). */
export type JobTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface JobKind<P = unknown, R = unknown> {
  run: (context: JobContext<P>) => Promise<R>;
  /** Longest a run may take. */
  timeoutMs: number;
  /** Tries in all (default 3). */
  maxAttempts?: number;
  /** Runs ffmpeg: counted against the per-process limit of media jobs. */
  ffmpeg?: boolean;
  /** Back-off before try n+1: baseMs · 2^(n-1), at most 5 min (default 2 s). */
  backoffMs?: number;
  /**
   * Written in the same transaction as the job's `done` (e.g. an outbox event), only by the
   * claim that finished it.
   */
  onDone?: (tx: JobTx, job: JobRow, result: R) => Promise<void>;
  /** The sentence stored when a try fails with something other than a JobError. */
  failure?: (error: unknown) => string;
}

const holder = globalThis as unknown as {
  __wanStudioJobKinds?: Map<string, JobKind>;
  __wanStudioJobSlots?: ReturnType<typeof createLimiter>;
};

function kinds(): Map<string, JobKind> {
  holder.__wanStudioJobKinds ??= new Map();
  return holder.__wanStudioJobKinds;
}

/** Registers (or replaces, on a dev reload) the handler of `kind`. */
export function registerJobKind<P, R>(kind: string, handler: JobKind<P, R>): void {
  kinds().set(kind, handler as unknown as JobKind);
}

export function registeredKinds(): string[] {
  return [...kinds().keys()];
}

/** ffmpeg jobs at once in this process: one per core, at most 2 (each runs 2 threads). */
export function mediaSlots(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

function slots() {
  holder.__wanStudioJobSlots ??= createLimiter(mediaSlots());
  return holder.__wanStudioJobSlots;
}

/** Margin of a lease past the kind's time limit (the finish's own writes). */
const LEASE_MARGIN_MS = 30_000;
const PROGRESS_EVERY_MS = 400;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface EnqueueInput {
  kind: string;
  payload: unknown;
  ownerId: string;
  /**
   * At most one job per key: enqueuing a key that exists returns that job (a failed one is
   * put back to pending, for a fresh set of tries).
   */
  dedupeKey?: string;
}

/** Adds a job (due now). */
export async function enqueueJob(input: EnqueueInput, db?: Db): Promise<JobRow> {
  const kind = kinds().get(input.kind);
  if (!kind) throw new Error(`No job kind "${input.kind}" is registered.`);
  const conn = db ?? (await getDb());
  const values = {
    id: `job_${randomUUID().replace(/-/g, "")}`,
    kind: input.kind,
    payload: input.payload,
    ownerId: input.ownerId,
    dedupeKey: input.dedupeKey ?? null,
    maxAttempts: kind.maxAttempts ?? 3,
  };
  if (!input.dedupeKey) {
    const [row] = await conn.insert(jobs).values(values).returning();
    return row;
  }
  const [made] = await conn.insert(jobs).values(values).onConflictDoNothing().returning();
  if (made) return made;
  const [again] = await conn
    .update(jobs)
    .set({
      status: "pending",
      attempts: 0,
      progress: 0,
      error: null,
      result: null,
      leaseUntil: null,
      nextRunAt: sql`now()`,
      finishedAt: null,
      payload: input.payload,
      ownerId: input.ownerId,
    })
    .where(and(eq(jobs.dedupeKey, input.dedupeKey), eq(jobs.status, "failed")))
    .returning();
  if (again) return again;
  const [existing] = await conn.select().from(jobs).where(eq(jobs.dedupeKey, input.dedupeKey));
  return existing;
}

export async function getJob(id: string, db?: Db): Promise<JobRow | undefined> {
  const conn = db ?? (await getDb());
  const [row] = await conn.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

export async function getJobByKey(key: string, db?: Db): Promise<JobRow | undefined> {
  const conn = db ?? (await getDb());
  const [row] = await conn.select().from(jobs).where(eq(jobs.dedupeKey, key));
  return row;
}

/**
 * Fails the jobs whose lease ran out on their last attempt: each try died with its server (or
 * outlived its lease), and another would likely do the same.
 */
async function failAbandoned(db: Db, names: string[]): Promise<void> {
  const failed = await db
    .update(jobs)
    .set({
      status: "failed",
      error: "The work stopped before it finished, several times. Please try again.",
      finishedAt: sql`now()`,
      leaseUntil: null,
    })
    .where(
      and(
        eq(jobs.status, "running"),
        sql`${jobs.leaseUntil} < now()`,
        sql`${jobs.attempts} >= ${jobs.maxAttempts}`,
        sql`${jobs.kind} in ${names}`,
      ),
    )
    .returning({ id: jobs.id });
  for (const { id } of failed) logEvent("job.abandoned", { jobId: id });
}

/**
 * Claims one due job of `names` (pending and past its back-off, or running with its lease
 * run out), oldest due first, leased for its kind's limit plus a margin. Null when none.
 */
export async function claimJob(names: string[], db?: Db): Promise<JobRow | null> {
  if (names.length === 0) return null;
  const conn = db ?? (await getDb());
  // The lease per kind, computed here (kinds are code, not data).
  const leaseCase = sql.join(
    names.map(
      (name) =>
        sql`when ${name} then ${(kinds().get(name)?.timeoutMs ?? 60_000) + LEASE_MARGIN_MS}::int`,
    ),
    sql` `,
  );
  const result = await conn.execute(sql`
    update ${jobs} set
      status = 'running',
      attempts = ${jobs.attempts} + 1,
      lease_until = now() + make_interval(secs => (case ${jobs.kind} ${leaseCase} end) / 1000.0),
      started_at = coalesce(${jobs.startedAt}, now())
    where ${jobs.id} = (
      select id from ${jobs}
      where ${jobs.kind} in ${names}
        and ((${jobs.status} = 'pending' and ${jobs.nextRunAt} <= now())
          or (${jobs.status} = 'running' and ${jobs.leaseUntil} < now() and ${jobs.attempts} < ${jobs.maxAttempts}))
      order by ${jobs.nextRunAt}, ${jobs.createdAt}
      limit 1
      for update skip locked
    )
    returning id`);
  const rows = (
    Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows
  ) as { id: string }[];
  if (rows.length === 0) return null;
  return (await getJob(rows[0].id, conn)) ?? null;
}

/** The row still holds this claim (same attempt, still running). */
function held(job: JobRow) {
  return and(eq(jobs.id, job.id), eq(jobs.status, "running"), eq(jobs.attempts, job.attempts));
}

function sentence(kind: JobKind, error: unknown): string {
  if (error instanceof JobError) return error.message;
  return kind.failure?.(error) ?? "The work failed. Please try again.";
}

/**
 * Runs one claimed job to its end: done (with its result, and the kind's onDone in the same
 * transaction), back to pending after a back-off, or failed. Returns its status afterwards,
 * or "lost" when its claim was taken over meanwhile (nothing was written).
 */
export async function runClaimed(
  job: JobRow,
  db?: Db,
): Promise<"done" | "pending" | "failed" | "lost"> {
  const conn = db ?? (await getDb());
  const kind = kinds().get(job.kind);
  if (!kind) throw new Error(`No job kind "${job.kind}" is registered.`);
  const started = Date.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const dir = await mkdtemp(path.join(tmpdir(), `wan-job-${job.kind}-`));
  let lastWrite = 0;
  let lastFraction = -1;
  const progress = async (fraction: number) => {
    const value = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const now = Date.now();
    if (value <= lastFraction || (now - lastWrite < PROGRESS_EVERY_MS && value < 1)) return;
    lastWrite = now;
    lastFraction = value;
    await conn
      .update(jobs)
      .set({ progress: value })
      .where(held(job))
      .catch(() => {});
  };
  // The run, its folder removed before anything is written: a finished job leaves nothing.
  let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
  try {
    const result = await Promise.race([
      kind.run({ job, payload: job.payload, progress, signal: controller.signal, tempDir: dir }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new JobError("The work took too long and was stopped. Please try again."));
        }, kind.timeoutMs);
      }),
    ]);
    outcome = { ok: true, result };
  } catch (error) {
    controller.abort();
    outcome = { ok: false, error };
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
  if (outcome.ok) {
    const { result } = outcome;
    const finished = await conn.transaction(async (tx) => {
      const [row] = await tx
        .update(jobs)
        .set({
          status: "done",
          progress: 1,
          result: (result ?? null) as unknown,
          error: null,
          leaseUntil: null,
          finishedAt: sql`now()`,
        })
        .where(held(job))
        .returning();
      if (!row) return false;
      await kind.onDone?.(tx, row, result);
      return true;
    });
    logEvent(finished ? "job.done" : "job.lost", {
      jobId: job.id,
      kind: job.kind,
      attempt: job.attempts,
      ms: Date.now() - started,
    });
    return finished ? "done" : "lost";
  }
  {
    const { error } = outcome;
    const permanent = error instanceof JobError;
    const last = job.attempts >= job.maxAttempts;
    const message = sentence(kind, error);
    logEvent("job.failed", {
      jobId: job.id,
      kind: job.kind,
      attempt: job.attempts,
      retry: permanent || last ? 0 : 1,
      error: error instanceof Error ? error.message.slice(0, 300) : "unknown",
      ms: Date.now() - started,
    });
    const base = kind.backoffMs ?? 2000;
    const wait = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, job.attempts - 1));
    const [row] = await conn
      .update(jobs)
      .set(
        permanent || last
          ? { status: "failed", error: message, leaseUntil: null, finishedAt: sql`now()` }
          : {
              status: "pending",
              error: message,
              leaseUntil: null,
              progress: 0,
              nextRunAt: sql`now() + make_interval(secs => ${wait / 1000})`,
            },
      )
      .where(held(job))
      .returning({ status: jobs.status });
    return row ? (row.status as "pending" | "failed") : "lost";
  }
}

export interface RunDueOptions {
  db?: Db;
  /** Stop claiming after this many jobs (default 20). */
  limit?: number;
  /** Only these kinds (default: every registered kind). */
  kinds?: string[];
}

export interface RunDueResult {
  ran: number;
  done: number;
  failed: number;
}

/**
 * Claims and runs due jobs until none is due (or `limit`): the media kinds as their slots
 * free (a claim is made only when a slot is free, so nothing sits leased while it waits), the
 * others at once. Resolves when every job it started has ended.
 */
export async function runDueJobs(options: RunDueOptions = {}): Promise<RunDueResult> {
  const conn = options.db ?? (await getDb());
  const all = options.kinds ?? registeredKinds();
  const media = all.filter((name) => kinds().get(name)?.ffmpeg);
  const light = all.filter((name) => !kinds().get(name)?.ffmpeg);
  const limit = options.limit ?? 20;
  const outcome: RunDueResult = { ran: 0, done: 0, failed: 0 };
  if (all.length === 0) return outcome;
  await failAbandoned(conn, all);
  const count = (status: Awaited<ReturnType<typeof runClaimed>>) => {
    outcome.ran += 1;
    if (status === "done") outcome.done += 1;
    if (status === "failed") outcome.failed += 1;
  };
  const lane = async (names: string[], bounded: boolean) => {
    const running: Promise<void>[] = [];
    let claimed = 0;
    while (names.length > 0 && claimed < limit) {
      const release = bounded ? await slots().acquire() : () => {};
      const row = await claimJob(names, conn).catch((error: unknown) => {
        release();
        throw error;
      });
      if (!row) {
        release();
        break;
      }
      claimed += 1;
      running.push(
        runClaimed(row, conn)
          .then(count)
          .catch((error: unknown) =>
            logEvent("job.run_failed", {
              jobId: row.id,
              error: error instanceof Error ? error.message : "unknown",
            }),
          )
          .finally(release),
      );
    }
    await Promise.all(running);
  };
  await Promise.all([lane(media, true), lane(light, false)]);
  return outcome;
}
