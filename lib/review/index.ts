export {
  addComment,
  addViewerComment,
  type CommentAddedEvent,
  type CommentTarget,
  type CommentView,
  commentsOn,
  decideReview,
  deleteComment,
  markCommentsRead,
  type NewComments,
  newCommentsFor,
  onCommentAdded,
  type ReviewStateView,
  reviewStateOf,
} from "./comments";
export { ReviewError } from "./errors";
export {
  activeShareFor,
  allShareLinks,
  createShareLink,
  liveShareUrl,
  openShare,
  revokeShareLink,
  type SharedVideo,
  type ShareLinkSummary,
  type ShareLookup,
  shareLinksFor,
} from "./shares";
