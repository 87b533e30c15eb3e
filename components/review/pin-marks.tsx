"use client";

import { formatPin } from "@/lib/review/rules";
import { usePlayerLink } from "./player-link";

/**
 * The comments' pins as marks along the video's length, under its scrubber: each mark is a
 * button that takes the player there.
 */
export function PinMarks() {
  const link = usePlayerLink();
  if (!link || link.pins.length === 0 || link.duration <= 0) return null;
  const { duration, handle } = link;
  return (
    <div className="flex flex-col gap-1">
      <p className="text-ink-soft text-xs">Comment pins</p>
      <ol aria-label="Comment pins" className="bg-paper-sunk relative h-6 rounded-full">
        {link.pins.map((pin) => (
          <li
            key={pin.id}
            className="absolute top-0 -translate-x-1/2"
            style={{ left: `${Math.min(100, (pin.atSeconds / duration) * 100)}%` }}
          >
            <button
              type="button"
              onClick={() => handle?.seek(pin.atSeconds)}
              aria-label={`Go to ${formatPin(pin.atSeconds)}: ${pin.label}`}
              title={`${formatPin(pin.atSeconds)} · ${pin.label}`}
              className="bg-accent hover:bg-accent-strong focus-visible:ring-accent block h-6 w-2 rounded-sm focus:outline-none focus-visible:ring-2"
            />
          </li>
        ))}
      </ol>
    </div>
  );
}
