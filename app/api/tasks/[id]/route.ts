import { after } from "next/server";
import { originOf } from "@/lib/http/origin";
import { refreshTask, toTaskView } from "@/lib/tasks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const ID = /^[A-Za-z0-9_-]{6,64}$/;

/** Our task, from the database; refreshed from the gateway when due (coalesced). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!ID.test(id)) return notFound();
  const row = await refreshTask(id, originOf(request.headers), (work) => after(work));
  if (!row) return notFound();
  return Response.json(toTaskView(row), { headers: { "Cache-Control": "no-store" } });
}

function notFound() {
  return Response.json(
    { code: "task_not_found", message: "There is no such task." },
    { status: 404, headers: { "Cache-Control": "no-store" } },
  );
}
