import { serveStored } from "@/lib/http/serve-stored";
import { getMediaRow, isMediaId } from "@/lib/media";
import { normaliseMime } from "@/lib/media/limits";
import { secondsLeft, verifyMediaSignature } from "@/lib/storage/signing";
import { mediaLimits } from "@/lib/video-request";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** Only the types the rulebook accepts are ever served as themselves (never HTML or SVG). */
const servableTypes = new Set(Object.values(mediaLimits).flatMap((limits) => limits.mimeTypes));

/** Browsers and the gateway may keep a copy, but not past the URL's own expiry. */
const MAX_CACHE_SECONDS = 24 * 3600;

function fail(status: number, code: string, message: string): Response {
  return Response.json(
    { error: { code, message } },
    { status, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } },
  );
}

/**
 * `GET|HEAD /api/media/<id>?exp=<unix s>&sig=<hmac>`: an uploaded file, for the gateway (which
 * fetches media itself) and for previews. The signature is the permission; ranges let players
 * seek. With S3 storage it redirects to a presigned GET of the object instead.
 */
async function serve(request: Request, context: Context, withBody: boolean): Promise<Response> {
  const { id } = await context.params;
  if (!isMediaId(id)) return fail(404, "not_found", "No such media.");
  const url = new URL(request.url);
  const exp = url.searchParams.get("exp");
  if (!verifyMediaSignature(id, exp, url.searchParams.get("sig"))) {
    return fail(403, "bad_signature", "This media link is invalid or has expired.");
  }
  const row = await getMediaRow(id);
  if (!row) return fail(404, "not_found", "No such media.");
  const mime = normaliseMime(row.mimeType);
  const served = await serveStored(request, {
    key: row.storageKey,
    contentType: servableTypes.has(mime) ? mime : "application/octet-stream",
    etag: `"${row.id}-${row.bytes}"`,
    cacheControl: `private, max-age=${Math.min(secondsLeft(exp), MAX_CACHE_SECONDS)}`,
    withBody,
  });
  return served ?? fail(404, "not_found", "No such media.");
}

export function GET(request: Request, context: Context): Promise<Response> {
  return serve(request, context, true);
}

export function HEAD(request: Request, context: Context): Promise<Response> {
  return serve(request, context, false);
}
