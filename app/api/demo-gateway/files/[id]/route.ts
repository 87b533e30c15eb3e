import { demoGateway } from "@/lib/gateway/demo";

// The in-app demo gateway's result links (lib/gateway/demo/links.ts): the finished MP4 without
// the key, with byte ranges, until the signed expiry, like the provider's own signed link.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return demoGateway.file(request, id);
}
