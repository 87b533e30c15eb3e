"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

type RevokeResult = { ok: true } | { ok: false; error: { code: string; message: string } };

/**
 * Revoke one share link from the admin page. Rendered on every row (the button only while
 * the link is active), so the outcome stays said, and holds the focus, once the refreshed row
 * has no button any more.
 */
export function RevokeShareButton({
  linkId,
  active,
  revoke,
}: {
  linkId: string;
  active: boolean;
  revoke: (linkId: string) => Promise<RevokeResult>;
}) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [revoked, setRevoked] = useState(false);
  const [pending, startTransition] = useTransition();
  const status = useRef<HTMLSpanElement>(null);
  const click = () =>
    startTransition(async () => {
      const result = await revoke(linkId).catch(() => null);
      if (result?.ok) {
        setRevoked(true);
        setMessage("Share link revoked.");
        status.current?.focus();
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "Not revoked. Try again.");
    });
  return (
    <span className="flex flex-col items-start gap-1">
      {active ? (
        <button
          type="button"
          onClick={click}
          disabled={pending}
          className="border-danger/40 text-danger hover:bg-danger-soft rounded-md border px-2 py-1 text-xs"
        >
          Revoke
        </button>
      ) : null}
      <span
        ref={status}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className={`text-xs ${revoked ? "text-ink-soft" : "text-danger"}`}
      >
        {message}
      </span>
    </span>
  );
}
