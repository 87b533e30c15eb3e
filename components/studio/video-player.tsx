export function VideoPlayer({
  src,
  downloadUrl,
  title,
}: {
  src: string;
  downloadUrl: string;
  title: string;
}) {
  return (
    <div className="flex flex-col gap-3">
      {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
      <video
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
    </div>
  );
}
