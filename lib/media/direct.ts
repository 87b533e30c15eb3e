import "server-only";
import { type CurrentUser, LOCAL_USER } from "@/lib/auth/user";
import type { MediaRow } from "@/lib/db/schema";
import { getStorage, isDirectStorage, type Storage } from "@/lib/storage";
import { signValue, verifyValue } from "@/lib/storage/signing";
import { type MediaKind, mediaKinds, mediaLimits } from "@/lib/video-request";
import { MediaRejectedError } from "./errors";
import { isMediaId, mediaStorageKey, newMediaId } from "./ids";
import { getMediaRow, insertMediaRow } from "./ingest";
import { cleanFileName, sizeProblem } from "./limits";
import { verifyStoredMedia } from "./verify";

/**
 * Direct uploads: with S3 storage the browser PUTs the file straight into the bucket (no
 * serverless body limit, no bytes through our functions), under `pending/<id>`. Completing
 * checks the stored object exactly as a streamed upload is checked, then copies it to
 * `media/<id>` and records it. A presigned upload that is never completed leaves its object
 * under `pending/`: a bucket lifecycle rule on that prefix (expire after 1 day) removes them.
 */

/** Prefix of objects uploaded but not (yet) verified. */
export const PENDING_PREFIX = "pending/";
/** How long the browser has to start the PUT. */
const PUT_TTL_SECONDS = 3600;
/** How long an upload id can be completed (covers a slow 100 MB PUT). */
const TICKET_TTL_SECONDS = 6 * 3600;
const TICKET_PURPOSE = "direct-upload";

export class DirectUploadError extends Error {
  constructor(
    readonly code:
      | "direct_upload_unavailable"
      | "bad_request"
      | "bad_upload_id"
      | "upload_expired"
      | "upload_missing",
    readonly status: 400 | 403 | 409 | 410,
    message: string,
  ) {
    super(message);
    this.name = "DirectUploadError";
  }
}

interface Ticket {
  /** The media id the object becomes. */
  id: string;
  kind: MediaKind;
  /** Bytes the browser declared, and signed into the PUT URL. */
  size: number;
  name: string;
  /** Unix seconds. */
  exp: number;
  /** The member who asked for the upload: only they can complete it, and they own it. */
  owner?: string;
}

export interface DirectUploadRequest {
  kind: unknown;
  name?: unknown;
  size: unknown;
  type?: unknown;
}

export interface DirectUploadStart {
  /** Opaque and signed: names the object, its kind and size; hand it back to complete. */
  uploadId: string;
  /** PUT the file's bytes here, with exactly `headers`. */
  url: string;
  headers: Record<string, string>;
  key: string;
  /** Unix ms after which `url` no longer starts an upload. */
  expiresAt: number;
}

export function pendingKey(mediaId: string): string {
  return `${PENDING_PREFIX}${mediaId}`;
}

function direct(storage: Storage) {
  if (!isDirectStorage(storage)) {
    throw new DirectUploadError(
      "direct_upload_unavailable",
      409,
      "This server stores uploads itself; send the file to /api/uploads.",
    );
  }
  return storage;
}

function encodeTicket(ticket: Ticket): string {
  const payload = Buffer.from(JSON.stringify(ticket)).toString("base64url");
  return `${payload}.${signValue(TICKET_PURPOSE, payload)}`;
}

/** The ticket `uploadId` carries, when our server signed it and it has not expired. */
function decodeTicket(uploadId: unknown, now: number): Ticket {
  const forged = new DirectUploadError(
    "bad_upload_id",
    403,
    "This upload cannot be completed here. Drop the file again.",
  );
  if (typeof uploadId !== "string" || uploadId.length > 2048) throw forged;
  const [payload, sig, extra] = uploadId.split(".");
  if (!payload || !sig || extra !== undefined || !verifyValue(TICKET_PURPOSE, payload, sig)) {
    throw forged;
  }
  const ticket = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Ticket;
  if (!isMediaId(ticket.id) || !mediaKinds.includes(ticket.kind)) throw forged;
  if (ticket.exp * 1000 <= now) {
    throw new DirectUploadError(
      "upload_expired",
      410,
      "This upload took too long to finish. Drop the file again.",
    );
  }
  return ticket;
}

/**
 * Signs a PUT for one file into `pending/<new id>`. Refuses what the declared size already
 * rules out; the bytes themselves are checked when the upload is completed.
 */
export async function startDirectUpload(
  request: DirectUploadRequest,
  options: { storage?: Storage; now?: number; owner?: Pick<CurrentUser, "id"> } = {},
): Promise<DirectUploadStart> {
  const storage = direct(options.storage ?? getStorage());
  const { kind, size } = request;
  if (!mediaKinds.includes(kind as MediaKind)) {
    throw new DirectUploadError(
      "bad_request",
      400,
      `Unknown upload kind; use one of ${mediaKinds.join(", ")}.`,
    );
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new DirectUploadError("bad_request", 400, "Say the file's size in bytes.");
  }
  const mediaKind = kind as MediaKind;
  const problem = sizeProblem(mediaKind, size);
  if (problem) throw new MediaRejectedError(problem);

  const now = options.now ?? Date.now();
  const id = newMediaId();
  const key = pendingKey(id);
  const declaredType = typeof request.type === "string" ? request.type : "";
  // Only a plain type/subtype goes into the signed header; the bytes decide the real type.
  const contentType = /^[a-z]+\/[a-z0-9.+-]{1,100}$/i.test(declaredType)
    ? declaredType
    : "application/octet-stream";
  const put = await storage.presignPut(key, {
    contentLength: size,
    contentType,
    expiresIn: PUT_TTL_SECONDS,
  });
  const uploadId = encodeTicket({
    id,
    kind: mediaKind,
    size,
    name: cleanFileName(typeof request.name === "string" ? request.name : ""),
    exp: Math.floor(now / 1000) + TICKET_TTL_SECONDS,
    owner: options.owner?.id ?? LOCAL_USER.id,
  });
  return { uploadId, url: put.url, headers: put.headers, key, expiresAt: put.expiresAt };
}

/**
 * Checks the object a browser PUT for `uploadId` (size, sniffed type, probe, as any upload)
 * and records it as media. A refused object is deleted; completing twice answers the same
 * media. Throws DirectUploadError (the id) or MediaRejectedError (the file).
 */
export async function completeDirectUpload(
  uploadId: unknown,
  options: { storage?: Storage; now?: number; owner?: Pick<CurrentUser, "id"> } = {},
): Promise<MediaRow> {
  const storage = direct(options.storage ?? getStorage());
  const ticket = decodeTicket(uploadId, options.now ?? Date.now());
  const owner = options.owner?.id ?? LOCAL_USER.id;
  if ((ticket.owner ?? LOCAL_USER.id) !== owner) {
    throw new DirectUploadError(
      "bad_upload_id",
      403,
      "This upload cannot be completed here. Drop the file again.",
    );
  }
  const from = pendingKey(ticket.id);
  const to = mediaStorageKey(ticket.id);

  const existing = await getMediaRow(ticket.id);
  if (existing) {
    await storage.delete(from).catch(() => {});
    return existing;
  }
  const stored = await storage.stat(from);
  if (!stored) {
    throw new DirectUploadError(
      "upload_missing",
      409,
      "The file never reached storage. Drop it again.",
    );
  }
  try {
    if (stored.size !== ticket.size) {
      // Real S3 refuses a PUT of another length than the signed one; be as strict here.
      throw new MediaRejectedError(
        sizeProblem(ticket.kind, stored.size) ?? {
          code: "upload_incomplete",
          status: 422,
          message: `The upload did not arrive whole (${stored.size} of ${ticket.size} bytes). Try again.`,
        },
      );
    }
    const verified = await verifyStoredMedia(storage, from, ticket.kind, {
      maxBytes: mediaLimits[ticket.kind].maxBytes,
    });
    await storage.copy(from, to, { contentType: verified.mime });
    const row = await insertMediaRow({
      id: ticket.id,
      kind: ticket.kind,
      storageKey: to,
      name: ticket.name,
      ownerId: owner,
      ...verified,
    }).catch(async (error: unknown) => {
      // Completed twice at once: the other call recorded it; answer its row.
      const winner = await getMediaRow(ticket.id);
      if (winner) return winner;
      throw error;
    });
    await storage.delete(from).catch(() => {});
    return row;
  } catch (error) {
    await storage.delete(from).catch(() => {});
    if (!(await getMediaRow(ticket.id).catch(() => null))) {
      await storage.delete(to).catch(() => {});
    }
    throw error;
  }
}
