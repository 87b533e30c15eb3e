import { withUser } from "@/lib/auth/route";
import { MediaRejectedError } from "@/lib/media";
import { DirectUploadError, startDirectUpload } from "@/lib/media/direct";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function fail(status: number, code: string, message: string, extra: object = {}): Response {
  return Response.json({ ...extra, error: { code, message } }, { status });
}

/**
 * `POST /api/uploads/presign` `{ kind, name, size, type }`: with S3 storage, a presigned PUT
 * the browser sends the file to directly → 200 `{ mode: "presigned", uploadId, url, method,
 * headers, key, expiresAt }`, then `POST /api/uploads/complete`. With local storage → 409
 * `{ mode: "stream" }`: send the file to `POST /api/uploads?kind=…` instead.
 */
export const POST = withUser(async (request: Request, _context: unknown, user) => {
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  if (!body || typeof body !== "object") {
    return fail(400, "bad_request", "Send { kind, name, size, type } as JSON.");
  }
  try {
    const start = await startDirectUpload(
      { kind: body.kind, name: body.name, size: body.size, type: body.type },
      { owner: user },
    );
    return Response.json(
      { mode: "presigned", method: "PUT", ...start },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    if (error instanceof DirectUploadError) {
      const extra = error.code === "direct_upload_unavailable" ? { mode: "stream" } : {};
      return fail(error.status, error.code, error.message, extra);
    }
    if (error instanceof MediaRejectedError) return fail(error.status, error.code, error.message);
    console.error("presign failed", error instanceof Error ? error.name : "unknown");
    return fail(500, "presign_failed", "The upload could not be started. Try again.");
  }
});
