export function GenerateButton({
  pending,
  blockedReason,
}: {
  pending: boolean;
  blockedReason: string | null;
}) {
  const disabled = pending || blockedReason !== null;
  return (
    <div className="flex flex-col gap-1">
      <button
        type="submit"
        disabled={disabled}
        aria-describedby="generate-reason"
        className="bg-accent hover:bg-accent-strong disabled:bg-ink/20 disabled:text-ink-soft rounded-lg px-5 py-2.5 font-semibold text-white shadow-sm transition disabled:cursor-not-allowed"
      >
        {pending ? "Submitting…" : "Generate"}
      </button>
      <p id="generate-reason" className="text-ink-soft min-h-4 text-xs">
        {pending ? "Sending the request to the gateway…" : blockedReason}
      </p>
    </div>
  );
}
