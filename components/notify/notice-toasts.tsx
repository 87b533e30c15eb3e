"use client";

import Link from "next/link";
import type { DoneNotice } from "@/lib/notify/notices";

/**
 * The in-page notices, bottom right, announced politely to screen readers. The region is
 * always there (a live region must exist before what it announces); empty, it shows nothing.
 */
export function NoticeToasts({
  notices,
  dismiss,
}: {
  notices: DoneNotice[];
  dismiss: (key: string) => void;
}) {
  return (
    <section
      aria-label="Finished videos"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2"
    >
      {notices.map((notice) => (
        <div
          key={notice.key}
          className={`bg-paper-raised pointer-events-auto rounded-lg border px-4 py-3 text-sm shadow-lg ${
            notice.kind === "completed" ? "border-accent/40" : "border-danger/40"
          }`}
        >
          <p className="font-semibold break-words">{notice.title}</p>
          <p className="text-ink-soft break-words">{notice.body}</p>
          <div className="mt-2 flex items-center gap-3">
            <Link
              href={notice.url}
              onClick={() => dismiss(notice.key)}
              className="text-accent font-medium hover:underline"
            >
              {notice.url.startsWith("/takes/") ? "Open the takes" : "Open the video"}
            </Link>
            <button
              type="button"
              onClick={() => dismiss(notice.key)}
              aria-label={`Dismiss: ${notice.title}`}
              className="border-ink/15 hover:bg-paper-sunk rounded-md border px-2 py-1"
            >
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
