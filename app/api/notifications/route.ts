import { withUser } from "@/lib/auth/route";
import { doneNotices } from "@/lib/notify/feed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * My videos that finished since `since` (ms since epoch), for the browser's "done" notices
 * (components/notify). One tab asks for all of them, and only while a video it started is
 * unannounced.
 */
export const GET = withUser(async (request, _context: unknown, user) => {
  const since = Number(new URL(request.url).searchParams.get("since"));
  if (!Number.isFinite(since) || since < 0) {
    return Response.json(
      { code: "bad_request", message: "since must be a time in milliseconds." },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  const notices = await doneNotices(user.id, since);
  return Response.json({ notices }, { headers: { "Cache-Control": "no-store" } });
});
