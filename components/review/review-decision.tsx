"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ReviewStateView } from "@/lib/review/comments";
import { type ReviewDecisionName, reviewDecisionLabels } from "@/lib/review/rules";

type DecideResult =
  | { ok: true; state: ReviewStateView }
  | { ok: false; error: { code: string; message: string } };

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** Approve, or ask for changes; the latest decision shows with who made it and when. */
export function ReviewDecision({
  initial,
  decide,
}: {
  initial: ReviewStateView | null;
  decide: (decision: ReviewDecisionName) => Promise<DecideResult>;
}) {
  const router = useRouter();
  const [state, setState] = useState(initial);
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  const choose = (decision: ReviewDecisionName) => {
    if (pending) return;
    startTransition(async () => {
      setMessage("");
      const result = await decide(decision).catch(() => null);
      if (result?.ok) {
        setState(result.state);
        router.refresh();
        return;
      }
      setMessage(result ? result.error.message : "The decision could not be saved. Try again.");
    });
  };
  return (
    <section aria-labelledby="review-heading" className="flex flex-col gap-2">
      <h2
        id="review-heading"
        className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
      >
        Review
      </h2>
      <p role="status" aria-live="polite" className="text-sm">
        {state ? (
          <>
            <span
              className={`font-semibold ${state.decision === "approved" ? "text-success" : "text-warning"}`}
            >
              {reviewDecisionLabels[state.decision]}
            </span>{" "}
            by {state.byName}, {dateFormat.format(new Date(state.at))} UTC
          </>
        ) : (
          "Not reviewed yet."
        )}
      </p>
      {/* aria-disabled while saving, not disabled: a disabled button drops the keyboard's focus. */}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          onClick={() => choose("approved")}
          aria-disabled={pending}
          aria-pressed={state?.decision === "approved"}
          className="bg-success rounded-md px-3 py-1.5 text-sm font-medium text-white aria-disabled:opacity-60"
        >
          Approve
        </button>
        <button
          type="button"
          onClick={() => choose("changes_requested")}
          aria-disabled={pending}
          aria-pressed={state?.decision === "changes_requested"}
          className="border-warning text-warning hover:bg-warning-soft rounded-md border px-3 py-1.5 text-sm font-medium aria-disabled:opacity-60"
        >
          Request changes
        </button>
      </div>
      {message ? (
        <p role="alert" className="text-danger text-sm">
          {message}
        </p>
      ) : null}
    </section>
  );
}
