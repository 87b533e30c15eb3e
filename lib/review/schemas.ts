import { z } from "zod";
import {
  COMMENT_MAX_CHARS,
  COMMENTER_NAME_MAX_CHARS,
  PIN_MAX_SECONDS,
  type ShareLinkOptions,
  shareLinkDays,
} from "./rules";

/** The review rulebook's input checks, for the server (the sentences people see come from here). */

export const shareLinkOptionsSchema = z.object({
  days: z.union(shareLinkDays.map((days) => z.literal(days))),
  allowDownload: z.boolean().default(true),
  showSettings: z.boolean().default(false),
  allowComments: z.boolean().default(false),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema parses to exactly the options the share form sends (rules.ts): tsc fails if not. */
export const shareOptionsMatch: Same<
  z.infer<typeof shareLinkOptionsSchema>,
  ShareLinkOptions
> = true;

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
