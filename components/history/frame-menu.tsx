"use client";

import { useEffect, useId, useRef, useState } from "react";
import { type ContinueVideo, FrameActions, type TakeFrame } from "./frame-actions";

/**
 * The frame actions of a kept video where there is no room to show them open (a history
 * card, a take's tile): a disclosure button that shows them in place. Escape, or a click
 * elsewhere, closes it; Escape gives the focus back to the button.
 */
export function FrameMenu({
  taskId,
  currentTime,
  takeFrame,
  continueVideo,
  label = "Frames and clips",
  headingLevel,
}: {
  taskId: string;
  currentTime?: () => number;
  takeFrame: TakeFrame;
  continueVideo?: ContinueVideo;
  /** The button's accessible name, e.g. "Frames and clips of Take 2 of 4". */
  label?: string;
  headingLevel?: 2 | 3;
}) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [open]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere inside closes the disclosure, as its button's own key would
    <div
      ref={root}
      className="flex flex-col gap-2"
      onKeyDown={(event) => {
        if (event.key !== "Escape" || !open) return;
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        button.current?.focus();
      }}
    >
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={label === "Frames and clips" ? undefined : label}
        onClick={() => setOpen((was) => !was)}
        className="border-ink/15 bg-paper-raised hover:bg-accent-soft self-start rounded-md border px-3 py-1 text-sm font-medium"
      >
        Frames and clips <span aria-hidden="true">{open ? "▴" : "▾"}</span>
      </button>
      <div id={panelId} hidden={!open}>
        {open ? (
          <FrameActions
            taskId={taskId}
            currentTime={currentTime}
            takeFrame={takeFrame}
            continueVideo={continueVideo}
            headingLevel={headingLevel}
          />
        ) : null}
      </div>
    </div>
  );
}
