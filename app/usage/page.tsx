import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { usageByMemberAndDay } from "@/lib/tasks/usage";
import { formatUsd } from "@/lib/video-request";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Usage · wan-studio" };

/** Tasks, seconds and estimated spend per member per day, with the budgets in force. */
export default async function UsagePage() {
  await requirePageUser("/usage");
  const rows = await usageByMemberAndDay(30);
  const { BUDGET_MEMBER_DAILY_USD, BUDGET_TEAM_MONTHLY_USD } = env();
  const total = rows.reduce((sum, row) => sum + row.spendUsd, 0);
  const refunded = rows.reduce((sum, row) => sum + row.refundedUsd, 0);
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Usage</h1>
          <p className="text-ink-soft text-sm">
            The last 30 days, UTC. Spend is estimated from seconds × the per-second rate.
          </p>
          <p className="text-ink-soft text-sm">
            Videos the gateway failed are refunded and counted apart; refused requests cost nothing.
            Videos we stopped waiting for may still be billed, so they count as spend.
          </p>
        </div>
        <a
          href="/usage/export"
          download
          className="border-accent text-accent hover:bg-accent-soft rounded-md border px-3 py-1.5 text-sm font-medium"
        >
          Export CSV
        </a>
      </div>
      <dl className="flex flex-wrap gap-6 text-sm">
        <div>
          <dt className="text-ink-soft">Estimated spend, 30 days</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatUsd(total)}</dd>
        </div>
        <div>
          <dt className="text-ink-soft">Refunded, 30 days</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatUsd(refunded)}</dd>
        </div>
        <div>
          <dt className="text-ink-soft">Member daily budget</dt>
          <dd className="text-lg font-semibold tabular-nums">
            {BUDGET_MEMBER_DAILY_USD === undefined ? "None" : formatUsd(BUDGET_MEMBER_DAILY_USD)}
          </dd>
        </div>
        <div>
          <dt className="text-ink-soft">Team monthly budget</dt>
          <dd className="text-lg font-semibold tabular-nums">
            {BUDGET_TEAM_MONTHLY_USD === undefined ? "None" : formatUsd(BUDGET_TEAM_MONTHLY_USD)}
          </dd>
        </div>
      </dl>
      {rows.length === 0 ? (
        <p className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
          No videos in the last 30 days.
        </p>
      ) : (
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Usage per member per day</caption>
          <thead>
            <tr className="border-ink/15 text-ink-soft border-b text-left">
              <th scope="col" className="py-2 font-medium">
                Day
              </th>
              <th scope="col" className="py-2 font-medium">
                Member
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Videos
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Seconds
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Estimated spend
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Refunded
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Refused
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.day}-${row.memberId}`} className="border-ink/5 border-b">
                <td className="py-1.5 tabular-nums">{row.day}</td>
                <td className="py-1.5">{row.memberName}</td>
                <td className="py-1.5 text-right tabular-nums">{row.tasks}</td>
                <td className="py-1.5 text-right tabular-nums">{row.seconds}</td>
                <td className="py-1.5 text-right tabular-nums">{formatUsd(row.spendUsd)}</td>
                <td className="py-1.5 text-right tabular-nums">
                  {row.refunded > 0 ? `${formatUsd(row.refundedUsd)} (${row.refunded})` : "—"}
                </td>
                <td className="py-1.5 text-right tabular-nums">{row.refused || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
