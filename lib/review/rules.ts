import { z } from "zod";

/**
 * The review rulebook: share-link choices and comment limits, with the sentences people see.
 * Pure, so the forms, the server actions and the tests read the same rules.
 */

/** How long a share link lives, in days: the only choices offered. */
export const shareLinkDays = [1, 7, 30] as const;
export type ShareLinkDays = (typeof shareLinkDays)[number];

export const shareLinkOptionsSchema = z.object({
  days: z.union(shareLinkDays.map((days) => z.literal(days))),
  allowDownload: z.boolean().default(true),
  showSettings: z.boolean().default(false),
  allowComments: z.boolean().default(false),
});
export type ShareLinkOptions = z.infer<typeof shareLinkOptionsSchema>;

export const COMMENT_MAX_CHARS = 2000;
export const COMMENTER_NAME_MAX_CHARS = 80;
/** Longer than any video the model makes (15 s), with room for exports of several shots. */
export const PIN_MAX_SECONDS = 3600;

export const commentBodySchema = z
  .string()
  .trim()
  .min(1, "Write a comment first.")
  .max(
    COMMENT_MAX_CHARS,
    `A comment holds at most ${COMMENT_MAX_CHARS.toLocaleString("en")} characters.`,
  );

export const commenterNameSchema = z
  .string()
  .trim()
  .min(1, "Type your name, so the team knows who wrote this.")
  .max(COMMENTER_NAME_MAX_CHARS, `A name holds at most ${COMMENTER_NAME_MAX_CHARS} characters.`);

/** A pin: seconds into the video, to the tenth, or null for a comment on the whole. */
export const pinSchema = z
  .number()
  .finite()
  .min(0)
  .max(PIN_MAX_SECONDS)
  .transform((seconds) => Math.round(seconds * 10) / 10)
  .nullable()
  .default(null);

export const commentInputSchema = z.object({
  body: commentBodySchema,
  atSeconds: pinSchema,
});
export type CommentInput = z.infer<typeof commentInputSchema>;

export const viewerCommentInputSchema = commentInputSchema.extend({ name: commenterNameSchema });

export const reviewDecisionLabels = {
  approved: "Approved",
  changes_requested: "Changes requested",
} as const;
export type ReviewDecisionName = keyof typeof reviewDecisionLabels;

/** History filter values for the review state. */
export const reviewFilters = {
  approved: "Approved",
  changes_requested: "Changes requested",
  none: "Not reviewed",
} as const;
export type ReviewFilter = keyof typeof reviewFilters;

/** 83.4 → "1:23.4": how a pin reads beside its comment and on the scrubber. */
export function formatPin(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const minutes = Math.floor(tenths / 600);
  const rest = (tenths % 600) / 10;
  return `${minutes}:${rest.toFixed(1).padStart(4, "0")}`;
}
