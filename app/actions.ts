"use server";

import { z } from "zod";
import { endSession, getCurrentUser, requireUser, startSignIn } from "@/lib/auth/session";
import { UnauthorizedError } from "@/lib/auth/user";
import { pickTake as pickTakeInSet, TakeError } from "@/lib/takes";
import { cancelTask, deleteTask, submitTask, TaskError } from "@/lib/tasks";
import { logEvent } from "@/lib/tasks/log";
import { fieldErrorsOf, type SubmitVideoResult, videoRequestSchema } from "@/lib/video-request";

export type { SubmitVideoResult };

const idempotencyKeySchema = z.uuid().optional();

/**
 * Generate. The input is untrusted (anyone can call an action), so it is parsed again with the
 * rulebook the form used; media arrive as ids of files this app stored, never as bodies.
 */
export async function submitVideo(
  input: unknown,
  idempotencyKey?: unknown,
): Promise<SubmitVideoResult> {
  let user: Awaited<ReturnType<typeof requireUser>>;
  try {
    user = await requireUser();
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      return { ok: false, error: { code: "unauthorized", message: error.message } };
    }
    throw error;
  }
  const parsed = videoRequestSchema.safeParse(input);
  const key = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!key.success) {
    return {
      ok: false,
      error: { code: "invalid_request", message: "Reload the page and try again." },
    };
  }
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
    const row = await submitTask(parsed.data, user, {
      idempotencyKey: key.data,
    });
    return {
      ok: true,
      taskId: row.id,
      duplicate: row.duplicate,
      ...(row.takeSetId
        ? { takeSetId: row.takeSetId, taskIds: row.takes.map((take) => take.id) }
        : {}),
    };
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

/** What deleting a video answers. */
export type DeleteVideoResult =
  | { ok: true }
  | { ok: false; error: { code: string; message: string } };

const taskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/**
 * Delete a video for good (its row, kept video and poster). Who asks is checked first, then
 * the id, then ownership: only whoever made it, or an admin.
 */
export async function deleteVideo(taskId: unknown): Promise<DeleteVideoResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  try {
    await deleteTask(parsed.data, user);
    return { ok: true };
  } catch (error) {
    if (error instanceof TaskError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent("action.delete_failed", { error: error instanceof Error ? error.message : "unknown" });
    return {
      ok: false,
      error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
    };
  }
}

/** What cancelling a waiting video answers. */
export type CancelVideoResult =
  | { ok: true }
  | { ok: false; error: { code: string; message: string } };

/**
 * Take a video out of our queue before it is sent (it costs nothing). Only whoever made it, or
 * an admin; a video already sent cannot be cancelled (the gateway has no cancel): the answer
 * says so.
 */
export async function cancelVideo(taskId: unknown): Promise<CancelVideoResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  try {
    await cancelTask(parsed.data, user);
    return { ok: true };
  } catch (error) {
    if (error instanceof TaskError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent("action.cancel_failed", { error: error instanceof Error ? error.message : "unknown" });
    return {
      ok: false,
      error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
    };
  }
}

/** What picking a take answers: the set's pick as it now stands. */
export type PickTakeResult =
  | { ok: true; pickedTaskId: string | null; pickedBy: string | null }
  | { ok: false; error: { code: string; message: string } };

/**
 * Pick (or, with null, unpick) the chosen take of a set. One per set, changeable; any member
 * may pick, as any member sees the set. Only a finished take can be picked.
 */
export async function pickTake(takeSetId: unknown, taskId: unknown): Promise<PickTakeResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const set = taskIdSchema.safeParse(takeSetId);
  const take = taskIdSchema.nullable().safeParse(taskId);
  if (!set.success || !take.success) {
    return {
      ok: false,
      error: { code: "take_set_not_found", message: "There is no such take set." },
    };
  }
  try {
    const view = await pickTakeInSet(set.data, take.data, user);
    return { ok: true, pickedTaskId: view.pickedTaskId, pickedBy: view.pickedBy };
  } catch (error) {
    if (error instanceof TakeError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent("action.pick_failed", { error: error instanceof Error ? error.message : "unknown" });
    return {
      ok: false,
      error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
    };
  }
}

/** The sign-in page's button: off to the identity provider, back to `callbackUrl`. */
export async function signInAction(formData: FormData): Promise<void> {
  await startSignIn(formData.get("callbackUrl"));
}

/** The header's Sign out button. */
export async function signOutAction(): Promise<void> {
  await endSession();
}
