import { withUser } from "@/lib/auth/route";
import { getJob, runJobsSoon } from "@/lib/job-kinds";
import type { JobView } from "@/lib/jobs/view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const ID = /^job_[0-9a-f]{32}$/;

/** A job's progress, for the member who started it (anyone else: as if there were none). */
export const GET = withUser(
  async (_request, { params }: { params: Promise<{ id: string }> }, user) => {
    const { id } = await params;
    const job = ID.test(id) ? await getJob(id) : undefined;
    if (!job || job.ownerId !== user.id) {
      return Response.json(
        { code: "job_not_found", message: "There is no such job." },
        { status: 404, headers: { "Cache-Control": "no-store" } },
      );
    }
    // Without a sweeper in this process (Vercel), a watched job that waits moves on here.
    if (job.status === "pending" && job.nextRunAt.getTime() <= Date.now()) runJobsSoon();
    const view: JobView = {
      id: job.id,
      kind: job.kind,
      status: job.status,
      progress: job.progress,
      result: job.status === "done" ? job.result : null,
      error: job.status === "failed" ? job.error : null,
    };
    return Response.json(view, { headers: { "Cache-Control": "no-store" } });
  },
);
