"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type DeleteResult = { ok: true } | { ok: false; error: { code: string; message: string } };

/** Delete with a confirm step; shown only to whoever made the video and to admins. */
export function DeleteVideoButton({
  taskId,
  deleteVideo,
  warning,
}: {
  taskId: string;
  deleteVideo: (taskId: string) => Promise<DeleteResult>;
  /** What else breaks (e.g. the sequences it is a shot of), said before the delete. */
  warning?: string;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();

  const confirm = () =>
    startTransition(async () => {
      setMessage("");
      const result = await deleteVideo(taskId).catch(() => null);
      if (result?.ok) {
        router.push("/videos");
        router.refresh();
        return;
      }
      setConfirming(false);
      setMessage(result ? result.error.message : "The video could not be deleted. Try again.");
    });

  return (
    <div className="flex flex-col items-end gap-2">
      {confirming && warning ? <p className="text-warning max-w-sm text-sm">{warning}</p> : null}
      {confirming ? (
        <div className="flex items-center gap-2">
          <span className="text-sm">Delete this video for good?</span>
          <button
            type="button"
            onClick={confirm}
            disabled={pending}
            className="bg-danger rounded-md px-3 py-2 text-sm font-medium text-white disabled:opacity-60"
          >
            {pending ? "Deleting…" : "Yes, delete"}
          </button>
          <button
            type="button"
            onClick={() => setConfirming(false)}
            disabled={pending}
            className="border-ink/15 hover:bg-paper-sunk rounded-md border px-3 py-2 text-sm"
          >
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          className="border-danger/40 text-danger hover:bg-danger-soft rounded-md border px-4 py-2 text-sm font-medium"
        >
          Delete
        </button>
      )}
      <p role="status" aria-live="polite" className="text-danger text-sm">
        {message}
      </p>
    </div>
  );
}
