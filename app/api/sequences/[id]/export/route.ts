import { withUser } from "@/lib/auth/route";
import { serveStored } from "@/lib/http/serve-stored";
import { readyExport, startExport } from "@/lib/job-kinds";
import { getSequenceRow } from "@/lib/sequences";
import { logEvent } from "@/lib/tasks/log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** On Vercel the export started here runs in this function's after-work: let it. */
export const maxDuration = 300;

type Context = { params: Promise<{ id: string }> };

const ID = /^[A-Za-z0-9_-]{6,64}$/;

function answer(code: string, message: string, status: number) {
  return Response.json({ code, message }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * The sequence's newest export, from our storage (ranged, so the player can seek), with a
 * named download under `?download`. Members see the team's sequences as they see its videos.
 */
async function serve(request: Request, { params }: Context, withBody: boolean) {
  const { id } = await params;
  if (!ID.test(id) || !(await getSequenceRow(id))) {
    return answer("sequence_not_found", "There is no such sequence.", 404);
  }
  const ready = await readyExport(id);
  if (!ready) return answer("export_not_found", "This sequence has not been exported yet.", 404);
  const download = new URL(request.url).searchParams.has("download");
  const name = `wan-sequence-${ready.finishedAt.slice(0, 10)}-${id}.mp4`;
  const response = await serveStored(request, {
    key: ready.key,
    contentType: "video/mp4",
    // One version, one file: it never changes under its key.
    etag: `"${id}-${ready.version}-${ready.bytes}"`,
    cacheControl: "private, max-age=0, must-revalidate",
    contentDisposition: `${download ? "attachment" : "inline"}; filename="${name}"`,
    withBody,
  });
  if (response) return response;
  logEvent("sequence.export_missing", { sequenceId: id, key: ready.key });
  return answer("export_not_found", "This export's file is missing; export again.", 404);
}

export const GET = withUser((request, context: Context) => serve(request, context, true));
export const HEAD = withUser((request, context: Context) => serve(request, context, false));

/**
 * Starts the export of the sequence as it stands (or answers the one already made or under
 * way for this version). JSON only: a cross-site form cannot send it without a preflight.
 */
export const POST = withUser(async (request, { params }: Context, user) => {
  const { id } = await params;
  if (!request.headers.get("content-type")?.startsWith("application/json")) {
    return answer("invalid_request", "Reload the page and try again.", 415);
  }
  if (!ID.test(id) || !(await getSequenceRow(id))) {
    return answer("sequence_not_found", "There is no such sequence.", 404);
  }
  const job = await startExport(id, user);
  if (!job) {
    return answer(
      "nothing_to_export",
      "Every shot needs a finished video before the sequence can be exported.",
      409,
    );
  }
  return Response.json(
    { jobId: job.id, status: job.status, version: (job.payload as { version: string }).version },
    { status: 202, headers: { "Cache-Control": "no-store" } },
  );
});
