import { withUser } from "@/lib/auth/route";
import type { MediaProbe } from "@/lib/db/schema";
import { ingestUpload, MediaRejectedError, uploadedMediaOf } from "@/lib/media";
import { tooLargeProblem } from "@/lib/media/limits";
import { type MediaKind, mediaKinds, mediaLimits } from "@/lib/video-request";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** What a successful upload answers (201). */
export interface UploadedMedia {
  id: string;
  kind: MediaKind;
  mimeType: string;
  bytes: number;
  name: string;
  probe: MediaProbe;
}

function fail(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

function fileNameOf(request: Request): string {
  const raw = request.headers.get("x-file-name") ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * With S3 storage the browser uploads straight to the bucket instead (see ./presign and
 * ./complete); this route is the path for local storage.
 *
 * `POST /api/uploads?kind=<MediaKind>` with the file as the raw body (the browser sends it
 * with XMLHttpRequest for progress), `X-File-Name` (URI-encoded) and `Content-Length`.
 * The type is sniffed from the bytes; `Content-Type` is not trusted.
 */
export const POST = withUser(async (request: Request, _context: unknown, user) => {
  const kind = new URL(request.url).searchParams.get("kind");
  if (!mediaKinds.includes(kind as MediaKind)) {
    return fail(400, "unknown_kind", `Unknown upload kind; use one of ${mediaKinds.join(", ")}.`);
  }
  const mediaKind = kind as MediaKind;
  const length = request.headers.get("content-length");
  const declaredSize = length && /^\d+$/.test(length) ? Number(length) : undefined;
  if (declaredSize !== undefined && declaredSize > mediaLimits[mediaKind].maxBytes) {
    // Refuse before reading a byte; dropping the unread body closes the connection.
    await request.body?.cancel().catch(() => {});
    const problem = tooLargeProblem(mediaKind, undefined, declaredSize);
    return fail(problem.status, problem.code, problem.message);
  }

  try {
    const row = await ingestUpload({
      kind: mediaKind,
      body: request.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
      declaredName: fileNameOf(request),
      declaredSize,
      owner: user,
    });
    const media: UploadedMedia = uploadedMediaOf(row);
    return Response.json({ media }, { status: 201 });
  } catch (error) {
    if (error instanceof MediaRejectedError) return fail(error.status, error.code, error.message);
    if (request.signal.aborted) {
      // The client went away mid-upload; ingestUpload already removed what it had stored.
      return fail(400, "upload_aborted", "The upload was interrupted. Try again.");
    }
    console.error("upload failed", error);
    return fail(500, "upload_failed", "The upload could not be stored. Try again.");
  }
});
