import { formatBytes } from "@/lib/request-rules";

export function UploadProgress({
  label,
  sent,
  total,
}: {
  label: string;
  sent: number;
  total: number;
}) {
  const percent = total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0;
  return (
    <div className="flex flex-col gap-1">
      <div
        role="progressbar"
        aria-label={`${label} upload`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="bg-paper-sunk h-1.5 overflow-hidden rounded-full"
      >
        <div className="bg-accent h-full transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <span className="text-ink-faint text-xs tabular-nums">
        Uploading {formatBytes(sent)} of {formatBytes(total)} ({percent}%)
      </span>
    </div>
  );
}
