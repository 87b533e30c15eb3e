"use client";

import { useEffect, useState, useTransition } from "react";
import type { TakeSetView } from "@/lib/takes/view";
import { isTerminal } from "@/lib/task-view";
import type { ContinueVideo, TakeFrame } from "../history/frame-actions";
import { useSeenWhenVisible } from "../notify/use-seen";
import { TakeTile } from "./take-tile";
import { Transport } from "./transport";
import { useSyncedPlayback } from "./use-synced-playback";
import { useTakeViews } from "./use-take-views";

export type PickResult =
  | { ok: true; pickedTaskId: string | null; pickedBy: string | null }
  | { ok: false; error: { code: string; message: string } };

interface TakeSetCompareProps {
  takeSet: TakeSetView;
  pollMs: number;
  /** The `pickTake` server action, passed down by the page. */
  pick: (takeSetId: string, taskId: string | null) => Promise<PickResult>;
  /** The frame actions (`takeFrame`, `continueVideo`), offered on every kept take. */
  frames?: { takeFrame: TakeFrame; continueVideo?: ContinueVideo };
}

/** Keys that type text: frame-step keys there are letters, not commands. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return (
    target instanceof HTMLInputElement &&
    !["range", "checkbox", "radio", "button"].includes(target.type)
  );
}

/** The takes side by side, played in sync, with one transport; Pick marks the chosen one. */
export function TakeSetCompare({ takeSet, pollMs, pick, frames }: TakeSetCompareProps) {
  const views = useTakeViews(takeSet.views, pollMs);
  useSeenWhenVisible(
    `set:${takeSet.id}`,
    views.every((view) => isTerminal(view.status)),
  );
  const playable = views.filter((view) => view.status === "completed" && view.videoUrl);
  const playback = useSyncedPlayback(playable.map((view) => view.id));
  const [pickedTaskId, setPickedTaskId] = useState(takeSet.pickedTaskId);
  const [pickedBy, setPickedBy] = useState(takeSet.pickedBy);
  const [pickError, setPickError] = useState<string | null>(null);
  const [pickPending, startPick] = useTransition();
  const { step } = playback;

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
      if (event.key === ",") {
        event.preventDefault();
        void step(-1);
      } else if (event.key === ".") {
        event.preventDefault();
        void step(1);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step]);

  function choose(taskId: string) {
    const next = pickedTaskId === taskId ? null : taskId;
    setPickError(null);
    startPick(async () => {
      try {
        const result = await pick(takeSet.id, next);
        if (result.ok) {
          setPickedTaskId(result.pickedTaskId);
          setPickedBy(result.pickedBy);
        } else {
          setPickError(result.error.message);
        }
      } catch {
        setPickError("Could not reach the server. Check the connection and try again.");
      }
    });
  }

  const failed = views.filter((view) => view.error).length;
  return (
    <div className="flex flex-col gap-4">
      <Transport playback={playback} disabled={playable.length === 0} />
      <p role="status" aria-live="polite" className="text-ink-soft text-sm">
        {playable.length} of {views.length} takes ready to play
        {failed > 0 ? `; ${failed} did not make a video` : ""}.
        {pickedTaskId
          ? ` Picked: take ${views.find((view) => view.id === pickedTaskId)?.takeIndex ?? "?"}${pickedBy ? `, by ${pickedBy}` : ""}.`
          : ""}
      </p>
      {pickError ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-md px-3 py-2 text-sm">
          {pickError}
        </p>
      ) : null}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 md:grid-cols-2">
        {views.map((view) => (
          <TakeTile
            key={view.id}
            view={view}
            takes={takeSet.takes}
            picked={pickedTaskId === view.id}
            pickPending={pickPending}
            onPick={() => choose(view.id)}
            playerRef={playback.ref(view.id)}
            onLoadedMetadata={() => playback.onLoadedMetadata(view.id)}
            frames={frames}
          />
        ))}
      </div>
    </div>
  );
}
