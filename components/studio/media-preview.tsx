import dynamic from "next/dynamic";
import { formatBytes, type MediaKind, mediaLimits } from "@/lib/request-rules";
import type { LocalProbe } from "./inspect-file";
import type { SlotState } from "./use-media-slots";

/** The waveform's own placeholder while its code loads (it decodes the audio, then draws). */
const Waveform = dynamic(() => import("./waveform").then((module) => module.Waveform), {
  loading: () => <div className="bg-paper-sunk h-10 w-full rounded-md" aria-hidden="true" />,
});

type Filled = Extract<SlotState, { status: "checking" | "uploading" | "ready" }>;

/** What is known of the file: the server's probe once kept, the browser's before. */
function probeOf(slot: Filled): LocalProbe {
  if (slot.status === "ready") return slot.media.probe;
  return slot.status === "uploading" ? slot.probe : {};
}

/** "1.2 MB · 1280×720 px · 3.0 s": what the model's limits are about, at a glance. */
function details(slot: Filled): string {
  if (slot.status === "checking") return `${formatBytes(slot.file.size)} · checking…`;
  const bytes = slot.status === "ready" ? slot.media.bytes : slot.file.size;
  const { width, height, durationSeconds } = probeOf(slot);
  const parts = [formatBytes(bytes)];
  if (width && height) parts.push(`${width}×${height} px`);
  if (durationSeconds) parts.push(`${durationSeconds.toFixed(1)} s`);
  return parts.join(" · ");
}

export function MediaPreview({ kind, slot }: { kind: MediaKind; slot: Filled }) {
  const name = slot.status === "ready" ? slot.name : slot.file.name;
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
        <>
          <Waveform src={slot.previewUrl} name={name} />
          {/* biome-ignore lint/a11y/useMediaCaption: a person's own voice track, previewed before upload */}
          <audio controls src={slot.previewUrl} className="w-full" />
        </>
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
