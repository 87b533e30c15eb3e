import { withUser } from "@/lib/auth/route";
import { serveStored } from "@/lib/http/serve-stored";
import { getTaskRow } from "@/lib/tasks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The kept poster frame of a finished video (JPEG), for the history. */
export const GET = withUser(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const row = /^[A-Za-z0-9_-]{6,64}$/.test(id) ? await getTaskRow(id) : undefined;
  const response = row?.posterKey
    ? await serveStored(request, {
        key: row.posterKey,
        contentType: "image/jpeg",
        etag: `"poster-${row.id}"`,
        cacheControl: "private, max-age=86400, immutable",
        withBody: true,
      })
    : null;
  return response ?? new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });
});
