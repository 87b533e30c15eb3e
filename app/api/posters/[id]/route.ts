import { serveStored } from "@/lib/http/serve-stored";
import { verifyPosterLink } from "@/lib/notify/poster-link";
import { getTaskRow } from "@/lib/tasks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A finished video's poster frame for a webhook's receiver (Slack's image block): no session,
 * the signed link (lib/notify/poster-link.ts) is the permission, and it reaches this one
 * poster only. Anything else answers the same 404.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const url = new URL(request.url);
  const allowed =
    /^[A-Za-z0-9_-]{6,64}$/.test(id) &&
    verifyPosterLink(id, url.searchParams.get("exp"), url.searchParams.get("sig"));
  const row = allowed ? await getTaskRow(id) : undefined;
  const response = row?.posterKey
    ? await serveStored(request, {
        key: row.posterKey,
        contentType: "image/jpeg",
        etag: `"poster-${row.id}"`,
        cacheControl: "public, max-age=86400",
        withBody: true,
      })
    : null;
  return response ?? new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });
}
