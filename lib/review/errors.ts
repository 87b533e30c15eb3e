export type ReviewErrorCode =
  | "task_not_found"
  | "take_set_not_found"
  | "not_shareable"
  | "share_not_found"
  | "comment_not_found"
  | "comments_closed"
  | "invalid_comment"
  | "forbidden";

/** An expected refusal about sharing or review; its message is written for people. */
export class ReviewError extends Error {
  constructor(
    readonly code: ReviewErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}
