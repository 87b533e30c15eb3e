import type { Metadata } from "next";
import Link from "next/link";
import { preload } from "react-dom";
import { HistoryFilters } from "@/components/history/history-filters";
import { type HistoryEntry, HistoryItem } from "@/components/history/history-item";
import { requirePageUser } from "@/lib/auth/session";
import { SEED_FILTER_IGNORED, seedFilter } from "@/lib/model-options";
import { type ReviewFilter, reviewFilters } from "@/lib/review/rules";
import { sequenceOfTasks } from "@/lib/sequences";
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
  for (const entry of entries.filter((item) => item.hasPoster).slice(0, POSTERS_FIRST)) {
    preload(`/api/tasks/${entry.id}/poster`, { as: "image", fetchPriority: "high" });
  }
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
      <HistoryFilters
        state={state}
        combination={combination}
        search={search}
        seed={seedChoice === "invalid" ? seedParam : seed?.toString()}
        seedNote={seedChoice === "invalid" ? SEED_FILTER_IGNORED : undefined}
        picked={picked}
        review={review}
      />
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
      <nav aria-label="Pages" className="flex justify-between text-sm">
        {cursor ? (
          <Link href={pageLink(undefined)} className="text-accent hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {nextCursor ? (
          <Link href={pageLink(nextCursor)} className="text-accent hover:underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
