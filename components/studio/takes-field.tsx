import { useId } from "react";
import { TAKES_MAX, TAKES_MIN } from "@/lib/request-rules";

const choices = Array.from({ length: TAKES_MAX - TAKES_MIN + 1 }, (_, index) => TAKES_MIN + index);

/**
 * How many takes one Generate makes: a segmented radio group (arrow keys move the choice,
 * as in any radio group). The takes differ only by seed.
 */
export function TakesField({
  value,
  onChange,
}: {
  value: number;
  onChange: (takes: number) => void;
}) {
  const legendId = useId();
  const hintId = useId();
  return (
    <div className="flex flex-col gap-1">
      <span id={legendId} className="text-sm font-semibold">
        Takes
      </span>
      <div
        role="radiogroup"
        aria-labelledby={legendId}
        aria-describedby={hintId}
        className="border-ink/15 bg-paper-raised flex w-fit overflow-hidden rounded-md border"
      >
        {choices.map((takes) => (
          <label
            key={takes}
            className={`has-focus-visible:ring-accent relative flex min-w-10 cursor-pointer items-center justify-center px-3 py-1.5 text-sm font-medium has-focus-visible:ring-2 has-focus-visible:ring-inset ${
              value === takes ? "bg-accent text-white" : "hover:bg-accent-soft"
            }`}
          >
            <input
              type="radio"
              name="takes"
              value={takes}
              checked={value === takes}
              onChange={() => onChange(takes)}
              // Over the whole segment, invisible: the segment is the radio button.
              className="absolute inset-0 cursor-pointer opacity-0"
            />
            {takes}
          </label>
        ))}
      </div>
      <p id={hintId} className="text-ink-faint text-xs">
        Versions of the same shot, each with its own seed.
      </p>
    </div>
  );
}
