import "server-only";

/** Server side of media: ingesting uploads and reading media rows. Browser code imports the
 * pure modules (`@/lib/media/limits`, `@/lib/media/ids`, `@/lib/media/errors`) directly. */
export { type MediaProblem, MediaRejectedError, type MediaRejectionStatus } from "./errors";
export { isMediaId, mediaStorageKey } from "./ids";
export {
  getMediaRow,
  getMediaRows,
  type IngestInput,
  type IngestOptions,
  ingestUpload,
  insertMediaRow,
  uploadedMediaOf,
} from "./ingest";
export { checkProbe } from "./limits";
export { verifyStoredMedia } from "./verify";
