/** The seed actually sent for a result (we pick it when the form says "Random"). */
export function TaskSeed({ seed }: { seed: number | null }) {
  if (seed === null) return null;
  return (
    <p className="text-ink-soft text-xs">
      Seed: <span className="text-ink font-medium tabular-nums">{seed}</span>
    </p>
  );
}
