"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { type ShareLinkOptions, shareLinkDays } from "@/lib/review/rules";
import type { ShareLinkSummary } from "@/lib/review/shares";

type ActionError = { code: string; message: string };
type CreateResult =
  | { ok: true; path: string; link: ShareLinkSummary }
  | { ok: false; error: ActionError };
type RevokeResult = { ok: true } | { ok: false; error: ActionError };

const field =
  "rounded-md border border-ink/15 bg-paper-raised px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-accent";

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

const stateLabels = { active: "Active", expired: "Expired", revoked: "Revoked" } as const;

/**
 * Make a public link to this video (or a sequence's film), see its links, revoke them. A
 * film's link shows the film only: no prompt, no comments (those belong to its shots).
 */
export function SharePanel({
  links,
  create,
  revoke,
  film = false,
}: {
  links: ShareLinkSummary[];
  create: (options: ShareLinkOptions) => Promise<CreateResult>;
  revoke: (linkId: string) => Promise<RevokeResult>;
  film?: boolean;
}) {
  const router = useRouter();
  const id = {
    days: useId(),
    download: useId(),
    settings: useId(),
    comments: useId(),
    url: useId(),
  };
  const [days, setDays] = useState<ShareLinkOptions["days"]>(7);
  const [allowDownload, setAllowDownload] = useState(true);
  const [showSettings, setShowSettings] = useState(false);
  const [allowComments, setAllowComments] = useState(false);
  const [url, setUrl] = useState("");
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  // The outcome line takes the focus when the button that had it goes (a revoked link's).
  const status = useRef<HTMLParagraphElement>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setMessage("Share link copied.");
    } catch {
      setMessage("The link could not be copied here: select it and copy it.");
    }
  };

  const make = (event: React.FormEvent) => {
    event.preventDefault();
    if (pending) return;
    startTransition(async () => {
      setMessage("");
      const result = await create({
        days,
        allowDownload,
        showSettings: !film && showSettings,
        allowComments: !film && allowComments,
      }).catch(() => null);
      if (result?.ok) {
        setUrl(`${window.location.origin}${result.path}`);
        setMessage("Share link made. Copy it now: the studio keeps no copy of it.");
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "The link could not be made. Try again.");
    });
  };

  const end = (linkId: string) =>
    startTransition(async () => {
      const result = await revoke(linkId).catch(() => null);
      setMessage(
        result?.ok
          ? "Share link revoked: it opens nothing now."
          : result
            ? result.error.message
            : "The link could not be revoked. Try again.",
      );
      if (result?.ok) {
        status.current?.focus();
        router.refresh();
      }
    });

  return (
    <section aria-labelledby="share-heading" className="flex flex-col gap-3">
      <h2
        id="share-heading"
        className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
      >
        Share
      </h2>
      <form onSubmit={make} className="flex flex-col gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={id.days} className="text-xs font-medium">
            Link expires after
          </label>
          <select
            id={id.days}
            value={days}
            onChange={(event) => setDays(Number(event.target.value) as ShareLinkOptions["days"])}
            className={`${field} w-40`}
          >
            {shareLinkDays.map((choice) => (
              <option key={choice} value={choice}>
                {choice === 1 ? "1 day" : `${choice} days`}
              </option>
            ))}
          </select>
        </div>
        {(
          [
            [id.download, "Allow download", allowDownload, setAllowDownload],
            [id.settings, "Show prompt and settings", showSettings, setShowSettings],
            [id.comments, "Allow comments from viewers", allowComments, setAllowComments],
          ] as const
        )
          .filter(([inputId]) => !film || inputId === id.download)
          .map(([inputId, label, checked, set]) => (
            <div key={inputId} className="flex items-center gap-2">
              <input
                id={inputId}
                type="checkbox"
                checked={checked}
                onChange={(event) => set(event.target.checked)}
                className="accent-accent"
              />
              <label htmlFor={inputId} className="text-sm">
                {label}
              </label>
            </div>
          ))}
        {/* aria-disabled while saving, not disabled: a disabled button drops the keyboard's focus. */}
        <button
          type="submit"
          aria-disabled={pending}
          className="bg-accent hover:bg-accent-strong self-start rounded-md px-4 py-1.5 text-sm font-medium text-white aria-disabled:opacity-60"
        >
          Create share link
        </button>
      </form>
      {url ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={id.url} className="text-xs font-medium">
            New share link
          </label>
          <div className="flex gap-2">
            <input id={id.url} readOnly value={url} className={`${field} min-w-0 flex-1`} />
            <button
              type="button"
              onClick={() => void copy()}
              className="border-ink/15 hover:bg-paper-sunk rounded-md border px-3 py-1.5 text-sm"
            >
              Copy
            </button>
          </div>
        </div>
      ) : null}
      <p
        ref={status}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className="text-ink-soft text-sm"
      >
        {message}
      </p>
      {links.length > 0 ? (
        <ul aria-label="Share links" className="flex flex-col gap-2">
          {links.map((link) => (
            <li
              key={link.id}
              className="border-ink/10 flex flex-wrap items-center justify-between gap-2 rounded-lg border p-2 text-xs"
            >
              <span>
                <span className="font-medium">{stateLabels[link.state]}</span> · by{" "}
                {link.createdByName} · {link.state === "active" ? "expires" : "expiry"}{" "}
                {dateFormat.format(new Date(link.expiresAt))} UTC ·{" "}
                {(film
                  ? [link.allowDownload ? "download" : "no download"]
                  : [
                      link.allowDownload ? "download" : "no download",
                      link.showSettings ? "prompt shown" : "prompt hidden",
                      link.allowComments ? "comments" : "no comments",
                    ]
                ).join(", ")}{" "}
                · opened {link.opens}×
              </span>
              {link.state === "active" ? (
                <button
                  type="button"
                  onClick={() => end(link.id)}
                  disabled={pending}
                  aria-label={`Revoke the link made ${dateFormat.format(new Date(link.createdAt))} UTC`}
                  className="border-danger/40 text-danger hover:bg-danger-soft rounded-md border px-2 py-1"
                >
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
