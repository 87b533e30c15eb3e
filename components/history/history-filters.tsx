import { allowedCombinations, combinationKey, combinationLabel } from "@/lib/request-rules";
import { reviewFilters } from "@/lib/review/rules";

interface HistoryFiltersProps {
  state?: string;
  combination?: string;
  search?: string;
  /** The seed filter as typed (kept when it was ignored, so it can be corrected). */
  seed?: string;
  /** Said when the seed filter was ignored. */
  seedNote?: string;
  /** Only takes picked in their set. */
  picked?: boolean;
  /** By review state (approved, changes requested, not reviewed). */
  review?: string;
  /** The team's sequences instead of its videos. */
  sequences?: boolean;
}

const field =
  "rounded-md border border-ink/15 bg-paper-raised px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-accent";

/** A plain GET form: filters live in the URL, so a filtered history can be shared. */
export function HistoryFilters({
  state,
  combination,
  search,
  seed,
  seedNote,
  picked = false,
  review,
  sequences = false,
}: HistoryFiltersProps) {
  return (
    <search className="flex flex-col gap-2">
      <form method="get" action="/videos" className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="history-state" className="text-xs font-medium">
            State
          </label>
          <select id="history-state" name="state" defaultValue={state ?? ""} className={field}>
            <option value="">All</option>
            <option value="running">Running</option>
            <option value="completed">Completed</option>
            <option value="failed">Failed</option>
            <option value="refused">Refused</option>
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-combination" className="text-xs font-medium">
            Inputs
          </label>
          <select
            id="history-combination"
            name="combination"
            defaultValue={combination ?? ""}
            className={field}
          >
            <option value="">Any</option>
            {allowedCombinations.map((combo) => {
              const key = combinationKey(combo);
              return (
                <option key={key} value={key}>
                  {combinationLabel(key)}
                </option>
              );
            })}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-review" className="text-xs font-medium">
            Review
          </label>
          <select id="history-review" name="review" defaultValue={review ?? ""} className={field}>
            <option value="">Any</option>
            {Object.entries(reviewFilters).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="flex min-w-48 flex-1 flex-col gap-1">
          <label htmlFor="history-search" className="text-xs font-medium">
            Search prompts
          </label>
          <input
            id="history-search"
            type="search"
            name="q"
            defaultValue={search ?? ""}
            placeholder="e.g. portrait"
            aria-describedby="history-search-hint"
            className={field}
          />
          <span id="history-search-hint" className="sr-only">
            Negative prompts are searched too.
          </span>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-seed" className="text-xs font-medium">
            Seed
          </label>
          <input
            id="history-seed"
            type="text"
            inputMode="numeric"
            name="seed"
            defaultValue={seed ?? ""}
            placeholder="Any"
            aria-invalid={seedNote ? true : undefined}
            aria-describedby={seedNote ? "history-seed-note" : undefined}
            className={`${field} w-32 tabular-nums`}
          />
        </div>
        <div className="flex items-center gap-2 py-1.5">
          <input
            id="history-picked"
            type="checkbox"
            name="picked"
            value="1"
            defaultChecked={picked}
            aria-describedby="history-picked-hint"
            className="accent-accent"
          />
          <label htmlFor="history-picked" className="text-sm font-medium">
            Picked
          </label>
          <span id="history-picked-hint" className="sr-only">
            Only the takes chosen in their take set.
          </span>
        </div>
        <div className="flex items-center gap-2 py-1.5">
          <input
            id="history-sequences"
            type="checkbox"
            name="sequences"
            value="1"
            defaultChecked={sequences}
            aria-describedby="history-sequences-hint"
            className="accent-accent"
          />
          <label htmlFor="history-sequences" className="text-sm font-medium">
            Sequences
          </label>
          <span id="history-sequences-hint" className="sr-only">
            The team's sequences, shot after shot, instead of single videos.
          </span>
        </div>
        <button
          type="submit"
          className="bg-accent hover:bg-accent-strong rounded-md px-4 py-1.5 text-sm font-medium text-white"
        >
          Filter
        </button>
      </form>
      {seedNote ? (
        <p id="history-seed-note" role="status" className="text-warning text-sm">
          {seedNote}
        </p>
      ) : null}
    </search>
  );
}
