"use client";

import { type ReactNode, useEffect, useRef } from "react";
import { PinMarks } from "../review/pin-marks";
import { usePlayerLink } from "../review/player-link";

/** What tools under the player may ask of it. */
export interface PlayerHandle {
  /** Where playback is, in seconds. */
  currentTime: () => number;
}

/** Controls shown under a finished video (the task page's frame actions). */
export type VideoTools = (player: PlayerHandle) => ReactNode;

export function VideoPlayer({
  src,
  downloadUrl,
  title,
  tools,
  poster,
}: {
  src: string;
  /** The video's poster frame: shown at once, before the video's own first frame is fetched. */
  poster?: string | null;
  /** Null: no download offered (a share link that switched it off). */
  downloadUrl: string | null;
  title: string;
  tools?: VideoTools;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const link = usePlayerLink();
  const register = link?.register;
  const setDuration = link?.setDuration;

  // With a review panel on the page, it reads this player's time and seeks it.
  useEffect(() => {
    const element = video.current;
    if (!register || !setDuration || !element) return;
    register({
      currentTime: () => element.currentTime,
      seek: (seconds) => {
        element.currentTime = seconds;
      },
    });
    const known = () => {
      if (Number.isFinite(element.duration)) setDuration(element.duration);
    };
    known();
    element.addEventListener("loadedmetadata", known);
    return () => {
      element.removeEventListener("loadedmetadata", known);
      register(null);
    };
  }, [register, setDuration]);

  return (
    <div className="flex flex-col gap-3">
      {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
      <video
        ref={video}
        controls
        playsInline
        preload="metadata"
        src={src}
        poster={poster ?? undefined}
        aria-label="Generated video"
        controlsList={downloadUrl ? undefined : "nodownload"}
        className="bg-ink aspect-video w-full rounded-lg"
      />
      <PinMarks />
      <div className="flex items-center justify-between gap-3">
        <span className="text-ink-soft truncate text-sm" title={title}>
          {title}
        </span>
        {downloadUrl ? (
          <a
            href={downloadUrl}
            download
            className="border-accent text-accent hover:bg-accent-soft shrink-0 rounded-md border px-3 py-1.5 text-sm font-medium"
          >
            Download
          </a>
        ) : null}
      </div>
      {tools?.({ currentTime: () => video.current?.currentTime ?? 0 })}
    </div>
  );
}
