"use client";

import Link from "next/link";
import { useCallback, useId, useRef } from "react";
import { takeLabel } from "@/lib/takes/view";
import { stateLabels, type TaskView, waitingLabel } from "@/lib/task-view";
import type { ContinueVideo, TakeFrame } from "../history/frame-actions";
import { FrameMenu } from "../history/frame-menu";
import { PickedBadge } from "./picked-badge";

const running: Partial<Record<TaskView["status"], string>> = {
  waiting:
    "The team runs only so many videos at once; this one is sent as soon as a slot frees up.",
  submitting: "Sending the request to the gateway.",
  queued: "Waiting for a slot on the model.",
  in_progress: "The model is making this take.",
};

interface TakeTileProps {
  view: TaskView;
  takes: number;
  picked: boolean;
  pickPending: boolean;
  onPick: () => void;
  /** Registers the take's player with the shared transport. */
  playerRef: (element: HTMLVideoElement | null) => void;
  onLoadedMetadata: () => void;
  /** The frame actions (server actions), on a take whose video is kept. */
  frames?: { takeFrame: TakeFrame; continueVideo?: ContinueVideo };
}

/** One take: its player (no controls of its own), or its state in words; Pick; its frames. */
export function TakeTile({
  view,
  takes,
  picked,
  pickPending,
  onPick,
  playerRef,
  onLoadedMetadata,
  frames,
}: TakeTileProps) {
  const headingId = useId();
  // The take's own player, for "Use this frame": the time it shows now.
  const player = useRef<HTMLVideoElement | null>(null);
  const registerPlayer = useCallback(
    (element: HTMLVideoElement | null) => {
      player.current = element;
      playerRef(element);
    },
    [playerRef],
  );
  const label = takeLabel(view.takeIndex, takes);
  const playable = view.status === "completed" && view.videoUrl;
  return (
    <section
      aria-labelledby={headingId}
      className={`bg-paper-raised flex flex-col gap-2 rounded-xl border p-3 shadow-sm ${
        picked ? "border-success ring-success ring-2" : "border-ink/10"
      }`}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id={headingId} className="text-sm font-semibold">
          {label}
        </h2>
        {picked ? <PickedBadge /> : null}
      </div>
      {playable ? (
        <video
          ref={registerPlayer}
          src={view.videoUrl ?? undefined}
          poster={view.posterUrl ?? undefined}
          preload="auto"
          playsInline
          muted
          onLoadedMetadata={onLoadedMetadata}
          aria-label={`${label} video`}
          className="bg-ink aspect-video w-full rounded-lg"
        />
      ) : (
        <div
          role="status"
          className={`flex aspect-video flex-col items-center justify-center gap-1 rounded-lg p-4 text-center text-sm ${
            view.error ? "bg-danger-soft text-danger" : "bg-paper-sunk text-ink-soft"
          }`}
        >
          <p className="font-semibold">
            {view.status === "waiting"
              ? waitingLabel(view.queuePosition)
              : stateLabels[view.status]}
          </p>
          {view.error ? <p>{view.error.message}</p> : null}
          {!view.error && running[view.status] ? <p>{running[view.status]}</p> : null}
          {view.status === "completed" && !view.videoUrl ? <p>The video is being kept…</p> : null}
        </div>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="text-ink-soft tabular-nums">
          {view.seed === null ? "Seed not recorded" : `Seed ${view.seed}`}
        </span>
        <span className="flex items-center gap-3">
          <Link href={`/videos/${view.id}`} className="text-accent hover:underline">
            Open its page
          </Link>
          {view.status === "completed" ? (
            <button
              type="button"
              aria-pressed={picked}
              // aria-disabled, not disabled: a disabled button drops the keyboard's focus.
              aria-disabled={pickPending}
              onClick={() => {
                if (!pickPending) onPick();
              }}
              className={`rounded-md border px-3 py-1 font-medium ${
                picked
                  ? "border-success bg-success-soft text-success"
                  : "border-accent text-accent-strong hover:bg-accent-soft"
              }`}
            >
              Pick
            </button>
          ) : null}
        </span>
      </div>
      {playable && frames ? (
        <FrameMenu
          taskId={view.id}
          label={`Frames and clips of ${label}`}
          currentTime={() => player.current?.currentTime ?? 0}
          takeFrame={frames.takeFrame}
          continueVideo={frames.continueVideo}
        />
      ) : null}
    </section>
  );
}
