import { useId } from "react";
import { PROMPT_MAX } from "@/lib/video-request";

export function PromptField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const id = useId();
  const counterId = useId();
  const over = value.length > PROMPT_MAX;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between">
        <span className="text-sm">
          <label htmlFor={id} className="font-semibold">
            Prompt
          </label>{" "}
          <span className="text-ink-faint">(optional)</span>
        </span>
        <span
          id={counterId}
          className={`text-xs tabular-nums ${over ? "text-danger" : "text-ink-faint"}`}
        >
          {value.length} / {PROMPT_MAX}
        </span>
      </div>
      <textarea
        id={id}
        rows={4}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={over || error ? true : undefined}
        aria-describedby={counterId}
        placeholder="The portrait slowly turns towards the camera and smiles."
        className="border-ink/15 bg-paper-raised focus:ring-accent resize-y rounded-md border px-3 py-2 text-sm focus:ring-2 focus:outline-none"
      />
      {error ? <p className="text-danger text-xs">{error}</p> : null}
    </div>
  );
}
