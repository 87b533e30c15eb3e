import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { CommentsPanel } from "@/components/review/comments-panel";
import { PlayerLinkProvider } from "@/components/review/player-link";
import { VideoPlayer } from "@/components/studio/video-player";
import { clientAddress, clientKey } from "@/lib/http/client";
import { commentsOn, openShare } from "@/lib/review";
import { combinationLabel } from "@/lib/video-request";
import { addSharedComment } from "../../actions";

export const dynamic = "force-dynamic";

type Params = Promise<{ token: string }>;

// The same for every token, found or not: nothing about the link shows before it is checked.
export const metadata: Metadata = {
  title: "Shared video · wan-studio",
  robots: { index: false, follow: false, nocache: true },
  referrer: "no-referrer",
};

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/**
 * The public page of a share link: the one video, its download and prompt if the sharer
 * allowed them, and comments if they asked for them. No session; nothing links elsewhere in
 * the studio. A wrong, expired or revoked token, and a client over its limit of wrong ones,
 * get the app's not-found page, the same in every case.
 */
export default async function SharedVideoPage({ params }: { params: Params }) {
  const { token } = await params;
  const client = clientKey(clientAddress(await headers()));
  const lookup = await openShare(token, client, { countOpen: true });
  if (!lookup.found) notFound();
  const { shared } = lookup;
  const { task, film, settings } = shared;
  const comments =
    shared.allowComments && task ? await commentsOn({ kind: "task", id: task.id }, null) : [];
  const videoUrl = `/s/${token}/video`;
  const playerTitle = film
    ? `${film.shots} shots · ${Math.round(film.seconds)} s`
    : task
      ? `${task.seconds} s · ${task.size}`
      : "";

  return (
    <PlayerLinkProvider>
      <main className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-8 sm:px-6">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-bold tracking-tight">
            {film ? "Shared film" : "Shared video"}
          </h1>
          <p className="text-ink-soft text-sm">
            Shared from wan-studio. This link works until {dateFormat.format(shared.expiresAt)} UTC.
          </p>
        </div>
        <section
          aria-label={film ? "Film" : "Video"}
          className="border-ink/10 bg-paper-raised rounded-xl border p-5 shadow-sm"
        >
          <VideoPlayer
            src={videoUrl}
            downloadUrl={shared.allowDownload ? `${videoUrl}?download` : null}
            title={playerTitle}
          />
        </section>
        {film ? (
          <p className="text-ink-soft text-sm">
            A sequence of {film.shots} shots joined into one film of {Math.round(film.seconds)} s.
          </p>
        ) : null}
        {settings ? (
          <section aria-labelledby="shared-settings-heading" className="flex flex-col gap-2">
            <h2
              id="shared-settings-heading"
              className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
            >
              Prompt and settings
            </h2>
            <p className="text-sm whitespace-pre-wrap">
              {settings.prompt ?? "No prompt: the media alone drove this video."}
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-ink-soft">Inputs</dt>
              <dd>{combinationLabel(settings.combination)}</dd>
              <dt className="text-ink-soft">Length</dt>
              <dd>{settings.seconds} s</dd>
              <dt className="text-ink-soft">Resolution</dt>
              <dd>{settings.size}</dd>
              {settings.negativePrompt ? (
                <>
                  <dt className="text-ink-soft">Negative prompt</dt>
                  <dd className="whitespace-pre-wrap">{settings.negativePrompt}</dd>
                </>
              ) : null}
              {settings.seed !== null ? (
                <>
                  <dt className="text-ink-soft">Seed</dt>
                  <dd className="tabular-nums">{settings.seed}</dd>
                </>
              ) : null}
            </dl>
          </section>
        ) : null}
        {shared.allowComments ? (
          <CommentsPanel initial={comments} add={addSharedComment.bind(null, token)} askName />
        ) : null}
      </main>
    </PlayerLinkProvider>
  );
}
