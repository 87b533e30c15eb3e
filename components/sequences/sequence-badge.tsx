/** Marks a sequence, or a video that is a shot of one, wherever it is listed (as PickedBadge). */
export function SequenceBadge() {
  return (
    <span className="bg-accent-soft text-accent-strong rounded-full px-2 py-0.5 text-xs font-semibold">
      Sequence
    </span>
  );
}
