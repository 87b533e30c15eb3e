import { demoGateway } from "@/lib/gateway/demo";

// The in-app demo gateway (lib/gateway/demo): GET /v1/videos/{id}.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return demoGateway.retrieve(request, id);
}
