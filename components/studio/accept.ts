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

/**
 * The file picker's filter for a slot, as the input's `accept` attribute lists it: each MIME
 * type followed by its extensions. A first guess only: the server sniffs the bytes.
 */
export function acceptFor(kind: MediaKind): string[] {
  const accept: string[] = [];
  for (const mime of mediaLimits[kind].mimeTypes) accept.push(mime, ...(extensions[mime] ?? []));
  // Browsers name WAV files inconsistently.
  if (mediaLimits[kind].mimeTypes.includes("audio/wav")) {
    accept.push("audio/x-wav", ".wav", "audio/wave", ".wav", "audio/vnd.wave", ".wav");
  }
  return accept;
}
