import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { preload } from "react-dom";
import { CommentsPanel } from "@/components/review/comments-panel";
import { PlayerLinkProvider } from "@/components/review/player-link";
import { TakeDifferences } from "@/components/takes/take-differences";
import { TakeSetCompare } from "@/components/takes/take-set-compare";
import { requirePageUser } from "@/lib/auth/session";
import { env, priceRates } from "@/lib/env";
import { commentsOn, markCommentsRead } from "@/lib/review";
import { loadTakeSet } from "@/lib/takes";
import { getTakeSetRow } from "@/lib/takes/take-sets";
import { differingSettings } from "@/lib/takes/view";
import { estimateCost, formatUsd } from "@/lib/video-request";
import { addComment, continueVideo, deleteComment, pickTake, takeFrame } from "../../actions";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Takes ${id} · wan-studio` };
}

/** One Generate's takes side by side, played in sync; the team picks the one to keep. */
export default async function TakeSetPage({ params }: { params: Params }) {
  const { id } = await params;
  const user = await requirePageUser(`/takes/${encodeURIComponent(id)}`);
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(id)) notFound();
  const takeSet = await loadTakeSet(id);
  if (!takeSet) notFound();
  const [first] = takeSet.views;
  // The takes' posters are the page's largest content: fetched from the head of the HTML.
  for (const view of takeSet.views) {
    if (view.posterUrl) preload(view.posterUrl, { as: "image", fetchPriority: "high" });
  }
  const pollMs = Math.min(env().POLL_INTERVAL_MS, 5000);
  const each = first ? estimateCost(first.seconds, first.size, priceRates()) : 0;
  const target = { kind: "take_set", id: takeSet.id } as const;
  const comments = await commentsOn(target, user);
  const setRow = await getTakeSetRow(takeSet.id);
  if (setRow?.ownerId === user.id) await markCommentsRead(target, user);

  return (
    <PlayerLinkProvider>
      <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <p className="text-ink-soft text-sm">
              <Link href="/videos" className="hover:underline">
                History
              </Link>{" "}
              / Takes {takeSet.id}
            </p>
            <h1 className="truncate text-2xl font-bold tracking-tight">
              {first?.prompt ?? "Untitled takes"}
            </h1>
            <p className="text-ink-soft text-sm">
              {takeSet.takes} takes by{" "}
              <span className="text-ink font-medium">{takeSet.ownerName}</span>
              {first ? ` · ${first.seconds} s · ${first.size}` : ""}
              {first
                ? ` · about ${takeSet.takes} × ${formatUsd(each)} = ${formatUsd(takeSet.takes * each)}`
                : ""}
            </p>
          </div>
          {first ? (
            <Link
              href={`/?remixSet=${takeSet.id}`}
              className="bg-accent hover:bg-accent-strong rounded-md px-4 py-2 text-sm font-medium text-white"
            >
              Remix these takes
            </Link>
          ) : null}
        </div>
        {takeSet.views.length === 0 ? (
          <p role="status" className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
            Every take of this set has been deleted.
          </p>
        ) : (
          <>
            <TakeSetCompare
              takeSet={takeSet}
              pollMs={pollMs}
              pick={pickTake}
              frames={{ takeFrame, continueVideo }}
            />
            <section aria-labelledby="differences-heading" className="flex flex-col gap-2">
              <h2
                id="differences-heading"
                className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
              >
                What differs
              </h2>
              <TakeDifferences
                differences={differingSettings(takeSet.views)}
                labels={takeSet.views.map((view) => ({ index: view.takeIndex, of: takeSet.takes }))}
              />
            </section>
          </>
        )}
        <CommentsPanel
          initial={comments}
          add={addComment.bind(null, target)}
          remove={deleteComment}
        />
      </main>
    </PlayerLinkProvider>
  );
}
