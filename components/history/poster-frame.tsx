/**
 * A video's poster in a 16:9 frame (history cards, sequence cards, a sequence's strip), or
 * "No preview" while it has none. Lazy: most of a page of cards is below the fold.
 */
export function PosterFrame({ taskId }: { taskId: string | null }) {
  return (
    <div className="bg-ink/90 flex aspect-video items-center justify-center">
      {taskId ? (
        // biome-ignore lint/performance/noImgElement: a private, signed-in asset; next/image would proxy it for nothing
        <img
          src={`/api/tasks/${taskId}/poster`}
          alt=""
          loading="lazy"
          className="h-full w-full object-cover"
        />
      ) : (
        <span className="text-paper/70 text-xs">No preview</span>
      )}
    </div>
  );
}
