/** Marks the take chosen in its set, wherever the take is shown. */
export function PickedBadge() {
  return (
    <span className="bg-success-soft text-success rounded-full px-2 py-0.5 text-xs font-semibold">
      Picked
    </span>
  );
}
