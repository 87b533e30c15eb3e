import type { Accept } from "react-dropzone";
import { type MediaKind, mediaLimits } from "@/lib/request-rules";

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
