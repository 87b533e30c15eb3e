export function VideoPlayer({ src, downloadUrl, title }: { src: string; downloadUrl: string; title: string }) {
  return (
    <div className="flex flex-col gap-3">
      {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
      <video
        controls
        playsInline
        preload="metadata"
        src={src}
        aria-label="Generated video"
        className="aspect-video w-full rounded-lg bg-ink"
      />
      <div className="flex items-center justify-between gap-3">
        <span className="truncate text-ink-soft text-sm" title={title}>
          {title}
        </span>
        <a
          href={downloadUrl}
          download
          className="shrink-0 rounded-md border border-accent px-3 py-1.5 font-medium text-accent text-sm hover:bg-accent-soft"
        >
          Download
        </a>
      </div>
    </div>
  );
}
