import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { type TaskRow, tasks } from "@/lib/db/schema";
import { buildCreateBody, GatewayError } from "@/lib/gateway";
import { getMediaRows } from "@/lib/media";
import { gatewayMediaUrl } from "@/lib/media/urls";
import {
  clipDurationProblem,
  combinationKey,
  mediaKindLabels,
  type VideoRequest,
} from "@/lib/video-request";
import { TaskError } from "./errors";
import { gatewayFor } from "./gateway";
import { logEvent } from "./log";
import { gatewayToRow } from "./state";

export function newTaskId(): string {
  return randomBytes(9).toString("base64url");
}

/**
 * Submits one video: checks that every media id is one this app stored, for the right slot;
 * writes the task row first (so a crash mid-call leaves a trace), then asks the gateway.
 * A definite refusal removes the row and throws; an unknown outcome keeps the row as
 * `submit_unknown` and is never resubmitted (it may be running, and billed).
 */
export async function submitTask(request: VideoRequest, origin: string): Promise<TaskRow> {
  const db = await getDb();
  const rows = await getMediaRows(request.media.map((ref) => ref.mediaId));
  for (const ref of request.media) {
    const row = rows.find((candidate) => candidate.id === ref.mediaId);
    const label = mediaKindLabels[ref.type];
    if (!row) {
      throw new TaskError(
        "media_not_found",
        `${label}: this file is no longer available. Drop it again.`,
        ref.type,
      );
    }
    if (row.kind !== ref.type) {
      throw new TaskError(
        "media_wrong_kind",
        `${label}: this file was uploaded as ${mediaKindLabels[row.kind].toLowerCase()}. Drop it into the ${label.toLowerCase()} slot again.`,
        ref.type,
      );
    }
  }

  const clip = rows.find((row) => row.kind === "first_clip");
  const durationProblem = clipDurationProblem(request.seconds, clip?.probe.durationSeconds);
  if (durationProblem) throw new TaskError("invalid_duration", durationProblem, "seconds");

  const id = newTaskId();
  await db.insert(tasks).values({
    id,
    status: "submitting",
    seconds: request.seconds,
    size: request.size,
    prompt: request.prompt ?? null,
    media: request.media,
    combination: combinationKey(request.media.map((ref) => ref.type)),
  });

  const body = buildCreateBody(
    request,
    await Promise.all(
      request.media.map(async (ref) => ({
        type: ref.type,
        url: await gatewayMediaUrl(ref.mediaId, origin),
      })),
    ),
  );

  try {
    const video = await gatewayFor(origin).createVideo(body);
    const [row] = await db
      .update(tasks)
      .set({ gatewayId: video.id, refreshedAt: new Date(), ...gatewayToRow(video) })
      .where(eq(tasks.id, id))
      .returning();
    logEvent("task.submitted", { taskId: id, gatewayId: video.id, status: row.status });
    return row;
  } catch (error) {
    if (error instanceof GatewayError && !error.outcomeUnknown) {
      await db.delete(tasks).where(eq(tasks.id, id));
      logEvent("task.refused", { taskId: id, code: error.code, status: error.status });
      throw new TaskError("rejected", error.userMessage);
    }
    const code = error instanceof GatewayError ? error.code : "unexpected";
    const [row] = await db
      .update(tasks)
      .set({
        status: "submit_unknown",
        errorCode: code,
        errorMessage:
          "We sent the request but did not hear back, so we cannot tell whether the video is being made. It was not sent again, to avoid paying twice. Check the gateway's console before trying again.",
      })
      .where(eq(tasks.id, id))
      .returning();
    logEvent("task.submit_unknown", {
      taskId: id,
      code,
      error: error instanceof Error ? error.name : "unknown",
    });
    return row;
  }
}
