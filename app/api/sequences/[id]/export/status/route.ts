import { withUser } from "@/lib/auth/route";
import { exportState } from "@/lib/job-kinds";
import { getSequenceRow } from "@/lib/sequences";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const ID = /^[A-Za-z0-9_-]{6,64}$/;

/** Where the sequence's export stands: the version now, the newest job, the newest film. */
export const GET = withUser(
  async (_request, { params }: { params: Promise<{ id: string }> }, user) => {
    const { id } = await params;
    if (!ID.test(id) || !(await getSequenceRow(id))) {
      return Response.json(
        { code: "sequence_not_found", message: "There is no such sequence." },
        { status: 404, headers: { "Cache-Control": "no-store" } },
      );
    }
    return Response.json(await exportState(id, user), {
      headers: { "Cache-Control": "no-store" },
    });
  },
);
