import { formatBytes, type MediaKind, mediaKindLabels, mediaLimits } from "@/lib/request-rules";

export interface TaskInput {
  kind: MediaKind;
  name: string;
  bytes: number;
  previewUrl: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

function details(input: TaskInput): string {
  const parts = [formatBytes(input.bytes)];
  if (input.width && input.height) parts.push(`${input.width}×${input.height} px`);
  if (input.durationSeconds) parts.push(`${input.durationSeconds.toFixed(1)} s`);
  return parts.join(" · ");
}

/** The media a task was made from, as stored (the remix reuses these very files). */
export function TaskInputs({ inputs }: { inputs: TaskInput[] }) {
  if (inputs.length === 0) {
    return <p className="text-ink-soft text-sm">The input files are no longer stored.</p>;
  }
  return (
    <ul className="grid gap-3 sm:grid-cols-2">
      {inputs.map((input) => {
        const category = mediaLimits[input.kind].category;
        return (
          <li
            key={input.kind}
            className="border-ink/10 flex flex-col gap-1.5 rounded-lg border p-2"
          >
            <span className="text-xs font-medium">{mediaKindLabels[input.kind]}</span>
            {category === "image" ? (
              // biome-ignore lint/performance/noImgElement: a signed, short-lived media URL
              <img
                src={input.previewUrl}
                alt={`${mediaKindLabels[input.kind]}: ${input.name}`}
                className="bg-paper-sunk max-h-32 w-full rounded object-contain"
              />
            ) : category === "audio" ? (
              // biome-ignore lint/a11y/useMediaCaption: the team's own voice track, for reference
              <audio controls preload="none" src={input.previewUrl} className="w-full" />
            ) : (
              <video
                controls
                muted
                preload="metadata"
                src={input.previewUrl}
                className="bg-ink max-h-32 w-full rounded"
              />
            )}
            <span className="text-ink-soft truncate text-xs" title={input.name}>
              {input.name} · {details(input)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
