import { withUser } from "@/lib/auth/route";
import { setKnownLength } from "@/lib/http/content-length";
import { serveStored } from "@/lib/http/serve-stored";
import { getTaskRow } from "@/lib/tasks";
import { downloadName } from "@/lib/tasks/download-name";
import { gatewayFor } from "@/lib/tasks/gateway";
import { logEvent } from "@/lib/tasks/log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const ID = /^[A-Za-z0-9_-]{6,64}$/;
const PASSED_HEADERS = ["content-range", "accept-ranges", "etag", "last-modified"];

function missing(message: string, status = 404) {
  return Response.json(
    { code: "video_not_found", message },
    { status, headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * The finished video, from our storage once kept (ranged, so the player can seek). Until the
 * copy lands, it streams through from the gateway, whose content needs our bearer key.
 */
async function serve(request: Request, { params }: Context, withBody: boolean) {
  const { id } = await params;
  if (!ID.test(id)) return missing("There is no such video.");
  const row = await getTaskRow(id);
  if (!row) return missing("There is no such video.");
  if (row.status !== "completed" || !row.gatewayId)
    return missing("This video is not ready yet.", 409);

  const download = new URL(request.url).searchParams.has("download");
  const name = downloadName(row);
  const disposition = `${download ? "attachment" : "inline"}; filename="${name}"`;

  if (row.resultKey) {
    const response = await serveStored(request, {
      key: row.resultKey,
      contentType: "video/mp4",
      etag: `"${row.id}-${row.resultBytes ?? 0}"`,
      cacheControl: "private, max-age=86400, immutable",
      contentDisposition: disposition,
      withBody,
    });
    if (response) return response;
    logEvent("task.result_missing", { taskId: id });
  }

  try {
    const upstream = await gatewayFor("poll").downloadVideoContent(row.gatewayId, {
      range: request.headers.get("range") ?? undefined,
      signal: request.signal,
    });
    const headers = new Headers({
      "Content-Type": "video/mp4",
      "Content-Disposition": disposition,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store, no-transform",
    });
    for (const header of PASSED_HEADERS) {
      const value = upstream.headers.get(header);
      if (value) headers.set(header, value);
    }
    // fetch decodes a gzip/br body but keeps the encoded length: pass a length on only when
    // the bytes arrive as they were sent.
    const length = upstream.headers.get("content-length");
    if (length && /^\d+$/.test(length) && !upstream.headers.has("content-encoding")) {
      setKnownLength(headers, Number(length));
    }
    if (!withBody) {
      await upstream.body?.cancel();
      return new Response(null, { status: upstream.status, headers });
    }
    return new Response(upstream.body, { status: upstream.status, headers });
  } catch (error) {
    logEvent("task.video_proxy_failed", {
      taskId: id,
      error: error instanceof Error ? error.name : "unknown",
    });
    return missing(
      "The video cannot be fetched from the gateway right now. Try again in a minute.",
      502,
    );
  }
}

export const GET = withUser((request, context: Context) => serve(request, context, true));

export const HEAD = withUser((request, context: Context) => serve(request, context, false));
