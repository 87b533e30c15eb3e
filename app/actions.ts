"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { endSession, getCurrentUser, requireUser, startSignIn } from "@/lib/auth/session";
import { type CurrentUser, UnauthorizedError } from "@/lib/auth/user";
import { clientAddress, clientKey } from "@/lib/http/client";
import { MediaRejectedError } from "@/lib/media/errors";
import {
  addComment as addCommentOn,
  addViewerComment,
  type CommentView,
  createShareLink as createShareLinkFor,
  decideReview,
  deleteComment as deleteCommentById,
  openShare,
  ReviewError,
  type ReviewStateView,
  revokeShareLink as revokeShareLinkById,
  type ShareLinkSummary,
} from "@/lib/review";
import { linkContinuation, replaceShot, SequenceError, startReroll } from "@/lib/sequences";
import { nudgeRerolls } from "@/lib/sequences/sweeper";
import { pickTake as pickTakeInSet, TakeError } from "@/lib/takes";
import { cancelTask, deleteTask, submitTask, TaskError } from "@/lib/tasks";
import {
  CONTINUE_SECONDS_MAX,
  CONTINUE_SECONDS_MIN,
  type FramePick,
  grabFrame,
  startContinue,
} from "@/lib/tasks/frames";
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
      // A continuation ("Continue") joins or starts a sequence in the same transaction.
      afterInsert: linkContinuation,
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

const taskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/** A refusal as the page shows it. */
type ActionError = { code: string; message: string };

/** What deleting, cancelling (or any other act on one video) answers. */
export type VideoActionResult = { ok: true } | { ok: false; error: ActionError };
export type DeleteVideoResult = VideoActionResult;
export type CancelVideoResult = VideoActionResult;

const UNEXPECTED = {
  ok: false,
  error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
} as const;

/**
 * Runs a use case for an action: a refusal it explains (TaskError, TakeError) is answered in
 * its own words; anything else is logged under `failedEvent` and answered in general terms.
 */
async function answer<T>(
  failedEvent: string,
  run: () => Promise<T>,
): Promise<T | { ok: false; error: ActionError }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TaskError || error instanceof TakeError || error instanceof ReviewError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent(failedEvent, { error: error instanceof Error ? error.message : "unknown" });
    return UNEXPECTED;
  }
}

/**
 * One act on one video by the member asking: who asks is checked first, then the id, then
 * (in the use case) whether they may.
 */
async function actOnVideo(
  taskId: unknown,
  failedEvent: string,
  act: (id: string, user: CurrentUser) => Promise<unknown>,
): Promise<VideoActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  return answer(failedEvent, async () => {
    await act(parsed.data, user);
    return { ok: true } as const;
  });
}

/** Delete a video for good (its row, kept video and poster): only whoever made it, or an admin. */
export async function deleteVideo(taskId: unknown): Promise<DeleteVideoResult> {
  return actOnVideo(taskId, "action.delete_failed", deleteTask);
}

/**
 * Take a video out of our queue before it is sent (it costs nothing). Only whoever made it, or
 * an admin; a video already sent cannot be cancelled (the gateway has no cancel): the answer
 * says so.
 */
export async function cancelVideo(taskId: unknown): Promise<CancelVideoResult> {
  return actOnVideo(taskId, "action.cancel_failed", cancelTask);
}

/** What picking a take answers: the set's pick as it now stands. */
export type PickTakeResult =
  | { ok: true; pickedTaskId: string | null; pickedBy: string | null }
  | { ok: false; error: ActionError };

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
  return answer("action.pick_failed", async () => {
    const view = await pickTakeInSet(set.data, take.data, user);
    return { ok: true, pickedTaskId: view.pickedTaskId, pickedBy: view.pickedBy } as const;
  });
}

const reviewIdSchema = z.string().regex(/^(sl|cm)_[A-Za-z0-9_-]{16}$/);
const NOT_SIGNED_IN = {
  ok: false,
  error: { code: "unauthorized", message: "Sign in to continue." },
} as const;

/** What making a share link answers: the token's path, shown once (only its hash is kept). */
export type CreateShareLinkResult =
  | { ok: true; path: string; link: ShareLinkSummary }
  | { ok: false; error: ActionError };

/** Share a kept video through a public link: expiry of 1, 7 or 30 days and what it shows. */
export async function createShareLink(
  taskId: unknown,
  options: unknown,
): Promise<CreateShareLinkResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  return answer("action.share_failed", async () => {
    const made = await createShareLinkFor(parsed.data, options, user);
    return { ok: true, path: `/s/${made.token}`, link: made.link } as const;
  });
}

/**
 * Share a sequence's exported film through a public link: it opens the sequence's newest
 * finished export, with the same expiry and download choices as a video's (no comments).
 */
export async function createSequenceShareLink(
  sequenceId: unknown,
  options: unknown,
): Promise<CreateShareLinkResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const parsed = taskIdSchema.safeParse(sequenceId);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "sequence_not_found", message: "There is no such sequence." },
    };
  }
  return answer("action.share_failed", async () => {
    const made = await createShareLinkFor(
      { kind: "sequence_export", id: parsed.data },
      options,
      user,
    );
    return { ok: true, path: `/s/${made.token}`, link: made.link } as const;
  });
}

/** Revoke a share link at once (its maker, the video's maker, or an admin). */
export async function revokeShareLink(linkId: unknown): Promise<VideoActionResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const parsed = reviewIdSchema.safeParse(linkId);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "share_not_found", message: "There is no such share link." },
    };
  }
  return answer("action.revoke_share_failed", async () => {
    await revokeShareLinkById(parsed.data, user);
    return { ok: true } as const;
  });
}

export type CommentResult = { ok: true; comment: CommentView } | { ok: false; error: ActionError };

const commentTargetSchema = z.object({
  kind: z.enum(["task", "take_set"]),
  id: taskIdSchema,
});

/** A member's comment on a video or a take set, optionally pinned to a time. */
export async function addComment(target: unknown, input: unknown): Promise<CommentResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const parsed = commentTargetSchema.safeParse(target);
  if (!parsed.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  return answer("action.comment_failed", async () => {
    const comment = await addCommentOn(parsed.data, input, user);
    return { ok: true, comment } as const;
  });
}

/** Delete a comment: its author or an admin. */
export async function deleteComment(commentId: unknown): Promise<VideoActionResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const parsed = reviewIdSchema.safeParse(commentId);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "comment_not_found", message: "There is no such comment." },
    };
  }
  return answer("action.delete_comment_failed", async () => {
    await deleteCommentById(parsed.data, user);
    return { ok: true } as const;
  });
}

export type ReviewDecisionResult =
  | { ok: true; state: ReviewStateView }
  | { ok: false; error: ActionError };

const decisionSchema = z.enum(["approved", "changes_requested"]);

/** Approve a video, or ask for changes: the latest decision wins. */
export async function decideVideo(
  taskId: unknown,
  decision: unknown,
): Promise<ReviewDecisionResult> {
  const user = await getCurrentUser();
  if (!user) return NOT_SIGNED_IN;
  const id = taskIdSchema.safeParse(taskId);
  const choice = decisionSchema.safeParse(decision);
  if (!id.success || !choice.success) {
    return { ok: false, error: { code: "task_not_found", message: "There is no such video." } };
  }
  return answer("action.review_failed", async () => {
    const state = await decideReview(id.data, choice.data, user);
    return { ok: true, state } as const;
  });
}

/**
 * A share-link viewer's comment, under the name they typed. No session: the token is the
 * permission, checked (and rate-limited) as the page checks it, and a link that does not open
 * answers exactly as a wrong one.
 */
export async function addSharedComment(token: unknown, input: unknown): Promise<CommentResult> {
  const client = clientKey(clientAddress(await headers()));
  const lookup = await openShare(typeof token === "string" ? token : "", client);
  if (!lookup.found) {
    return {
      ok: false,
      error: { code: "share_not_found", message: "This link does not open anything." },
    };
  }
  return answer("action.shared_comment_failed", async () => {
    const comment = await addViewerComment(lookup.shared, input);
    return { ok: true, comment } as const;
  });
}

/** The sign-in page's button: off to the identity provider, back to `callbackUrl`. */
export async function signInAction(formData: FormData): Promise<void> {
  await startSignIn(formData.get("callbackUrl"));
}

/** The header's Sign out button. */
export async function signOutAction(): Promise<void> {
  await endSession();
}

/** What taking a frame answers: where the studio opens with it. */
export type TakeFrameResult =
  | { ok: true; mediaId: string; href: string }
  | { ok: false; error: ActionError };

const takeFrameSchema = z.object({
  taskId: taskIdSchema,
  frame: z.union([z.literal("first"), z.literal("last"), z.number().finite().min(0).max(3600)]),
  slot: z.enum(["first_frame", "last_frame"]),
});

/**
 * "Use last frame", "Use first frame", "Use this frame": the exact frame of a kept video,
 * stored as the member's own PNG, and the studio's address with it in `slot`.
 */
export async function takeFrame(input: unknown): Promise<TakeFrameResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = takeFrameSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "invalid_request", message: "Reload the page and try again." },
    };
  }
  const { taskId, frame, slot } = parsed.data;
  const pick: FramePick =
    typeof frame === "number" ? { at: "time", seconds: frame } : { at: frame };
  try {
    const row = await grabFrame(taskId, pick, slot, user);
    return { ok: true, mediaId: row.id, href: `/?${new URLSearchParams({ frame: row.id })}` };
  } catch (error) {
    if (error instanceof TaskError || error instanceof MediaRejectedError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent("action.frame_failed", {
      taskId,
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
    return {
      ok: false,
      error: {
        code: "frame_failed",
        message: "The frame could not be taken from this video. Please try again.",
      },
    };
  }
}

const continueSchema = z.object({
  taskId: taskIdSchema,
  seconds: z.number().int().min(CONTINUE_SECONDS_MIN).max(CONTINUE_SECONDS_MAX),
});

/** What "Continue" answers: the job that cuts the clip (the page polls /api/jobs/[id]). */
export type ContinueResult = { ok: true; jobId: string } | { ok: false; error: ActionError };

/**
 * "Continue": the video's last `seconds`, cut exactly on the server (a background job: a
 * 1080P cut takes seconds) and stored as the member's first clip; the finished job holds the
 * studio's address with it, its length preset to add at least 2 s.
 */
export async function continueVideo(input: unknown): Promise<ContinueResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = continueSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: "invalid_request",
        message: `Carry over ${CONTINUE_SECONDS_MIN} to ${CONTINUE_SECONDS_MAX} whole seconds.`,
      },
    };
  }
  try {
    const job = await startContinue(parsed.data.taskId, parsed.data.seconds, user);
    return { ok: true, jobId: job.id };
  } catch (error) {
    if (error instanceof TaskError || error instanceof MediaRejectedError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    logEvent("action.continue_failed", {
      taskId: parsed.data.taskId,
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
    return {
      ok: false,
      error: {
        code: "continue_failed",
        message: "The end of this video could not be cut. Please try again.",
      },
    };
  }
}

const sequenceShotSchema = z.object({
  sequenceId: taskIdSchema,
  position: z.number().int().min(0).max(999),
});

/** What replacing a shot or re-rolling a sequence answers. */
export type SequenceActionResult =
  | { ok: true; message: string }
  | { ok: false; error: ActionError };

function sequenceFailure(error: unknown, what: string): SequenceActionResult {
  if (error instanceof SequenceError || error instanceof TaskError) {
    return { ok: false, error: { code: error.code, message: error.message } };
  }
  logEvent(`action.${what}_failed`, {
    error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
  });
  return {
    ok: false,
    error: { code: "unexpected", message: "Something went wrong on our side. Please try again." },
  };
}

/** Puts another take (of its take set, or from the same parent) in a shot's place. */
export async function replaceSequenceShot(input: unknown): Promise<SequenceActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = sequenceShotSchema.extend({ taskId: taskIdSchema }).safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: { code: "invalid_request", message: "Choose a take first." } };
  }
  const { sequenceId, position, taskId } = parsed.data;
  try {
    await replaceShot(sequenceId, position, taskId, user);
    return { ok: true, message: `Shot ${position + 1} replaced.` };
  } catch (error) {
    return sequenceFailure(error, "replace_shot");
  }
}

/**
 * "Re-roll from here": the out-of-date shots after `position` are approved all together
 * against the budget; the sweeper then makes them in order (never this request).
 */
export async function rerollSequence(input: unknown): Promise<SequenceActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: { code: "unauthorized", message: "Sign in to continue." } };
  const parsed = sequenceShotSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "invalid_request", message: "Reload the page and try again." },
    };
  }
  try {
    const { shots } = await startReroll(parsed.data.sequenceId, parsed.data.position, user);
    nudgeRerolls();
    return {
      ok: true,
      message: `Re-rolling ${shots === 1 ? "1 shot" : `${shots} shots`}: each starts once the shot before it is kept.`,
    };
  } catch (error) {
    return sequenceFailure(error, "reroll");
  }
}
