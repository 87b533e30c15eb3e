import "server-only";
import type { MediaProbe } from "@/lib/db/schema";
import type { Storage } from "@/lib/storage";
import { type MediaKind, mediaLimits } from "@/lib/video-request";
import { type MediaProblem, MediaRejectedError } from "./errors";
import { damagedProblem, probeProblem, sizeProblem, typeProblem } from "./limits";
import { imageIsWhole } from "./magic";
import { probeStored, SNIFF_BYTES, sniffType } from "./probe";

export interface VerifiedMedia {
  mime: string;
  bytes: number;
  probe: MediaProbe;
}

/**
 * The one definition of "an acceptable stored file of this kind", whatever way its bytes
 * arrived (streamed through our upload route, or PUT straight into the bucket): its size,
 * the type sniffed from its first bytes, then what the probe reads (dimensions,
 * transparency, duration). Reads through ranged gets only. Throws a MediaRejectedError
 * with a sentence for the person; removing the object is the caller's job.
 */
export async function verifyStoredMedia(
  storage: Storage,
  key: string,
  kind: MediaKind,
  options: { maxBytes?: number } = {},
): Promise<VerifiedMedia> {
  const limits = mediaLimits[kind];
  if (!limits) throw new TypeError(`Unknown media kind: ${String(kind)}`);
  const maxBytes = Math.min(limits.maxBytes, options.maxBytes ?? Number.POSITIVE_INFINITY);
  const stored = await storage.stat(key);
  if (!stored) throw new Error(`Stored object ${key} is missing.`);
  const bytes = stored.size;
  const wrongSize = sizeProblem(kind, bytes, maxBytes);
  if (wrongSize) throw new MediaRejectedError(wrongSize);

  const head = await storage.get(key, { start: 0, end: Math.min(bytes, SNIFF_BYTES) - 1 });
  if (!head) throw new Error(`Stored object ${key} disappeared while sniffing.`);
  const chunks: Buffer[] = [];
  for await (const chunk of head.body) chunks.push(chunk as Buffer);
  const type = await sniffType(Buffer.concat(chunks));
  // typeProblem always refuses an unrecognised file (type undefined).
  const wrongType = typeProblem(kind, type);
  if (wrongType || !type) throw new MediaRejectedError(wrongType as MediaProblem);

  // Header-only probes pass a picture cut short; the browser's drop check uses the same rule.
  if (limits.category === "image") {
    const read = async (start: number, end: number) => {
      const part = await storage.get(key, { start, end: end - 1 });
      if (!part) throw new Error(`Stored object ${key} disappeared while checking.`);
      const parts: Buffer[] = [];
      for await (const chunk of part.body) parts.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(parts));
    };
    if (!(await imageIsWhole(type.mime, read, bytes))) {
      throw new MediaRejectedError(damagedProblem(kind));
    }
  }
  const probe = await probeStored(storage, key, kind, limits.category, type.mime, bytes);
  const problem = probeProblem(kind, type.mime, probe);
  if (problem) throw new MediaRejectedError(problem);
  return { mime: type.mime, bytes, probe };
}
