import { withUser } from "@/lib/auth/route";
import { usageByMemberAndDay, usageCsv } from "@/lib/tasks/usage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The usage table as CSV, for finance's spreadsheet. */
export const GET = withUser(async () => {
  const rows = await usageByMemberAndDay(90);
  const today = new Date().toISOString().slice(0, 10);
  return new Response(usageCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="wan-studio-usage-${today}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
