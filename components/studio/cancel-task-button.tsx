"use client";

import { useId, useState, useTransition } from "react";
import { getQueryClient } from "../query-client";

export type CancelResult = { ok: true } | { ok: false; error: { code: string; message: string } };

/** The `cancelVideo` server action, passed down by the page (components don't import app/). */
export type CancelVideo = (taskId: string) => Promise<CancelResult>;

/**
 * Takes a waiting video out of our queue: it was never sent, so it costs nothing. If it was
 * sent a moment ago, the answer says why it cannot be cancelled any more.
 */
export function CancelTaskButton({ taskId, cancel }: { taskId: string; cancel: CancelVideo }) {
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  const hintId = useId();

  const onClick = () =>
    startTransition(async () => {
      setMessage("");
      const result = await cancel(taskId).catch(() => null);
      if (!result?.ok) {
        setMessage(result ? result.error.message : "The video could not be cancelled. Try again.");
      }
      await getQueryClient().invalidateQueries({ queryKey: ["task", taskId] });
    });

  return (
    <div className="flex flex-col items-start gap-1">
      <button
        type="button"
        onClick={onClick}
        disabled={pending}
        aria-describedby={hintId}
        className="border-ink/15 hover:bg-paper-sunk rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60"
      >
        {pending ? "Cancelling…" : "Cancel"}
      </button>
      <p id={hintId} className="text-ink-soft text-xs">
        Not sent yet, so cancelling costs nothing.
      </p>
      {message ? (
        <p role="alert" className="text-danger text-sm">
          {message}
        </p>
      ) : null}
    </div>
  );
}
