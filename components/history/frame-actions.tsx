"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import type { JobView } from "@/lib/jobs/view";
import { fetchJson } from "../fetch-json";

type FrameSlot = "first_frame" | "last_frame";
type TakeFrameResult =
  | { ok: true; mediaId: string; href: string }
  | { ok: false; error: { code: string; message: string } };

export type TakeFrame = (input: {
  taskId: string;
  frame: "first" | "last" | number;
  slot: FrameSlot;
}) => Promise<TakeFrameResult>;

export type ContinueVideo = (input: {
  taskId: string;
  seconds: number;
}) => Promise<
  { ok: true; jobId: string } | { ok: false; error: { code: string; message: string } }
>;

/** How often the cut's progress is asked for. */
const JOB_POLL_MS = 500;
const CUT_FAILED = "The end of this video could not be cut. Try again.";

/** What "Continue" may carry over (lib/tasks/frames.ts holds the same rule for the server). */
const CARRY_MIN = 2;
const CARRY_MAX = 10;
const CARRY_DEFAULT = 3;

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
  continueVideo,
  headingLevel = 3,
}: {
  taskId: string;
  /** Where the player is now, in seconds; none where no player shows (a history card). */
  currentTime?: () => number;
  takeFrame: TakeFrame;
  continueVideo?: ContinueVideo;
  /** Its heading's rank where it stands: 2 on a page whose next heading up is the h1. */
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const router = useRouter();
  const headingId = useId();
  const hintId = useId();
  const slotId = useId();
  const carryId = useId();
  const carryHintId = useId();
  const [carry, setCarry] = useState(String(CARRY_DEFAULT));
  const carrySeconds = Number(carry);
  const carryOk =
    Number.isInteger(carrySeconds) && carrySeconds >= CARRY_MIN && carrySeconds <= CARRY_MAX;
  const [slot, setSlot] = useState<FrameSlot>("first_frame");
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  /** A Continue cut under way (a background job): its id, seconds and progress. */
  const [cut, setCut] = useState<{ jobId: string; seconds: number; progress: number } | null>(null);
  const cutJob = cut?.jobId;
  const busy = pending || cut !== null;

  // Follows the cut until it is done (then opens the studio with the clip) or failed.
  useEffect(() => {
    if (!cutJob) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      const job = await fetchJson<JobView>(`/api/jobs/${encodeURIComponent(cutJob)}`, {
        cache: "no-store",
      }).catch(() => null);
      if (stopped) return;
      if (job?.status === "done") {
        const href = (job.result as { href?: string } | null)?.href;
        if (href) {
          router.push(href);
          return;
        }
      }
      if (!job || job.status === "failed" || job.status === "done") {
        setCut(null);
        setMessage(job?.error ?? CUT_FAILED);
        return;
      }
      setCut((now) => (now && now.jobId === cutJob ? { ...now, progress: job.progress } : now));
      timer = setTimeout(look, JOB_POLL_MS);
    };
    timer = setTimeout(look, JOB_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [cutJob, router]);

  const run = (act: () => Promise<TakeFrameResult>, failed: string) =>
    startTransition(async () => {
      setMessage("");
      const result = await act().catch(() => null);
      if (result?.ok) {
        router.push(result.href);
        return;
      }
      setMessage(result ? result.error.message : failed);
    });
  const startCut = (seconds: number) =>
    startTransition(async () => {
      setMessage("");
      const result = await continueVideo?.({ taskId, seconds }).catch(() => null);
      if (result?.ok) {
        setCut({ jobId: result.jobId, seconds, progress: 0 });
        return;
      }
      setMessage(result ? result.error.message : CUT_FAILED);
    });
  const take = (frame: "first" | "last" | number, into: FrameSlot) =>
    run(() => takeFrame({ taskId, frame, slot: into }), "The frame could not be taken. Try again.");

  const button =
    "border-accent text-accent-strong hover:bg-accent-soft rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60";
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-2">
      <Heading
        id={headingId}
        className="text-ink-soft text-xs font-semibold tracking-wide uppercase"
      >
        Frames and clips for a new video
      </Heading>
      <p id={hintId} className="text-ink-soft text-xs">
        The exact frame, opened in the studio: the last frame as a First frame, the first frame as a
        Last frame.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={button}
          disabled={busy}
          aria-describedby={hintId}
          onClick={() => take("last", "first_frame")}
        >
          Use last frame
        </button>
        <button
          type="button"
          className={button}
          disabled={busy}
          aria-describedby={hintId}
          onClick={() => take("first", "last_frame")}
        >
          Use first frame
        </button>
      </div>
      <div hidden={!currentTime} className="flex flex-wrap items-center gap-2">
        <label htmlFor={slotId} className="text-sm">
          The frame shown now, as
        </label>
        <select
          id={slotId}
          value={slot}
          disabled={busy}
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
          disabled={busy}
          onClick={() => take(currentTime?.() ?? 0, slot)}
        >
          Use this frame
        </button>
      </div>
      {continueVideo ? (
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={carryId} className="text-sm">
            Seconds to carry over
          </label>
          <input
            id={carryId}
            type="number"
            inputMode="numeric"
            min={CARRY_MIN}
            max={CARRY_MAX}
            step={1}
            value={carry}
            disabled={busy}
            aria-describedby={carryHintId}
            aria-invalid={!carryOk}
            onChange={(event) => setCarry(event.target.value)}
            className="border-ink/15 bg-paper w-16 rounded-md border px-2 py-1.5 text-sm"
          />
          <button
            type="button"
            className={button}
            disabled={busy || !carryOk}
            aria-describedby={carryHintId}
            onClick={() => startCut(carrySeconds)}
          >
            Continue
          </button>
          <p id={carryHintId} className="text-ink-soft w-full text-xs">
            A new video that starts with this one's last {CARRY_MIN}–{CARRY_MAX} seconds as its
            First clip.
          </p>
        </div>
      ) : null}
      {cut ? (
        <progress
          aria-label={`Cutting the last ${cut.seconds} s`}
          max={1}
          value={cut.progress}
          className="accent-accent h-2 w-full"
        />
      ) : null}
      <p role="status" aria-live="polite" className="text-sm">
        {cut ? (
          `Cutting the last ${cut.seconds} s…`
        ) : pending ? (
          "Taking the frame…"
        ) : message ? (
          <span className="text-danger">{message}</span>
        ) : null}
      </p>
    </section>
  );
}
