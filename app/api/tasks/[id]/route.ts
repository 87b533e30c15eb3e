import { after } from "next/server";
import { withUser } from "@/lib/auth/route";
import { queuePosition as placeInLine, refreshTask, toTaskView } from "@/lib/tasks";
import { logEvent } from "@/lib/tasks/log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const ID = /^[A-Za-z0-9_-]{6,64}$/;

/** Our task, from the database; refreshed from the gateway when due (coalesced). */
export const GET = withUser(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  if (!ID.test(id)) return notFound();
  let row: Awaited<ReturnType<typeof refreshTask>>;
  try {
    row = await refreshTask(id, (work) => after(work));
  } catch (error) {
    // The database (or something under it) failed: a passing problem for a viewer who polls.
    // The row, and so the task, is untouched; the page backs off and asks again.
    logEvent("task.status_unavailable", {
      taskId: id,
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
    return Response.json(
      {
        code: "unavailable",
        message: "The server cannot reach its database right now; we keep trying.",
      },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "2" } },
    );
  }
  if (!row) return notFound();
  const queuePosition = await placeInLine(row).catch(() => null);
  return Response.json(toTaskView(row, { queuePosition }), {
    headers: { "Cache-Control": "no-store" },
  });
});

function notFound() {
  return Response.json(
    { code: "task_not_found", message: "There is no such task." },
    { status: 404, headers: { "Cache-Control": "no-store" } },
  );
}
