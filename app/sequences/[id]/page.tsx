import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { after } from "next/server";
import { PosterFrame } from "@/components/history/poster-frame";
import { StateBadge } from "@/components/history/state-badge";
import { SharePanel } from "@/components/review/share-panel";
import { SequenceExportSlot } from "@/components/sequences/export-slot";
import { SequencePlayer } from "@/components/sequences/sequence-player";
import { RefreshWhile, ReplaceShotForm, RerollButton } from "@/components/sequences/shot-actions";
import { requirePageUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { readyExport } from "@/lib/job-kinds";
import { shareLinksFor } from "@/lib/review";
import { exportPlan, loadSequence } from "@/lib/sequences";
import { formatSeconds } from "@/lib/sequences/model";
import { isTerminal } from "@/lib/task-view";
import { refreshTask } from "@/lib/tasks";
import { formatUsd } from "@/lib/video-request";
import {
  createSequenceShareLink,
  replaceSequenceShot,
  rerollSequence,
  revokeShareLink,
} from "../../actions";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Sequence ${id} · wan-studio` };
}

/**
 * A sequence: its shots in order (each continuing the one before it), what each adds, the
 * total, a player that plays it straight through; replace a shot, re-roll what went out of
 * date. The team shares its work: any member may open it, as with videos.
 */
export default async function SequencePage({ params }: { params: Params }) {
  const { id } = await params;
  await requirePageUser(`/sequences/${encodeURIComponent(id)}`);
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(id)) notFound();
  const first = await loadSequence(id);
  if (!first) notFound();
  // A viewer of running shots refreshes them, as a task's own page does (at most once per
  // interval however many watch; the result copy runs after the answer).
  const running = first.shots.filter(
    (shot) => shot.status !== "deleted" && !isTerminal(shot.status),
  );
  for (const shot of running) await refreshTask(shot.taskId, (work) => after(work));
  const sequence = running.length > 0 ? ((await loadSequence(id)) ?? first) : first;
  const [plan, film, links] = await Promise.all([
    exportPlan(id),
    readyExport(id),
    shareLinksFor({ kind: "sequence_export", id }),
  ]);
  const playable = sequence.shots.flatMap((shot) =>
    shot.videoUrl && shot.reroll?.status !== "pending"
      ? [
          {
            taskId: shot.taskId,
            label: `Shot ${shot.position + 1}`,
            videoUrl: shot.videoUrl,
            startAt: shot.repeatsSeconds,
          },
        ]
      : [],
  );
  const waiting = sequence.rerolling || sequence.shots.some((shot) => shot.videoUrl === null);
  const failedReroll = sequence.shots.find((shot) => shot.reroll?.status === "failed");

  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div className="min-w-0">
        <p className="text-ink-soft text-sm">
          <Link href="/videos" className="hover:underline">
            History
          </Link>{" "}
          / Sequence {sequence.id}
        </p>
        <h1 className="text-2xl font-bold tracking-tight">
          Sequence of {sequence.shots.length} shots
        </h1>
        <p className="text-ink-soft text-sm">
          by <span className="text-ink font-medium">{sequence.ownerName}</span> · total{" "}
          <span data-testid="sequence-total" className="text-ink font-medium">
            {formatSeconds(sequence.totalSeconds)}
          </span>{" "}
          · made{" "}
          <time dateTime={sequence.createdAt}>
            {dateFormat.format(new Date(sequence.createdAt))} UTC
          </time>
        </p>
      </div>

      <SequencePlayer shots={playable} />

      <section aria-labelledby="shots-heading" className="flex flex-col gap-3">
        <h2
          id="shots-heading"
          className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
        >
          Shots
        </h2>
        <ol className="flex gap-3 overflow-x-auto pb-2">
          {sequence.shots.map((shot) => (
            <li
              key={shot.position}
              id={`shot-${shot.taskId}`}
              aria-label={`Shot ${shot.position + 1}`}
              className="border-ink/10 bg-paper-raised flex w-56 shrink-0 flex-col overflow-hidden rounded-xl border shadow-sm"
            >
              <PosterFrame taskId={shot.hasPoster ? shot.taskId : null} />
              <div className="flex flex-col gap-1.5 p-3 text-sm">
                <div className="flex flex-wrap items-center gap-1.5">
                  {shot.status === "deleted" ? (
                    <span className="bg-danger-soft text-danger rounded-full px-2 py-0.5 text-xs font-medium">
                      Deleted
                    </span>
                  ) : (
                    <StateBadge status={shot.status} />
                  )}
                  {shot.outOfDate ? (
                    <span className="bg-warning-soft text-warning rounded-full px-2 py-0.5 text-xs font-medium">
                      Out of date
                    </span>
                  ) : null}
                  {shot.reroll?.status === "pending" ? (
                    <span className="bg-accent-soft text-accent-strong rounded-full px-2 py-0.5 text-xs font-medium">
                      Re-roll waiting
                    </span>
                  ) : null}
                </div>
                <Link href={`/videos/${shot.taskId}`} className="font-medium hover:underline">
                  Shot {shot.position + 1}
                  {shot.prompt ? `: ${shot.prompt}` : ""}
                </Link>
                <p className="text-ink-soft">
                  <span>{formatSeconds(shot.seconds)}</span>
                  {shot.position > 0 ? (
                    <span> · adds +{formatSeconds(shot.addsSeconds)}</span>
                  ) : null}
                </p>
                {shot.reroll?.status === "failed" ? (
                  <p className="text-danger text-xs">{shot.reroll.error}</p>
                ) : null}
                {shot.candidates.length > 0 && !sequence.rerolling ? (
                  <ReplaceShotForm
                    sequenceId={sequence.id}
                    position={shot.position}
                    candidates={shot.candidates}
                    replace={replaceSequenceShot}
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      </section>

      {sequence.reroll ? (
        <section aria-labelledby="reroll-heading" className="flex flex-col gap-2">
          <h2
            id="reroll-heading"
            className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
          >
            Out of date
          </h2>
          <p className="text-sm">
            Shots {sequence.reroll.fromPosition + 2} to {sequence.shots.length} were continued from
            a take that is no longer shot {sequence.reroll.fromPosition + 1}. Re-roll from there:
            each is made again from the new shot before it, with its own settings.
          </p>
          <RerollButton
            sequenceId={sequence.id}
            position={sequence.reroll.fromPosition}
            label={`Re-roll ${sequence.reroll.shots === 1 ? "1 shot" : `${sequence.reroll.shots} shots`}: ${formatUsd(sequence.reroll.costUsd)}`}
            reroll={rerollSequence}
          />
        </section>
      ) : null}
      {sequence.rerolling ? (
        <p role="status" className="text-ink-soft text-sm">
          Re-rolling: each shot starts once the shot before it is kept.
        </p>
      ) : null}
      {failedReroll ? (
        <p role="alert" className="text-danger text-sm">
          The re-roll stopped at shot {failedReroll.position + 1}: {failedReroll.reroll?.error}
        </p>
      ) : null}

      <SequenceExportSlot
        sequenceId={sequence.id}
        version={plan?.version ?? ""}
        pageHasFilm={film !== null}
      />
      {film || links.length > 0 ? (
        <SharePanel
          film
          links={links}
          create={createSequenceShareLink.bind(null, sequence.id)}
          revoke={revokeShareLink}
        />
      ) : null}
      <RefreshWhile active={waiting} everyMs={Math.max(1000, env().POLL_INTERVAL_MS * 2)} />
    </main>
  );
}
