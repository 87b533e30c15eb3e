import { withUser } from "@/lib/auth/route";
import { MediaRejectedError } from "@/lib/media";
import { completeDirectUpload, DirectUploadError } from "@/lib/media/direct";
import { uploadedMediaOf } from "@/lib/media/ingest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function fail(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * `POST /api/uploads/complete` `{ uploadId }` after the browser's PUT to the presigned URL:
 * the stored object is checked like any upload (size, sniffed type, probe) → 201 `{ media }`,
 * the same answer as `POST /api/uploads`. Refused → 413/415/422 and the object is deleted;
 * a forged id → 403; an expired one → 410; nothing stored → 409.
 */
export const POST = withUser(async (request: Request, _context: unknown, user) => {
  const body = (await request.json().catch(() => null)) as { uploadId?: unknown } | null;
  try {
    const row = await completeDirectUpload(body?.uploadId, { owner: user });
    return Response.json({ media: uploadedMediaOf(row) }, { status: 201 });
  } catch (error) {
    if (error instanceof DirectUploadError) return fail(error.status, error.code, error.message);
    if (error instanceof MediaRejectedError) return fail(error.status, error.code, error.message);
    console.error("upload completion failed", error instanceof Error ? error.name : "unknown");
    return fail(500, "upload_failed", "The upload could not be checked. Try again.");
  }
});
