"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type RevokeResult = { ok: true } | { ok: false; error: { code: string; message: string } };

/** Revoke one share link from the admin page. */
export function RevokeShareButton({
  linkId,
  revoke,
}: {
  linkId: string;
  revoke: (linkId: string) => Promise<RevokeResult>;
}) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  const click = () =>
    startTransition(async () => {
      const result = await revoke(linkId).catch(() => null);
      if (result?.ok) {
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "Not revoked. Try again.");
    });
  return (
    <span className="flex flex-col items-start gap-1">
      <button
        type="button"
        onClick={click}
        disabled={pending}
        className="border-danger/40 text-danger hover:bg-danger-soft rounded-md border px-2 py-1 text-xs"
      >
        Revoke
      </button>
      <span role="status" aria-live="polite" className="text-danger text-xs">
        {message}
      </span>
    </span>
  );
}
