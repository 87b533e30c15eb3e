import { useId } from "react";
import { NEGATIVE_PROMPT_MAX } from "@/lib/model-options";

/** What the model should avoid, with a live count like the prompt's. */
export function NegativePromptField({
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
  const errorId = useId();
  const over = value.length > NEGATIVE_PROMPT_MAX;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between">
        <span className="text-sm">
          <label htmlFor={id} className="font-semibold">
            Negative prompt
          </label>{" "}
          <span className="text-ink-faint">(optional)</span>
        </span>
        <span
          id={counterId}
          className={`text-xs tabular-nums ${over ? "text-danger" : "text-ink-faint"}`}
        >
          {value.length} / {NEGATIVE_PROMPT_MAX}
        </span>
      </div>
      <textarea
        id={id}
        rows={2}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={over || error ? true : undefined}
        aria-describedby={error ? `${counterId} ${errorId}` : counterId}
        placeholder="blurry, distorted hands, text on screen"
        className="border-ink/15 bg-paper-raised focus:ring-accent resize-y rounded-md border px-3 py-2 text-sm focus:ring-2 focus:outline-none"
      />
      {error ? (
        <p id={errorId} className="text-danger text-xs">
          {error}
        </p>
      ) : null}
    </div>
  );
}
