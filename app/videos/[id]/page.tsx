import { dehydrate, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { preload } from "react-dom";
import { DeleteVideoButton } from "@/components/history/delete-video-button";
import { ResultPanel } from "@/components/history/result-panel";
import { SeededTask } from "@/components/history/seeded-task";
import { TaskFacts } from "@/components/history/task-facts";
import type { TaskInput } from "@/components/history/task-inputs";
import { TaskInputs } from "@/components/history/task-inputs";
import { CommentsPanel } from "@/components/review/comments-panel";
import { PlayerLinkProvider } from "@/components/review/player-link";
import { ReviewDecision } from "@/components/review/review-decision";
import { SharePanel } from "@/components/review/share-panel";
import { PickedBadge } from "@/components/takes/picked-badge";
import { requirePageUser } from "@/lib/auth/session";
import { env, priceRates } from "@/lib/env";
import { commentsOn, markCommentsRead, reviewStateOf, shareLinksFor } from "@/lib/review";
import { sequencesOfTask } from "@/lib/sequences";
import { signMediaUrl } from "@/lib/storage/signing";
import { takeSetSummaries } from "@/lib/takes";
import { takeLabel } from "@/lib/takes/view";
import { isTerminal } from "@/lib/task-view";
import { canDeleteTask, loadRemix, ownerLabel, toTaskView } from "@/lib/tasks";
import { estimateCost } from "@/lib/video-request";
import {
  addComment,
  cancelVideo,
  continueVideo,
  createShareLink,
  decideVideo,
  deleteComment,
  deleteVideo,
  revokeShareLink,
  takeFrame,
} from "../../actions";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Video ${id} · wan-studio` };
}

/**
 * The task as its status route answers, for the page's first HTML: the player and the facts
 * are in the server's HTML instead of waiting for the scripts and a first poll. Only a task
 * that has ended (its view no longer changes with the clock, so the browser renders the same
 * thing); a running one is polled as before.
 */
function seededTask(task: Parameters<typeof toTaskView>[0]) {
  const client = new QueryClient();
  if (isTerminal(task.status)) client.setQueryData(["task", task.id], toTaskView(task));
  return dehydrate(client);
}

/** What deleting a shot breaks, in a sentence; undefined for a video in no sequence. */
function sequenceWarning(partOf: { sequenceId: string; position: number; shots: number }[]) {
  if (partOf.length === 0) return undefined;
  const where = partOf
    .map((hit) => `shot ${hit.position + 1} of ${hit.shots} in sequence ${hit.sequenceId}`)
    .join(", ");
  return `This video is ${where}: the sequence will show a deleted shot, cannot be played or exported whole, and the shots after it cannot be re-rolled from it.`;
}

/** One task, at a URL the team can share: player, inputs, settings, timings, cost, remix. */
export default async function VideoPage({ params }: { params: Params }) {
  const { id } = await params;
  const user = await requirePageUser(`/videos/${encodeURIComponent(id)}`);
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(id)) notFound();
  const found = await loadRemix(id);
  if (!found) notFound();
  const { task, media } = found;
  // The player's poster is the page's largest content: fetched from the head of the HTML,
  // before the scripts, as the history does for its cards.
  const { posterUrl } = toTaskView(task);
  if (isTerminal(task.status) && posterUrl) {
    preload(posterUrl, { as: "image", fetchPriority: "high" });
  }
  const takeSet = task.takeSetId
    ? (await takeSetSummaries([task.takeSetId])).get(task.takeSetId)
    : undefined;
  const picked = takeSet?.pickedTaskId === task.id;
  const inputs: TaskInput[] = task.media.flatMap((ref) => {
    const row = media.find((candidate) => candidate.id === ref.mediaId);
    if (!row) return [];
    return [
      {
        kind: row.kind,
        name: row.originalName,
        bytes: row.bytes,
        previewUrl: signMediaUrl("", row.id, { ttlSeconds: 6 * 3600 }),
        ...row.probe,
      },
    ];
  });
  const pollMs = Math.min(env().POLL_INTERVAL_MS, 5000);
  const target = { kind: "task", id: task.id } as const;
  const [comments, review, links, partOf] = await Promise.all([
    commentsOn(target, user),
    reviewStateOf(task.id),
    shareLinksFor(task.id),
    sequencesOfTask(task.id),
  ]);
  // Opening your own video reads its comments (the header's count of new ones drops).
  if (task.ownerId === user.id) await markCommentsRead(target, user);
  const shareable = task.status === "completed" && task.resultKey !== null;

  return (
    <SeededTask state={seededTask(task)}>
      <PlayerLinkProvider>
        <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div className="min-w-0">
              <p className="text-ink-soft text-sm">
                <Link href="/videos" className="hover:underline">
                  History
                </Link>{" "}
                / {task.id}
              </p>
              <h1 className="truncate text-2xl font-bold tracking-tight">
                {task.prompt ?? "Untitled video"}
              </h1>
              <p className="text-ink-soft text-sm">
                Made by <span className="text-ink font-medium">{ownerLabel(task)}</span>
              </p>
              {task.parentTaskId && task.parentCut ? (
                <p className="text-ink-soft text-sm">
                  Continues{" "}
                  <Link
                    href={`/videos/${task.parentTaskId}`}
                    className="text-accent hover:underline"
                  >
                    video {task.parentTaskId}
                  </Link>{" "}
                  from its last {(task.parentCut.toSeconds - task.parentCut.fromSeconds).toFixed(2)}{" "}
                  s
                </p>
              ) : null}
              {partOf.map((hit) => (
                <p key={hit.sequenceId} className="text-ink-soft text-sm">
                  Part of{" "}
                  <Link
                    href={`/sequences/${hit.sequenceId}`}
                    className="text-accent hover:underline"
                  >
                    sequence {hit.sequenceId}
                  </Link>{" "}
                  (shot {hit.position + 1} of {hit.shots})
                </p>
              ))}
              {takeSet ? (
                <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-medium">{takeLabel(task.takeIndex, takeSet.takes)}</span>
                  {picked ? <PickedBadge /> : null}
                  <Link href={`/takes/${takeSet.id}`} className="text-accent hover:underline">
                    Compare takes
                  </Link>
                </p>
              ) : null}
            </div>
            <div className="flex flex-wrap items-start gap-3">
              {canDeleteTask(task, user) ? (
                <DeleteVideoButton
                  taskId={task.id}
                  deleteVideo={deleteVideo}
                  warning={sequenceWarning(partOf)}
                />
              ) : null}
              {task.seed !== null ? (
                <Link
                  href={`/?remix=${task.id}&seed=keep`}
                  className="border-accent text-accent-strong hover:bg-accent-soft rounded-md border px-4 py-2 text-sm font-medium"
                >
                  Use this seed
                </Link>
              ) : null}
              <Link
                href={`/?remix=${task.id}`}
                className="bg-accent hover:bg-accent-strong rounded-md px-4 py-2 text-sm font-medium text-white"
              >
                Remix
              </Link>
            </div>
          </div>
          <div className="grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <section
              aria-label="Result"
              className="border-ink/10 bg-paper-raised rounded-xl border p-5 shadow-sm"
            >
              <ResultPanel
                taskId={task.id}
                pollMs={pollMs}
                cancelVideo={canDeleteTask(task, user) ? cancelVideo : undefined}
                takeFrame={takeFrame}
                continueVideo={continueVideo}
              />
            </section>
            <div className="flex flex-col gap-6">
              <ReviewDecision initial={review} decide={decideVideo.bind(null, task.id)} />
              <section aria-labelledby="settings-heading" className="flex flex-col gap-3">
                <h2
                  id="settings-heading"
                  className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
                >
                  Settings and timings
                </h2>
                <TaskFacts
                  taskId={task.id}
                  pollMs={pollMs}
                  cost={estimateCost(task.seconds, task.size, priceRates())}
                />
              </section>
              <section aria-labelledby="prompt-heading" className="flex flex-col gap-2">
                <h2
                  id="prompt-heading"
                  className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
                >
                  Prompt
                </h2>
                <p className="text-sm whitespace-pre-wrap">
                  {task.prompt ?? "No prompt: the media alone drove this video."}
                </p>
              </section>
              <section aria-labelledby="inputs-heading" className="flex flex-col gap-3">
                <h2
                  id="inputs-heading"
                  className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
                >
                  Inputs
                </h2>
                <TaskInputs inputs={inputs} />
              </section>
              {shareable || links.length > 0 ? (
                <SharePanel
                  links={links}
                  create={createShareLink.bind(null, task.id)}
                  revoke={revokeShareLink}
                />
              ) : null}
            </div>
          </div>
          <CommentsPanel
            initial={comments}
            add={addComment.bind(null, target)}
            remove={deleteComment}
          />
        </main>
      </PlayerLinkProvider>
    </SeededTask>
  );
}
