export function GenerateButton({ pending, blockedReason }: { pending: boolean; blockedReason: string | null }) {
  const disabled = pending || blockedReason !== null;
  return (
    <div className="flex flex-col gap-1">
      <button
        type="submit"
        disabled={disabled}
        aria-describedby="generate-reason"
        className="rounded-lg bg-accent px-5 py-2.5 font-semibold text-white shadow-sm transition hover:bg-accent-strong disabled:cursor-not-allowed disabled:bg-ink/20 disabled:text-ink-soft"
      >
        {pending ? "Submitting…" : "Generate"}
      </button>
      <p id="generate-reason" className="min-h-4 text-ink-soft text-xs">
        {pending ? "Sending the request to the gateway…" : blockedReason}
      </p>
    </div>
  );
}
