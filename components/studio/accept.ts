import type { Accept, FileRejection } from "react-dropzone";
import { formatBytes, type MediaKind, mediaKindLabels, mediaLimits } from "@/lib/video-request";

const extensions: Record<string, string[]> = {
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
  "image/bmp": [".bmp"],
  "image/webp": [".webp"],
  "audio/wav": [".wav"],
  "audio/mpeg": [".mp3"],
  "video/mp4": [".mp4"],
  "video/quicktime": [".mov"],
};

/** The file picker's filter for a slot. A first guess only: the server sniffs the bytes. */
export function acceptFor(kind: MediaKind): Accept {
  const accept: Accept = {};
  for (const mime of mediaLimits[kind].mimeTypes) accept[mime] = extensions[mime] ?? [];
  // Browsers name WAV files inconsistently.
  if (accept["audio/wav"]) {
    accept["audio/x-wav"] = [".wav"];
    accept["audio/wave"] = [".wav"];
    accept["audio/vnd.wave"] = [".wav"];
  }
  return accept;
}

/** A sentence that says what to change, for a file refused before it is sent. */
export function rejectionMessage(kind: MediaKind, rejection: FileRejection): string {
  const label = mediaKindLabels[kind];
  const limits = mediaLimits[kind];
  const { file, errors } = rejection;
  if (errors.some((error) => error.code === "file-too-large")) {
    return `${file.name} is ${formatBytes(file.size)}; ${label} takes at most ${formatBytes(limits.maxBytes)}.`;
  }
  if (errors.some((error) => error.code === "file-invalid-type")) {
    return `${file.name} is not a file ${label.toLowerCase()} takes. Use ${limits.formatsLabel}.`;
  }
  return errors[0]?.message ?? `${file.name} cannot be used here.`;
}
