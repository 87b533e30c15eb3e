import { useId } from "react";
import { PROMPT_MAX, promptProblem } from "@/lib/request-rules";

export function PromptField({
  value,
  onChange,
  error,
  required = false,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  /** The gateway refuses a create without a prompt: say so before anyone pays. */
  required?: boolean;
}) {
  const id = useId();
  const counterId = useId();
  const noteId = useId();
  const over = value.length > PROMPT_MAX;
  const missing = promptProblem(value, required);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between">
        <span className="text-sm">
          <label htmlFor={id} className="font-semibold">
            Prompt
          </label>{" "}
          <span className="text-ink-faint">{required ? "(required)" : "(optional)"}</span>
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
        aria-required={required || undefined}
        aria-describedby={missing ? `${counterId} ${noteId}` : counterId}
        placeholder="The portrait slowly turns towards the camera and smiles."
        className="border-ink/15 bg-paper-raised focus:ring-accent resize-y rounded-md border px-3 py-2 text-sm focus:ring-2 focus:outline-none"
      />
      {missing ? (
        <p id={noteId} className="text-warning text-xs">
          {missing}
        </p>
      ) : null}
      {error ? <p className="text-danger text-xs">{error}</p> : null}
    </div>
  );
}
