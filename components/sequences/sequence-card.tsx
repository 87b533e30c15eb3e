import Link from "next/link";
import { PosterFrame } from "@/components/history/poster-frame";
import { formatSeconds, type SequenceCard } from "@/lib/sequences/model";
import { SequenceBadge } from "./sequence-badge";

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

const warn = "bg-warning-soft text-warning rounded-full px-2 py-0.5 text-xs font-medium";
const busy = "bg-accent-soft text-accent-strong rounded-full px-2 py-0.5 text-xs font-medium";
const bad = "bg-danger-soft text-danger rounded-full px-2 py-0.5 text-xs font-medium";
const good = "bg-success-soft text-success rounded-full px-2 py-0.5 text-xs font-medium";

function exportBadge(state: NonNullable<SequenceCard["export"]>) {
  switch (state.status) {
    case "pending":
      return <span className={busy}>Export waiting</span>;
    case "running":
      return <span className={busy}>Exporting {Math.round(state.progress * 100)} %</span>;
    case "done":
      return <span className={good}>Exported</span>;
    case "failed":
      return <span className={bad}>Export failed</span>;
  }
}

/** A sequence in the history: like a video's card, and it opens the sequence's page. */
export function SequenceCardItem({ card }: { card: SequenceCard }) {
  return (
    <li className="border-ink/10 bg-paper-raised overflow-hidden rounded-xl border shadow-sm">
      <Link href={`/sequences/${card.id}`} className="hover:bg-paper-sunk/50 flex flex-col">
        <PosterFrame taskId={card.posterTaskId} />
        <div className="flex flex-col gap-1.5 p-3">
          <div className="flex items-center justify-between gap-2">
            <span className="flex flex-wrap items-center gap-1.5">
              <SequenceBadge />
              {card.outOfDate ? <span className={warn}>Out of date</span> : null}
              {card.reroll === "pending" ? <span className={busy}>Re-rolling</span> : null}
              {card.reroll === "failed" ? <span className={bad}>Re-roll stopped</span> : null}
              {card.deletedShots > 0 ? (
                <span className={bad}>
                  {card.deletedShots === 1
                    ? "1 shot deleted"
                    : `${card.deletedShots} shots deleted`}
                </span>
              ) : null}
              {card.export ? exportBadge(card.export) : null}
            </span>
            <time dateTime={card.createdAt} className="text-ink-faint shrink-0 text-xs">
              {dateFormat.format(new Date(card.createdAt))} UTC
            </time>
          </div>
          <p className="line-clamp-2 min-h-10 text-sm">
            {card.title ?? <span className="text-ink-faint">No prompt</span>}
          </p>
          <p className="text-ink-soft text-xs">
            {card.shots === 1 ? "1 shot" : `${card.shots} shots`} · total{" "}
            <span className="text-ink font-medium">{formatSeconds(card.totalSeconds)}</span>
          </p>
          <p className="text-ink-soft text-xs">
            by <span className="text-ink font-medium">{card.ownerName}</span>
          </p>
          {card.updatedAt !== card.createdAt ? (
            <p className="text-ink-faint text-xs">
              Changed{" "}
              <time dateTime={card.updatedAt}>
                {dateFormat.format(new Date(card.updatedAt))} UTC
              </time>
            </p>
          ) : null}
        </div>
      </Link>
    </li>
  );
}
