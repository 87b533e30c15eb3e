import type { Metadata } from "next";
import Link from "next/link";
import type { ComponentProps } from "react";
import { preload } from "react-dom";
import { HistoryFilters } from "@/components/history/history-filters";
import { type HistoryEntry, HistoryItem } from "@/components/history/history-item";
import { SequenceCardItem } from "@/components/sequences/sequence-card";
import { requirePageUser } from "@/lib/auth/session";
import { SEED_FILTER_IGNORED, seedFilter } from "@/lib/model-options";
import { type ReviewFilter, reviewFilters } from "@/lib/review/rules";
import { listSequences, sequenceOfTasks } from "@/lib/sequences";
import { listTasks, ownerLabel, type StateFilter, stateFilters } from "@/lib/tasks";
import { isAllowedCombination, type MediaKind } from "@/lib/video-request";
import { continueVideo, takeFrame } from "../actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "History · wan-studio" };

/** Posters in the grid's first row at its widest (three columns). */
const POSTERS_FIRST = 3;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export default async function HistoryPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const here = new URLSearchParams(
    Object.entries(params).flatMap(([key, value]) =>
      typeof value === "string" ? [[key, value]] : [],
    ),
  );
  await requirePageUser(here.size ? `/videos?${here}` : "/videos");
  const stateParam = one(params.state);
  const state = stateParam && stateParam in stateFilters ? (stateParam as StateFilter) : undefined;
  const comboParam = one(params.combination);
  const combination =
    comboParam && isAllowedCombination(comboParam.split("+") as MediaKind[])
      ? comboParam
      : undefined;
  const search = one(params.q)?.slice(0, 200);
  const seedParam = one(params.seed)?.slice(0, 40);
  const seedChoice = seedFilter(seedParam);
  // A seed that is not one is ignored, and the page says so.
  const seed = seedChoice === "invalid" ? undefined : seedChoice;
  const cursor = one(params.cursor);
  const picked = one(params.picked) === "1";
  const reviewParam = one(params.review);
  const review =
    reviewParam && reviewParam in reviewFilters ? (reviewParam as ReviewFilter) : undefined;
  const filters = {
    state,
    combination,
    search,
    seed: seedChoice === "invalid" ? seedParam : seed?.toString(),
    seedNote: seedChoice === "invalid" ? SEED_FILTER_IGNORED : undefined,
    picked,
    review,
  };
  if (one(params.sequences) === "1") {
    const videoFilters = Boolean(state || combination || search || seedParam || picked || review);
    return <SequenceHistory cursor={cursor} filters={filters} videoFilters={videoFilters} />;
  }

  const { rows, nextCursor } = await listTasks({
    state,
    combination,
    search,
    seed,
    picked,
    review,
    cursor,
  });
  const shots = await sequenceOfTasks(rows.map((row) => row.id));
  const entries: HistoryEntry[] = rows.map((row) => ({
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    combination: row.combination,
    seconds: row.seconds,
    size: row.size,
    createdAt: row.createdAt.toISOString(),
    hasPoster: row.posterKey !== null,
    ownerName: ownerLabel(row),
    reason: row.status === "refused" ? row.errorMessage : null,
    seed: row.seed,
    take:
      row.takeSetId && row.setTakes !== null
        ? { setId: row.takeSetId, index: row.takeIndex, of: row.setTakes, picked: row.picked }
        : null,
    review: row.review,
    commentCount: row.commentCount,
    shot: shots.get(row.id) ?? null,
    kept: row.status === "completed" && row.resultKey !== null,
  }));
  // The first row's posters are the page's largest content: fetched from the head of the
  // document, before the grid is laid out (the images themselves load lazily).
  preloadPosters(entries.filter((item) => item.hasPoster).map((item) => item.id));
  const pageLink = (next: string | undefined) => {
    const query = new URLSearchParams();
    if (state) query.set("state", state);
    if (combination) query.set("combination", combination);
    if (search) query.set("q", search);
    if (seed !== undefined) query.set("seed", String(seed));
    if (picked) query.set("picked", "1");
    if (review) query.set("review", review);
    if (next) query.set("cursor", next);
    const text = query.toString();
    return text ? `/videos?${text}` : "/videos";
  };

  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">History</h1>
          <p className="text-ink-soft text-sm">Every video the team has made, newest first.</p>
        </div>
        <Link href="/" className="text-accent text-sm font-medium hover:underline">
          New video
        </Link>
      </div>
      <HistoryFilters {...filters} />
      {entries.length === 0 ? (
        <p role="status" className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
          {state || combination || search || seed !== undefined || picked || review || cursor
            ? "No videos match these filters."
            : "No videos yet. Make the first one in the studio."}
        </p>
      ) : (
        <ul
          aria-label="Videos"
          className="grid grid-cols-[minmax(0,1fr)] gap-4 sm:grid-cols-2 lg:grid-cols-3"
        >
          {entries.map((entry) => (
            <HistoryItem key={entry.id} entry={entry} frames={{ takeFrame, continueVideo }} />
          ))}
        </ul>
      )}
      <Pager
        newest={cursor ? pageLink(undefined) : null}
        older={nextCursor ? pageLink(nextCursor) : null}
      />
    </main>
  );
}

/** Posters first, as for videos: the first row's are the page's largest content. */
function preloadPosters(taskIds: readonly string[]) {
  for (const id of taskIds.slice(0, POSTERS_FIRST)) {
    preload(`/api/tasks/${id}/poster`, { as: "image", fetchPriority: "high" });
  }
}

/**
 * `?sequences=1`: the team's sequences, newest change first, as cards that open their pages.
 * The video filters do not apply to a sequence (its shots have their own).
 */
async function SequenceHistory({
  cursor,
  filters,
  videoFilters,
}: {
  cursor: string | undefined;
  filters: ComponentProps<typeof HistoryFilters>;
  videoFilters: boolean;
}) {
  const { rows, nextCursor } = await listSequences({ cursor });
  preloadPosters(rows.flatMap((row) => (row.posterTaskId ? [row.posterTaskId] : [])));
  const pageLink = (next: string | undefined) =>
    next ? `/videos?sequences=1&cursor=${encodeURIComponent(next)}` : "/videos?sequences=1";
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">History</h1>
          <p className="text-ink-soft text-sm">
            Every sequence the team has made, newest change first.
          </p>
        </div>
        <Link href="/" className="text-accent text-sm font-medium hover:underline">
          New video
        </Link>
      </div>
      <HistoryFilters {...filters} sequences />
      {videoFilters ? (
        <p className="text-ink-soft text-sm">
          The other filters choose among videos: they are not applied to sequences.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p role="status" className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
          {cursor ? "No more sequences." : "No sequences yet. Continue a video to start one."}
        </p>
      ) : (
        <ul
          aria-label="Sequences"
          className="grid grid-cols-[minmax(0,1fr)] gap-4 sm:grid-cols-2 lg:grid-cols-3"
        >
          {rows.map((card) => (
            <SequenceCardItem key={card.id} card={card} />
          ))}
        </ul>
      )}
      <Pager
        newest={cursor ? pageLink(undefined) : null}
        older={nextCursor ? pageLink(nextCursor) : null}
      />
    </main>
  );
}

/** "← Newest" back to the first page, "Older →" to the next: the history's and the sequences'. */
function Pager({ newest, older }: { newest: string | null; older: string | null }) {
  return (
    <nav aria-label="Pages" className="flex justify-between text-sm">
      {newest ? (
        <Link href={newest} className="text-accent hover:underline">
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {older ? (
        <Link href={older} className="text-accent hover:underline">
          Older →
        </Link>
      ) : null}
    </nav>
  );
}
