import { Readable } from "node:stream";
import { getMediaRow, isMediaId } from "@/lib/media";
import { normaliseMime } from "@/lib/media/limits";
import { getStorage } from "@/lib/storage";
import { parseRangeHeader } from "@/lib/storage/range";
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
 * seek.
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
  const storage = getStorage();
  const stored = await storage.stat(row.storageKey);
  if (!stored) return fail(404, "not_found", "No such media.");
  const size = stored.size;

  const mime = normaliseMime(row.mimeType);
  const etag = `"${row.id}-${size}"`;
  const headers = new Headers({
    "Content-Type": servableTypes.has(mime) ? mime : "application/octet-stream",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
    "Accept-Ranges": "bytes",
    "Cache-Control": `private, max-age=${Math.min(secondsLeft(exp), MAX_CACHE_SECONDS)}`,
    ETag: etag,
  });

  // If-Range with another validator asks for the whole file (ours never changes, but be exact).
  const ifRange = request.headers.get("if-range");
  const range =
    ifRange && ifRange !== etag ? null : parseRangeHeader(request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    headers.set("Content-Length", "0");
    return new Response(null, { status: 416, headers });
  }
  const status = range ? 206 : 200;
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
  headers.set("Content-Length", String(range ? range.end - range.start + 1 : size));
  if (!withBody) return new Response(null, { status, headers });

  const object = await storage.get(row.storageKey, range ?? undefined);
  if (!object) return fail(404, "not_found", "No such media.");
  const body = Readable.toWeb(object.body) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

export function GET(request: Request, context: Context): Promise<Response> {
  return serve(request, context, true);
}

export function HEAD(request: Request, context: Context): Promise<Response> {
  return serve(request, context, false);
}
