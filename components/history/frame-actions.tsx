"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";

type FrameSlot = "first_frame" | "last_frame";
type TakeFrameResult =
  | { ok: true; mediaId: string; href: string }
  | { ok: false; error: { code: string; message: string } };

export type TakeFrame = (input: {
  taskId: string;
  frame: "first" | "last" | number;
  slot: FrameSlot;
}) => Promise<TakeFrameResult>;

const slotLabels: Record<FrameSlot, string> = {
  first_frame: "First frame",
  last_frame: "Last frame",
};

/**
 * Frames of a finished video for a new one: its last frame as the next video's First frame
 * (carry on from where it ends), its first frame as a Last frame (lead into it), or the frame
 * the player shows now into either slot. The server takes the exact frame from the kept
 * video, stores it as the member's own PNG and the studio opens with it.
 */
export function FrameActions({
  taskId,
  currentTime,
  takeFrame,
}: {
  taskId: string;
  /** Where the player is now, in seconds. */
  currentTime: () => number;
  takeFrame: TakeFrame;
}) {
  const router = useRouter();
  const headingId = useId();
  const hintId = useId();
  const slotId = useId();
  const [slot, setSlot] = useState<FrameSlot>("first_frame");
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();

  const take = (frame: "first" | "last" | number, into: FrameSlot) =>
    startTransition(async () => {
      setMessage("");
      const result = await takeFrame({ taskId, frame, slot: into }).catch(() => null);
      if (result?.ok) {
        router.push(result.href);
        return;
      }
      setMessage(result ? result.error.message : "The frame could not be taken. Try again.");
    });

  const button =
    "border-accent text-accent-strong hover:bg-accent-soft rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60";
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-2">
      <h3 id={headingId} className="text-ink-soft text-xs font-semibold tracking-wide uppercase">
        Frames for a new video
      </h3>
      <p id={hintId} className="text-ink-soft text-xs">
        The exact frame, opened in the studio: the last frame as a First frame, the first frame as a
        Last frame.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={button}
          disabled={pending}
          aria-describedby={hintId}
          onClick={() => take("last", "first_frame")}
        >
          Use last frame
        </button>
        <button
          type="button"
          className={button}
          disabled={pending}
          aria-describedby={hintId}
          onClick={() => take("first", "last_frame")}
        >
          Use first frame
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={slotId} className="text-sm">
          The frame shown now, as
        </label>
        <select
          id={slotId}
          value={slot}
          disabled={pending}
          onChange={(event) => setSlot(event.target.value as FrameSlot)}
          className="border-ink/15 bg-paper rounded-md border px-2 py-1.5 text-sm"
        >
          {(Object.keys(slotLabels) as FrameSlot[]).map((value) => (
            <option key={value} value={value}>
              {slotLabels[value]}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={button}
          disabled={pending}
          onClick={() => take(currentTime(), slot)}
        >
          Use this frame
        </button>
      </div>
      <p role="status" aria-live="polite" className="text-sm">
        {pending ? (
          "Taking the frame…"
        ) : message ? (
          <span className="text-danger">{message}</span>
        ) : null}
      </p>
    </section>
  );
}
