import { formatBytes, type MediaKind, mediaLimits } from "@/lib/video-request";
import type { SlotState } from "./use-media-slots";

type Filled = Extract<SlotState, { status: "uploading" | "ready" }>;

function details(slot: Filled): string {
  if (slot.status === "uploading") return formatBytes(slot.file.size);
  const { bytes, probe } = slot.media;
  const parts = [formatBytes(bytes)];
  if (probe.width && probe.height) parts.push(`${probe.width}×${probe.height} px`);
  if (probe.durationSeconds) parts.push(`${probe.durationSeconds.toFixed(1)} s`);
  return parts.join(" · ");
}

export function MediaPreview({ kind, slot }: { kind: MediaKind; slot: Filled }) {
  const name = slot.status === "uploading" ? slot.file.name : slot.name;
  const category = mediaLimits[kind].category;
  return (
    <figure className="flex flex-col gap-2">
      {category === "image" && (
        // biome-ignore lint/performance/noImgElement: a local blob preview; next/image cannot optimise it
        <img
          src={slot.previewUrl}
          alt={`${name} preview`}
          className="bg-paper-sunk max-h-40 w-full rounded-md object-contain"
        />
      )}
      {category === "audio" && (
        // biome-ignore lint/a11y/useMediaCaption: a person's own voice track, previewed before upload
        <audio controls src={slot.previewUrl} className="w-full" />
      )}
      {category === "video" && (
        <video controls muted src={slot.previewUrl} className="bg-ink max-h-40 w-full rounded-md" />
      )}
      <figcaption className="flex justify-between gap-2 text-xs">
        <span className="truncate font-medium" title={name}>
          {name}
        </span>
        <span className="text-ink-faint shrink-0 tabular-nums">{details(slot)}</span>
      </figcaption>
    </figure>
  );
}
