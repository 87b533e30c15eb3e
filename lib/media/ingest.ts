import "server-only";
import { Readable } from "node:stream";
import { eq, inArray } from "drizzle-orm";
import { type CurrentUser, LOCAL_USER } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { type MediaDerivation, type MediaRow, media } from "@/lib/db/schema";
import { getStorage, type Storage } from "@/lib/storage";
import { toNodeReadable } from "@/lib/storage/local";
import { type MediaKind, mediaLimits } from "@/lib/video-request";
import { MediaRejectedError } from "./errors";
import { isMediaId, mediaStorageKey, newMediaId } from "./ids";
import { cleanFileName, sizeProblem, tooLargeProblem, typeProblem } from "./limits";
import { SNIFF_BYTES, sniffType } from "./probe";
import { type VerifiedMedia, verifyStoredMedia } from "./verify";

export interface IngestInput {
  kind: MediaKind;
  body: ReadableStream<Uint8Array> | Readable;
  /** The browser's file name (display only; the type comes from the bytes). */
  declaredName: string;
  /** Content-Length when the client sent one: refused early when over the limit. */
  declaredSize?: number;
  /** Who uploaded it; only they can put it in a new video until a task uses it. Unset: the
   * local user, which no signed-in member is (so a forgotten owner fails closed). */
  owner?: Pick<CurrentUser, "id">;
}

export interface IngestOptions {
  /** Tests: another storage, or a lower byte limit (never a higher one). */
  storage?: Storage;
  maxBytes?: number;
}

/**
 * Passes the upload through, counting bytes: fails as soon as the count passes `maxBytes`
 * (so a 2 GB file costs at most `maxBytes` of disk and one chunk of memory), and checks the
 * sniffed type once the first bytes are in, so a PDF is refused before it is stored whole.
 */
async function* checkedBytes(
  source: Readable,
  kind: MediaKind,
  maxBytes: number,
  seen: { bytes: number; mime?: string },
): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headBytes = 0;
  let sniffed = false;
  const sniff = async () => {
    sniffed = true;
    const type = await sniffType(Buffer.concat(head).subarray(0, SNIFF_BYTES));
    const problem = typeProblem(kind, type);
    if (problem) throw new MediaRejectedError(problem);
    seen.mime = type?.mime;
  };
  for await (const data of source) {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
    seen.bytes += chunk.length;
    if (seen.bytes > maxBytes) throw new MediaRejectedError(tooLargeProblem(kind, maxBytes));
    if (!sniffed) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= SNIFF_BYTES) await sniff();
    }
    yield chunk;
  }
  const empty = sizeProblem(kind, seen.bytes, maxBytes);
  if (empty) throw new MediaRejectedError(empty);
  if (!sniffed) await sniff();
}

/**
 * Stores one upload under `media/<id>`, checks it against the kind's limits (bytes, sniffed
 * type, dimensions, transparency, duration) and records it. Any refusal throws a
 * MediaRejectedError and leaves nothing behind: no stored object, no row.
 */
export async function ingestUpload(
  input: IngestInput,
  options: IngestOptions = {},
): Promise<MediaRow> {
  const { kind, declaredSize } = input;
  const limits = mediaLimits[kind];
  if (!limits) throw new TypeError(`Unknown media kind: ${String(kind)}`);
  const maxBytes = Math.min(limits.maxBytes, options.maxBytes ?? Number.POSITIVE_INFINITY);
  const source = toNodeReadable(input.body);
  if (declaredSize !== undefined && declaredSize > maxBytes) {
    source.destroy();
    throw new MediaRejectedError(tooLargeProblem(kind, maxBytes, declaredSize));
  }

  const storage = options.storage ?? getStorage();
  const id = newMediaId();
  const storageKey = mediaStorageKey(id);
  const seen: { bytes: number; mime?: string } = { bytes: 0 };
  try {
    const { size } = await storage.put(
      storageKey,
      Readable.from(checkedBytes(source, kind, maxBytes, seen)),
    );
    if (declaredSize !== undefined && size !== declaredSize) {
      throw new MediaRejectedError({
        code: "upload_incomplete",
        status: 422,
        message: `The upload ended early (${size} of ${declaredSize} bytes arrived). Try again.`,
      });
    }
    const verified = await verifyStoredMedia(storage, storageKey, kind, { maxBytes });
    return await insertMediaRow({
      id,
      kind,
      storageKey,
      name: input.declaredName,
      ownerId: input.owner?.id,
      ...verified,
    });
  } catch (error) {
    source.destroy();
    await storage.delete(storageKey).catch(() => {});
    throw error;
  }
}

/** Records a verified stored file; the name is the browser's, cleaned for display. */
export async function insertMediaRow(
  input: {
    id: string;
    kind: MediaKind;
    storageKey: string;
    name: string;
    /** The uploader's member id; unset → the local user. */
    ownerId?: string;
    /** Taken from one of our videos (a frame, a clip) rather than uploaded. */
    derivedFrom?: MediaDerivation;
  } & VerifiedMedia,
): Promise<MediaRow> {
  const db = await getDb();
  const [row] = await db
    .insert(media)
    .values({
      id: input.id,
      kind: input.kind,
      mimeType: input.mime,
      bytes: input.bytes,
      originalName: cleanFileName(input.name),
      storageKey: input.storageKey,
      probe: input.probe,
      ownerId: input.ownerId ?? LOCAL_USER.id,
      derivedFrom: input.derivedFrom ?? null,
    })
    .returning();
  return row;
}

/** What the upload routes answer for a stored file (the browser's `UploadedMedia`). */
export function uploadedMediaOf(row: MediaRow) {
  return {
    id: row.id,
    kind: row.kind,
    mimeType: row.mimeType,
    bytes: row.bytes,
    name: row.originalName,
    probe: row.probe,
  };
}

/** The stored media among `ids` (unknown or malformed ids are simply absent). */
export async function getMediaRows(ids: string[]): Promise<MediaRow[]> {
  const wanted = [...new Set(ids.filter(isMediaId))];
  if (wanted.length === 0) return [];
  const db = await getDb();
  return db.select().from(media).where(inArray(media.id, wanted));
}

export async function getMediaRow(id: string): Promise<MediaRow | null> {
  if (!isMediaId(id)) return null;
  const db = await getDb();
  const [row] = await db.select().from(media).where(eq(media.id, id)).limit(1);
  return row ?? null;
}
