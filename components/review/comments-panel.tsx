"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import type { CommentView } from "@/lib/review/comments";
import { COMMENT_MAX_CHARS, formatPin } from "@/lib/review/rules";
import { usePlayerLink } from "./player-link";

type ActionError = { code: string; message: string };
export type CommentResult = { ok: true; comment: CommentView } | { ok: false; error: ActionError };
type DeleteResult = { ok: true } | { ok: false; error: ActionError };

interface CommentsPanelProps {
  initial: CommentView[];
  /** Saves a comment ({ body, atSeconds, name? }); bound to its target by the page. */
  add: (input: { body: string; atSeconds: number | null; name?: string }) => Promise<CommentResult>;
  /** Members only: deleting (shown on comments the member may delete). */
  remove?: (commentId: string) => Promise<DeleteResult>;
  /** Share-link viewers type the name their comment goes under. */
  askName?: boolean;
}

const field =
  "rounded-md border border-ink/15 bg-paper-raised px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-accent";

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** Review comments: the list (pins seek the player) and the form that adds one. */
export function CommentsPanel({ initial, add, remove, askName = false }: CommentsPanelProps) {
  const router = useRouter();
  const ids = { body: useId(), name: useId(), pin: useId(), count: useId() };
  const [list, setList] = useState(initial);
  const [body, setBody] = useState("");
  const [name, setName] = useState("");
  const [pin, setPin] = useState(true);
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  const link = usePlayerLink();
  const setPins = link?.setPins;

  useEffect(() => {
    setPins?.(
      list.flatMap((comment) =>
        comment.atSeconds === null
          ? []
          : [{ id: comment.id, atSeconds: comment.atSeconds, label: comment.body.slice(0, 80) }],
      ),
    );
  }, [list, setPins]);

  const canPin = Boolean(link?.handle);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const atSeconds = pin && link?.handle ? link.handle.currentTime() : null;
    startTransition(async () => {
      setMessage("");
      const result = await add({ body, atSeconds, ...(askName ? { name } : {}) }).catch(() => null);
      if (result?.ok) {
        setList((current) => [...current, result.comment]);
        setBody("");
        setMessage("Comment added.");
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "The comment could not be saved. Try again.");
    });
  };

  const del = (id: string) =>
    startTransition(async () => {
      if (!remove) return;
      const result = await remove(id).catch(() => null);
      if (result?.ok) {
        setList((current) => current.filter((comment) => comment.id !== id));
        setMessage("Comment deleted.");
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "The comment could not be deleted. Try again.");
    });

  return (
    <section id="comments" aria-labelledby={ids.count} className="flex flex-col gap-3">
      <h2 id={ids.count} className="text-ink-soft text-sm font-semibold tracking-wide uppercase">
        Comments ({list.length})
      </h2>
      {list.length === 0 ? (
        <p className="text-ink-soft text-sm">No comments yet.</p>
      ) : (
        <ol aria-label="Comments" className="flex flex-col gap-2">
          {list.map((comment) => (
            <li
              key={comment.id}
              className="border-ink/10 bg-paper-raised flex flex-col gap-1 rounded-lg border p-3"
            >
              <p className="flex flex-wrap items-center gap-2 text-xs">
                <span className="text-ink font-medium">{comment.authorName}</span>
                {comment.viaShareLink ? (
                  <span className="text-ink-soft">(via share link)</span>
                ) : null}
                <time dateTime={comment.createdAt} className="text-ink-faint">
                  {dateFormat.format(new Date(comment.createdAt))} UTC
                </time>
                {comment.atSeconds !== null ? (
                  <button
                    type="button"
                    onClick={() => link?.handle?.seek(comment.atSeconds ?? 0)}
                    disabled={!link?.handle}
                    aria-label={`Play from ${formatPin(comment.atSeconds)}`}
                    className="bg-accent-soft text-accent-strong rounded px-1.5 py-0.5 font-medium tabular-nums hover:underline disabled:no-underline"
                  >
                    {formatPin(comment.atSeconds)}
                  </button>
                ) : null}
              </p>
              {/* Text, never HTML: React escapes it. */}
              <p className="text-sm break-words whitespace-pre-wrap">{comment.body}</p>
              {comment.canDelete && remove ? (
                <button
                  type="button"
                  onClick={() => del(comment.id)}
                  disabled={pending}
                  aria-label={`Delete the comment by ${comment.authorName}`}
                  className="text-danger self-start text-xs hover:underline"
                >
                  Delete
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="flex flex-col gap-2">
        {askName ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.name} className="text-xs font-medium">
              Your name
            </label>
            <input
              id={ids.name}
              value={name}
              onChange={(event) => setName(event.target.value)}
              maxLength={80}
              required
              autoComplete="name"
              className={field}
            />
          </div>
        ) : null}
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.body} className="text-xs font-medium">
            Comment
          </label>
          <textarea
            id={ids.body}
            value={body}
            onChange={(event) => setBody(event.target.value)}
            maxLength={COMMENT_MAX_CHARS}
            rows={3}
            required
            className={field}
          />
          <span className="text-ink-faint text-xs tabular-nums">
            {body.length} / {COMMENT_MAX_CHARS.toLocaleString("en")}
          </span>
        </div>
        {canPin ? (
          <div className="flex items-center gap-2">
            <input
              id={ids.pin}
              type="checkbox"
              checked={pin}
              onChange={(event) => setPin(event.target.checked)}
              className="accent-accent"
            />
            <label htmlFor={ids.pin} className="text-sm">
              Pin to the player's current time
            </label>
          </div>
        ) : null}
        {/* aria-disabled while saving, not disabled: a disabled button drops the keyboard's focus. */}
        <button
          type="submit"
          aria-disabled={pending}
          className="bg-accent hover:bg-accent-strong self-start rounded-md px-4 py-1.5 text-sm font-medium text-white aria-disabled:opacity-60"
        >
          {pending ? "Saving…" : "Add comment"}
        </button>
        <p role="status" aria-live="polite" className="text-ink-soft text-sm">
          {message}
        </p>
      </form>
    </section>
  );
}
