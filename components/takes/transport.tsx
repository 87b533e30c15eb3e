"use client";

import { useEffect, useId, useRef } from "react";
import { formatPosition, PLAYBACK_SPEEDS, TAKE_FPS } from "@/lib/takes/sync";
import { PinMarks } from "../review/pin-marks";
import { usePlayerLink } from "../review/player-link";
import type { SyncedPlayback } from "./use-synced-playback";

/** Shape, focus and disabled look shared by the transport's buttons; each adds its surface. */
const buttonBase =
  "rounded-md border px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent";
// One background per button: with two, the stylesheet's order (not the class list) decides,
// and Play was drawn white on white.
const button = `${buttonBase} border-ink/15 bg-paper-raised hover:bg-accent-soft`;
const primaryButton = `${buttonBase} border-transparent bg-accent text-white hover:bg-accent-strong min-w-20`;

/**
 * The keys a slider answers, made explicit so every player moves with them: Home and End,
 * arrows a frame, Page Up and Down a second.
 */
function scrubberKey(key: string, playback: SyncedPlayback): (() => Promise<void>) | undefined {
  const { time, duration } = playback;
  switch (key) {
    case "Home":
      return () => playback.seek(0);
    case "End":
      return () => playback.seek(Math.max(0, duration - 0.5 / TAKE_FPS));
    case "ArrowLeft":
    case "ArrowDown":
      return () => playback.step(-1);
    case "ArrowRight":
    case "ArrowUp":
      return () => playback.step(1);
    case "PageDown":
      return () => playback.seek(Math.max(0, time - 1));
    case "PageUp":
      return () => playback.seek(Math.min(duration, time + 1));
    default:
      return undefined;
  }
}

/** One set of controls for every take: play/pause, scrubber, frame steps, speed, sound. */
export function Transport({ playback, disabled }: { playback: SyncedPlayback; disabled: boolean }) {
  const speedId = useId();
  const hintId = useId();
  const { playing, time, duration, speed, sound } = playback;
  // With a review panel on the page: comments read the takes' time, pins seek every take.
  const now = useRef(time);
  now.current = time;
  const seek = playback.seek;
  const link = usePlayerLink();
  const register = link?.register;
  const setLinkDuration = link?.setDuration;
  useEffect(() => {
    if (!register) return;
    register({ currentTime: () => now.current, seek: (seconds) => void seek(seconds) });
    return () => register(null);
  }, [register, seek]);
  useEffect(() => {
    setLinkDuration?.(duration);
  }, [setLinkDuration, duration]);
  return (
    <fieldset
      aria-describedby={hintId}
      className="border-ink/10 bg-paper-raised flex flex-col gap-3 rounded-xl border p-4 shadow-sm"
    >
      <legend className="sr-only">Playback</legend>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={playback.toggle}
          disabled={disabled}
          className={primaryButton}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <button
          type="button"
          onClick={() => void playback.step(-1)}
          disabled={disabled}
          aria-keyshortcuts=","
          className={button}
        >
          Previous frame
        </button>
        <button
          type="button"
          onClick={() => void playback.step(1)}
          disabled={disabled}
          aria-keyshortcuts="."
          className={button}
        >
          Next frame
        </button>
        <label htmlFor={speedId} className="ml-2 text-sm font-medium">
          Speed
        </label>
        <select
          id={speedId}
          value={speed}
          onChange={(event) => playback.setSpeed(Number(event.target.value))}
          disabled={disabled}
          className="border-ink/15 bg-paper-raised rounded-md border px-2 py-1.5 text-sm"
        >
          {PLAYBACK_SPEEDS.map((value) => (
            <option key={value} value={value}>
              {value}×
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={playback.toggleSound}
          disabled={disabled}
          aria-pressed={sound}
          className={`${button} ml-auto`}
        >
          Sound {sound ? "on" : "off"}
        </button>
      </div>
      <div className="flex items-center gap-3">
        <input
          type="range"
          aria-label="Position"
          aria-valuetext={`${formatPosition(time)} of ${formatPosition(duration)}`}
          min={0}
          max={duration || 0}
          step={1 / TAKE_FPS}
          value={Math.min(time, duration || 0)}
          onChange={(event) => void playback.seek(Number(event.target.value))}
          onKeyDown={(event) => {
            const action = scrubberKey(event.key, playback);
            if (!action) return;
            event.preventDefault();
            void action();
          }}
          disabled={disabled || !duration}
          className="accent-accent flex-1"
        />
        <span className="text-ink-soft text-sm tabular-nums" aria-hidden="true">
          {formatPosition(time)} / {formatPosition(duration)}
        </span>
      </div>
      <PinMarks />
      <p id={hintId} className="text-ink-faint text-xs">
        Every take plays together. Keys: comma and period step one frame back or forward. Sound
        comes from the first take.
      </p>
    </fieldset>
  );
}
