"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";

type Outcome = { ok: true; message: string } | { ok: false; error: { message: string } };

/** "Replace shot N with…": the shot's other kept takes, one select and a button. */
export function ReplaceShotForm({
  sequenceId,
  position,
  candidates,
  replace,
}: {
  sequenceId: string;
  position: number;
  candidates: { taskId: string; label: string }[];
  replace: (input: unknown) => Promise<Outcome>;
}) {
  const id = useId();
  const router = useRouter();
  const [taskId, setTaskId] = useState(candidates[0]?.taskId ?? "");
  const [message, setMessage] = useState("");
  const [pending, start] = useTransition();
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => {
          const outcome = await replace({ sequenceId, position, taskId });
          setMessage(outcome.ok ? outcome.message : outcome.error.message);
          if (outcome.ok) router.refresh();
        });
      }}
    >
      <label htmlFor={id} className="text-ink-soft text-xs">
        Replace shot {position + 1} with
      </label>
      <div className="flex gap-1">
        <select
          id={id}
          value={taskId}
          onChange={(event) => setTaskId(event.target.value)}
          className="border-ink/20 min-w-0 flex-1 rounded-md border bg-white px-1 py-1 text-xs"
        >
          {candidates.map((candidate) => (
            <option key={candidate.taskId} value={candidate.taskId}>
              {candidate.label}
            </option>
          ))}
        </select>
        <button
          type="submit"
          disabled={pending}
          className="border-ink/20 hover:bg-paper-sunk rounded-md border px-2 py-1 text-xs font-medium"
        >
          Replace
        </button>
      </div>
      <p role="status" aria-live="polite" className="text-ink-soft text-xs">
        {message}
      </p>
    </form>
  );
}

/** "Re-roll N shots: $X": the cost is on the button, the budget is checked for all at once. */
export function RerollButton({
  sequenceId,
  position,
  label,
  reroll,
}: {
  sequenceId: string;
  position: number;
  label: string;
  reroll: (input: unknown) => Promise<Outcome>;
}) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [failed, setFailed] = useState(false);
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const outcome = await reroll({ sequenceId, position });
            setFailed(!outcome.ok);
            setMessage(outcome.ok ? outcome.message : outcome.error.message);
            if (outcome.ok) router.refresh();
          })
        }
        className="bg-accent hover:bg-accent-strong self-start rounded-md px-4 py-2 text-sm font-medium text-white"
      >
        {label}
      </button>
      <p
        role="status"
        aria-live="polite"
        className={failed ? "text-danger text-sm" : "text-ink-soft text-sm"}
      >
        {message}
      </p>
    </div>
  );
}

/** While a re-roll runs (on the server), the page reads the sequence again every few seconds. */
export function RefreshWhile({ active, everyMs }: { active: boolean; everyMs: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
