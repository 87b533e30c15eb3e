"use client";

import { type ReactNode, useRef } from "react";

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
}: {
  src: string;
  downloadUrl: string;
  title: string;
  tools?: VideoTools;
}) {
  const video = useRef<HTMLVideoElement>(null);
  return (
    <div className="flex flex-col gap-3">
      {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
      <video
        ref={video}
        controls
        playsInline
        preload="metadata"
        src={src}
        aria-label="Generated video"
        className="bg-ink aspect-video w-full rounded-lg"
      />
      <div className="flex items-center justify-between gap-3">
        <span className="text-ink-soft truncate text-sm" title={title}>
          {title}
        </span>
        <a
          href={downloadUrl}
          download
          className="border-accent text-accent hover:bg-accent-soft shrink-0 rounded-md border px-3 py-1.5 text-sm font-medium"
        >
          Download
        </a>
      </div>
      {tools?.({ currentTime: () => video.current?.currentTime ?? 0 })}
    </div>
  );
}
