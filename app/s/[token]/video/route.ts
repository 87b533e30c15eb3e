import { clientAddress, clientKey } from "@/lib/http/client";
import { serveStored } from "@/lib/http/serve-stored";
import { openShare } from "@/lib/review";
import { downloadName } from "@/lib/tasks/download-name";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

/** Every answer of this public route: never indexed, never sent on as a referrer. */
const PUBLIC_HEADERS = {
  "X-Robots-Tag": "noindex, nofollow",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** One answer for a wrong, expired or revoked token, whatever the reason. */
function notFound(): Response {
  return Response.json(
    { code: "not_found", message: "There is nothing here." },
    { status: 404, headers: PUBLIC_HEADERS },
  );
}

/**
 * `GET|HEAD /s/<token>/video`: the shared video or a sequence's exported film (ranged, nosniff,
 * from the kept copy), and
 * with `?download` as a named file when the link allows downloads. Public: the token is the
 * permission. Wrong tokens count against the client (lib/review/misses.ts); over the limit,
 * 429 with Retry-After and no lookup at all.
 */
async function serve(request: Request, { params }: Context, withBody: boolean) {
  const { token } = await params;
  const lookup = await openShare(token, clientKey(clientAddress(request.headers)));
  if (!lookup.found) {
    if (!lookup.limitedUntil) return notFound();
    const seconds = Math.max(1, Math.ceil((lookup.limitedUntil.getTime() - Date.now()) / 1000));
    return Response.json(
      { code: "rate_limited", message: "Too many wrong links from here. Try again later." },
      { status: 429, headers: { ...PUBLIC_HEADERS, "Retry-After": String(seconds) } },
    );
  }
  const { task, film, allowDownload } = lookup.shared;
  const download = new URL(request.url).searchParams.has("download");
  if (download && !allowDownload) return notFound();
  const file = task
    ? {
        key: task.resultKey ?? "",
        etag: `"${task.id}-${task.resultBytes ?? 0}"`,
        name: downloadName(task),
      }
    : film
      ? {
          key: film.key,
          etag: `"${film.sequenceId}-${film.version}-${film.bytes}"`,
          name: `wan-sequence-${film.finishedAt.slice(0, 10)}-${film.sequenceId}.mp4`,
        }
      : null;
  if (!file) return notFound();
  const response = await serveStored(request, {
    key: file.key,
    contentType: "video/mp4",
    etag: file.etag,
    // A revoked link must stop working: nothing keeps a copy to answer from.
    cacheControl: "private, no-store",
    contentDisposition: download ? `attachment; filename="${file.name}"` : "inline",
    withBody,
  });
  if (!response) return notFound();
  for (const [name, value] of Object.entries(PUBLIC_HEADERS)) {
    if (name !== "Cache-Control") response.headers.set(name, value);
  }
  return response;
}

export function GET(request: Request, context: Context) {
  return serve(request, context, true);
}

export function HEAD(request: Request, context: Context) {
  return serve(request, context, false);
}
