import { useId } from "react";
import { SECONDS_MAX, SECONDS_MIN } from "@/lib/request-rules";

interface DurationFieldProps {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  /** A line under the field, e.g. how long the audio is against this duration. */
  note?: string;
}

export function DurationField({ value, onChange, error, note }: DurationFieldProps) {
  const id = useId();
  const noteId = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-semibold">
        Duration (seconds)
      </label>
      <div className="flex items-center gap-3">
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={SECONDS_MIN}
          max={SECONDS_MAX}
          step={1}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={noteId}
          className="border-ink/15 bg-paper-raised focus:ring-accent w-24 rounded-md border px-2 py-1.5 tabular-nums focus:ring-2 focus:outline-none"
        />
        <input
          type="range"
          aria-hidden="true"
          tabIndex={-1}
          min={SECONDS_MIN}
          max={SECONDS_MAX}
          step={1}
          value={Number(value) || SECONDS_MIN}
          onChange={(event) => onChange(event.target.value)}
          className="accent-accent flex-1"
        />
      </div>
      <p id={noteId} className={`text-xs ${error ? "text-danger" : "text-ink-soft"}`}>
        {error ?? note ?? `Whole seconds, ${SECONDS_MIN} to ${SECONDS_MAX}.`}
      </p>
    </div>
  );
}
