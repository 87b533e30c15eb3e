import { useId } from "react";
import { SEED_MAX } from "@/lib/model-options";

/**
 * "Random" (checked by default: we pick the seed, store it and show it on the result) or a
 * fixed seed typed as text, so whatever was typed ("abc", "1.5") is kept and explained.
 */
export function SeedField({
  random,
  value,
  onRandomChange,
  onChange,
  error,
}: {
  random: boolean;
  value: string;
  onRandomChange: (random: boolean) => void;
  onChange: (value: string) => void;
  error?: string;
}) {
  const randomId = useId();
  const id = useId();
  const noteId = useId();
  return (
    <div className="flex flex-col gap-1">
      <span className="text-sm font-semibold">Seed</span>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={randomId} className="flex items-center gap-2 text-sm">
          <input
            id={randomId}
            type="checkbox"
            checked={random}
            onChange={(event) => onRandomChange(event.target.checked)}
            className="accent-accent"
          />
          Random seed
        </label>
        <label htmlFor={id} className="sr-only">
          Seed
        </label>
        <input
          id={id}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={value}
          disabled={random}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={!random && error ? true : undefined}
          aria-describedby={noteId}
          placeholder={random ? "Random" : "e.g. 12345"}
          className="border-ink/15 bg-paper-raised focus:ring-accent disabled:bg-paper-sunk disabled:text-ink-faint w-40 rounded-md border px-2 py-1.5 text-sm tabular-nums focus:ring-2 focus:outline-none"
        />
      </div>
      <p id={noteId} className={`text-xs ${!random && error ? "text-danger" : "text-ink-soft"}`}>
        {!random && error
          ? error
          : random
            ? "A new seed for every video; the one used is shown on the result."
            : `A whole number from 0 to ${SEED_MAX}: the same seed and inputs make the same take.`}
      </p>
    </div>
  );
}
