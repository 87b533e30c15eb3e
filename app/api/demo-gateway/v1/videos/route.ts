import { demoGateway } from "@/lib/gateway/demo";

// The in-app demo gateway (lib/gateway/demo): POST /v1/videos.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return demoGateway.create(request);
}
