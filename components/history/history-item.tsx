import Link from "next/link";
import { PosterFrame } from "@/components/history/poster-frame";
import { combinationLabel } from "@/lib/request-rules";
import { reviewDecisionLabels } from "@/lib/review/rules";
import { takeLabel } from "@/lib/takes/view";
import type { TaskState } from "@/lib/task-view";
import { SequenceBadge } from "../sequences/sequence-badge";
import { PickedBadge } from "../takes/picked-badge";
import type { ContinueVideo, TakeFrame } from "./frame-actions";
import { FrameMenu } from "./frame-menu";
import { StateBadge } from "./state-badge";

export interface HistoryEntry {
  id: string;
  status: TaskState;
  prompt: string | null;
  combination: string;
  seconds: number;
  size: string;
  createdAt: string;
  hasPoster: boolean;
  /** Who made it (the team's history shows everyone's work). */
  ownerName: string;
  /** Why the gateway refused it, for a refused create; null otherwise. */
  reason: string | null;
  /** The seed actually sent; null on videos made before seeds were kept. */
  seed: number | null;
  /** One of several takes of one Generate: its set, its place, the set's size, the pick. */
  take?: { setId: string; index: number | null; of: number; picked: boolean } | null;
  /** The latest review decision, and how many comments the video has. */
  review?: keyof typeof reviewDecisionLabels | null;
  commentCount?: number;
  /** A shot of a sequence: the (newest) sequence and its place there. */
  shot?: { sequenceId: string; position: number } | null;
  /** Its video is finished and kept in our storage: frames and clips can be taken from it. */
  kept?: boolean;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function HistoryItem({
  entry,
  frames,
}: {
  entry: HistoryEntry;
  /** The frame actions (server actions), offered in the card's menu on a kept video. */
  frames?: { takeFrame: TakeFrame; continueVideo?: ContinueVideo };
}) {
  return (
    <li className="border-ink/10 bg-paper-raised overflow-hidden rounded-xl border shadow-sm">
      <Link href={`/videos/${entry.id}`} className="hover:bg-paper-sunk/50 flex flex-col">
        <PosterFrame taskId={entry.hasPoster ? entry.id : null} />
        <div className="flex flex-col gap-1.5 p-3">
          <div className="flex items-center justify-between gap-2">
            <span className="flex items-center gap-1.5">
              <StateBadge status={entry.status} />
              {entry.take?.picked ? <PickedBadge /> : null}
            </span>
            <time dateTime={entry.createdAt} className="text-ink-faint text-xs">
              {dateFormat.format(new Date(entry.createdAt))} UTC
            </time>
          </div>
          {entry.reason ? <p className="text-danger text-xs">{entry.reason}</p> : null}
          <p className="line-clamp-2 min-h-10 text-sm">
            {entry.prompt ?? <span className="text-ink-faint">No prompt</span>}
          </p>
          <p className="text-ink-soft text-xs">
            {combinationLabel(entry.combination)} · {entry.seconds} s · {entry.size}
          </p>
          <p className="text-ink-soft text-xs">
            by <span className="text-ink font-medium">{entry.ownerName}</span>
          </p>
          {entry.seed !== null ? (
            <p className="text-ink-faint text-xs tabular-nums">Seed {entry.seed}</p>
          ) : null}
          {entry.review || entry.commentCount ? (
            <p className="flex flex-wrap items-center gap-2 text-xs">
              {entry.review ? (
                <span
                  className={`rounded-full px-2 py-0.5 font-medium ${entry.review === "approved" ? "bg-success-soft text-success" : "bg-warning-soft text-warning"}`}
                >
                  {reviewDecisionLabels[entry.review]}
                </span>
              ) : null}
              {entry.commentCount ? (
                <span className="text-ink-soft">
                  {entry.commentCount === 1 ? "1 comment" : `${entry.commentCount} comments`}
                </span>
              ) : null}
            </p>
          ) : null}
        </div>
      </Link>
      {entry.take ? (
        // Beside the card's link, not in it: a link inside a link is not a link.
        <p className="border-ink/10 border-t px-3 py-2 text-xs">
          <Link href={`/takes/${entry.take.setId}`} className="text-accent hover:underline">
            {takeLabel(entry.take.index, entry.take.of)}
          </Link>
        </p>
      ) : null}
      {entry.shot ? (
        <p className="border-ink/10 flex items-center gap-2 border-t px-3 py-2 text-xs">
          <SequenceBadge />
          <Link
            href={`/sequences/${entry.shot.sequenceId}`}
            className="text-accent hover:underline"
          >
            Shot {entry.shot.position + 1} of a sequence
          </Link>
        </p>
      ) : null}
      {entry.kept && frames ? (
        // Outside the card's link too: buttons inside a link are not buttons.
        <div className="border-ink/10 border-t px-3 py-2">
          <FrameMenu
            taskId={entry.id}
            takeFrame={frames.takeFrame}
            continueVideo={frames.continueVideo}
            headingLevel={2}
          />
        </div>
      ) : null}
    </li>
  );
}
