"use client";

import { useEffect, useRef, useState } from "react";

export interface PlayerShot {
  taskId: string;
  label: string;
  videoUrl: string;
  /** Where the shot stops repeating the one before it: it plays from here. */
  startAt: number;
}

/**
 * Plays the sequence straight through: each shot from where it stops repeating its parent,
 * the next one as soon as it ends. One play/pause button; never starts by itself; with
 * reduced motion the strip's current shot is shown without scrolling animations.
 */
export function SequencePlayer({ shots }: { shots: PlayerShot[] }) {
  const video = useRef<HTMLVideoElement>(null);
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);
  const shot = shots[index];

  useEffect(() => {
    const element = document.getElementById(`shot-${shot?.taskId}`);
    if (!element) return;
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    element.scrollIntoView({
      behavior: reduce ? "auto" : "smooth",
      block: "nearest",
      inline: "nearest",
    });
  }, [shot?.taskId]);

  if (!shot) {
    return (
      <p role="status" className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
        No shot of this sequence has a kept video yet.
      </p>
    );
  }

  function seekToStart() {
    const element = video.current;
    if (element && element.currentTime < shot.startAt) element.currentTime = shot.startAt;
  }

  function toggle() {
    const element = video.current;
    if (!element) return;
    if (element.paused) {
      seekToStart();
      void element.play();
    } else {
      element.pause();
    }
  }

  function next() {
    if (index + 1 < shots.length) {
      setIndex(index + 1);
    } else {
      setPlaying(false);
      setIndex(0);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
      <video
        ref={video}
        key={shot.taskId}
        src={`${shot.videoUrl}#t=${shot.startAt}`}
        className="bg-ink aspect-video w-full rounded-lg"
        preload="auto"
        playsInline
        aria-label={`Sequence player, ${shot.label}`}
        onLoadedMetadata={() => {
          seekToStart();
          if (playing) void video.current?.play();
        }}
        onPlay={() => setPlaying(true)}
        onPause={() => {
          if (!video.current?.ended) setPlaying(false);
        }}
        onEnded={next}
      />
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={toggle}
          className="bg-accent hover:bg-accent-strong rounded-md px-4 py-2 text-sm font-medium text-white"
        >
          {playing ? "Pause sequence" : "Play sequence"}
        </button>
        <p className="text-ink-soft text-sm" aria-live="polite">
          {shot.label} of {shots.length}
        </p>
      </div>
    </div>
  );
}
