"use server";

import { headers } from "next/headers";
import { originOf } from "@/lib/http/origin";
import { submitTask, TaskError } from "@/lib/tasks";
import { logEvent } from "@/lib/tasks/log";
import { fieldErrorsOf, type SubmitVideoResult, videoRequestSchema } from "@/lib/video-request";

export type { SubmitVideoResult };

/**
 * Generate. The input is untrusted (anyone can call an action), so it is parsed again with the
 * rulebook the form used; media arrive as ids of files this app stored, never as bodies.
 */
export async function submitVideo(input: unknown): Promise<SubmitVideoResult> {
  const parsed = videoRequestSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: "invalid_request",
        message: "Some settings need a change before generating.",
        fieldErrors: fieldErrorsOf(parsed.error),
      },
    };
  }
  try {
    const row = await submitTask(parsed.data, originOf(await headers()));
    return { ok: true, taskId: row.id };
  } catch (error) {
    if (error instanceof TaskError) {
      return {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          fieldErrors: error.field ? { [error.field]: [error.message] } : undefined,
        },
      };
    }
    logEvent("action.submit_failed", { error: error instanceof Error ? error.message : "unknown" });
    return {
      ok: false,
      error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
    };
  }
}
