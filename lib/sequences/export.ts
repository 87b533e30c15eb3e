import "server-only";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type JobRow, jobs } from "@/lib/db/schema";
import { publicBaseUrl } from "@/lib/env";
import { enqueueJob, getJobByKey, JobError, registerJobKind } from "@/lib/jobs/runner";
import { runJobsSoon } from "@/lib/jobs/sweeper";
import { stitchShots } from "@/lib/media/stitch";
import type { ExportReadyData } from "@/lib/notify/events";
import { recordEvent } from "@/lib/notify/outbox";
import { shareLinkFor } from "@/lib/notify/share-links";
import { getStorage } from "@/lib/storage";
import { logEvent } from "@/lib/tasks/log";
import { getTaskRow } from "@/lib/tasks/refresh";
import { EXPORT_JOB, exportDedupeKey, exportPlan } from "./export-plan";
import type { ExportState } from "./export-view";
import { loadSequence } from "./view";

/**
 * A sequence's export (issue 10, "Export"): a job of kind `sequence_export` that stitches the
 * shots of one version of the sequence (exportPlan) into one MP4 (lib/media/stitch.ts), kept
 * in storage like a result, served ranged with a named download by
 * /api/sequences/[id]/export. One job per (sequence, version): a changed sequence gets a new
 * export; an unchanged one returns the export it has. Its `export_ready` event is written in
 * the transaction that marks the job done.
 */

export type { ExportState };
export { EXPORT_JOB };

interface ExportPayload {
  sequenceId: string;
  version: string;
  /** Who asked (their notice says "Export ready"), and their name. */
  userId: string;
  userName: string | null;
}

export interface ExportResult {
  key: string;
  bytes: number;
  seconds: number;
  shots: number;
  version: string;
  /** For its notice: the sequence's title, read before the finish. */
  title: string | null;
}

const exportKey = (sequenceId: string, version: string) => `exports/${sequenceId}/${version}.mp4`;

/** Its title in notices: the first shot's prompt, if it has one. */
async function sequenceTitle(taskId: string | undefined): Promise<string | null> {
  const first = taskId ? await getTaskRow(taskId) : undefined;
  const prompt = first?.prompt?.trim();
  return prompt ? prompt.slice(0, 120) : null;
}

registerJobKind<ExportPayload, ExportResult>(EXPORT_JOB, {
  ffmpeg: true,
  // A 6-shot 1080P film of ~60 s re-encodes in about a minute on 2 cores; room for more.
  timeoutMs: 10 * 60_000,
  maxAttempts: 2,
  backoffMs: 5000,
  run: async ({ payload, progress, signal, tempDir }) => {
    const plan = await exportPlan(payload.sequenceId);
    if (!plan) throw new JobError("A shot of this sequence has no kept video yet.");
    if (plan.version !== payload.version) {
      throw new JobError("The sequence changed while it was exported. Export again.");
    }
    const storage = getStorage();
    const shots = [];
    for (const [index, shot] of plan.shots.entries()) {
      const stored = await storage.get(shot.resultKey);
      if (!stored) throw new JobError("A shot's video is missing from storage.");
      const file = path.join(tempDir, `shot-${index}.mp4`);
      await pipeline(stored.body, createWriteStream(file), { signal });
      shots.push({ file, skipSeconds: shot.skipSeconds });
    }
    // Reading the shots is the first tenth; stitching most of the rest.
    await progress(0.1);
    let last = Promise.resolve();
    const film = await stitchShots(shots, tempDir, "export.mp4", {
      signal,
      onProgress: (fraction) => {
        last = progress(0.1 + 0.85 * fraction);
      },
    });
    await last;
    const key = exportKey(plan.sequenceId, plan.version);
    await storage.put(key, createReadStream(film.file));
    const { size } = await stat(film.file);
    return {
      key,
      bytes: size,
      seconds: Number(film.seconds.toFixed(3)),
      shots: plan.shots.length,
      version: plan.version,
      title: await sequenceTitle(plan.shots[0]?.taskId),
    };
  },
  // Inside the finishing transaction: only `tx` (no other query: PGlite has one connection).
  onDone: async (tx, job, result) => {
    const payload = job.payload as ExportPayload;
    const base = publicBaseUrl();
    const data: ExportReadyData = {
      sequence: {
        id: payload.sequenceId,
        title: result.title,
        shots: result.shots,
        seconds: result.seconds,
        version: result.version,
      },
      maker: { id: job.ownerId, name: payload.userName },
      links: {
        sequence: `${base}/sequences/${encodeURIComponent(payload.sequenceId)}`,
        export: `${base}/api/sequences/${encodeURIComponent(payload.sequenceId)}/export`,
        share: await shareLinkFor(tx, { sequenceId: payload.sequenceId }),
      },
    };
    await recordEvent(tx, {
      type: "export_ready",
      ownerId: job.ownerId,
      sequenceId: payload.sequenceId,
      data,
    });
  },
  failure: () => "The sequence could not be exported. Please try again.",
});

/**
 * Starts (or finds) the export of the sequence as it stands now. Null when there is nothing
 * whole to export (no such sequence, or a shot without a kept video).
 */
export async function startExport(
  sequenceId: string,
  user: { id: string; name?: string | null },
): Promise<JobRow | null> {
  const plan = await exportPlan(sequenceId);
  if (!plan) return null;
  const job = await enqueueJob({
    kind: EXPORT_JOB,
    payload: {
      sequenceId,
      version: plan.version,
      userId: user.id,
      userName: user.name ?? null,
    } satisfies ExportPayload,
    ownerId: user.id,
    dedupeKey: exportDedupeKey(sequenceId, plan.version),
  });
  if (job.status === "pending") runJobsSoon();
  return job;
}

function exportsOf(sequenceId: string) {
  return and(eq(jobs.kind, EXPORT_JOB), sql`${jobs.payload}->>'sequenceId' = ${sequenceId}`);
}

export async function exportState(sequenceId: string, user: { id: string }): Promise<ExportState> {
  const db = await getDb();
  const plan = await exportPlan(sequenceId);
  const [latest] = await db
    .select()
    .from(jobs)
    .where(exportsOf(sequenceId))
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  const kept = await readyExport(sequenceId);
  // Its storage key stays on the server.
  const ready = kept ? (({ key: _key, ...rest }) => rest)(kept) : null;
  return {
    version: plan?.version ?? null,
    latest: latest
      ? {
          jobId: latest.id,
          version: (latest.payload as ExportPayload).version,
          status: latest.status,
          progress: latest.progress,
          error: latest.status === "failed" ? latest.error : null,
          mine: latest.ownerId === user.id,
        }
      : null,
    ready,
  };
}

/** The newest finished export of the sequence, if any. */
export async function readyExport(
  sequenceId: string,
): Promise<(ExportResult & { finishedAt: string }) | null> {
  const db = await getDb();
  const [done] = await db
    .select()
    .from(jobs)
    .where(and(exportsOf(sequenceId), eq(jobs.status, "done")))
    .orderBy(desc(jobs.finishedAt))
    .limit(1);
  if (!done?.result) return null;
  return {
    ...(done.result as ExportResult),
    finishedAt: (done.finishedAt ?? done.createdAt).toISOString(),
  };
}

/** How many changed sequences one look rebuilds at most, and how far back it looks. */
const REBUILD_BATCH = 20;
const REBUILD_WINDOW_HOURS = 24;

/**
 * Rebuilds the film of every sequence that was exported and has changed since (a replaced
 * shot, a re-roll), once it is whole again: every shot kept, none out of date, no re-roll
 * under way. The new export is started for whoever made the last one (they hear "Export
 * ready" again), one job per version (enqueueJob dedupes, so a look while it runs adds
 * nothing). Run by the re-roll sweeper under `next start` and by the cron route; a bounded
 * read of the sequences changed in the last day after their newest export.
 */
export async function rebuildChangedExports(): Promise<{ started: number }> {
  const db = await getDb();
  const rows = await db.execute(sql`
    select s.id as "sequenceId", j.owner_id as "ownerId", j.payload->>'userName' as "userName"
    from sequences s
    join lateral (
      select owner_id, payload, finished_at from jobs
      where kind = ${EXPORT_JOB} and status = 'done' and payload->>'sequenceId' = s.id
      order by finished_at desc limit 1
    ) j on true
    where s.updated_at > j.finished_at
      and s.updated_at > now() - make_interval(hours => ${REBUILD_WINDOW_HOURS})
    order by s.updated_at desc
    limit ${REBUILD_BATCH}`);
  const changed = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    sequenceId: string;
    ownerId: string;
    userName: string | null;
  }[];
  let started = 0;
  for (const { sequenceId, ownerId, userName } of changed) {
    const view = await loadSequence(sequenceId);
    if (!view || view.rerolling || view.shots.some((shot) => shot.outOfDate)) continue;
    const plan = await exportPlan(sequenceId);
    // Not whole yet (a shot still being made or kept), or this version has its export already.
    if (!plan || (await getJobByKey(exportDedupeKey(sequenceId, plan.version)))) continue;
    if (await startExport(sequenceId, { id: ownerId, name: userName })) started++;
  }
  if (started > 0) logEvent("sequence.exports_rebuilt", { started });
  return { started };
}
