import { useId } from "react";
import { sizes, type VideoSize } from "@/lib/request-rules";

const details: Record<VideoSize, string> = { "720P": "HD, faster", "1080P": "Full HD" };

export function ResolutionField({
  value,
  onChange,
}: {
  value: VideoSize;
  onChange: (size: VideoSize) => void;
}) {
  const legendId = useId();
  return (
    <div className="flex flex-col gap-1">
      <span id={legendId} className="text-sm font-semibold">
        Resolution
      </span>
      <div role="radiogroup" aria-labelledby={legendId} className="flex gap-2">
        {sizes.map((size) => (
          <label
            key={size}
            className={`has-focus-visible:ring-accent flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm has-focus-visible:ring-2 ${
              value === size ? "border-accent bg-accent-soft" : "border-ink/15 bg-paper-raised"
            }`}
          >
            <input
              type="radio"
              name="size"
              value={size}
              checked={value === size}
              onChange={() => onChange(size)}
              className="accent-accent"
            />
            <span className="font-medium">{size}</span>
            <span className="text-ink-faint text-xs" aria-hidden="true">
              {details[size]}
            </span>
          </label>
        ))}
      </div>
    </div>
  );
}
